"""The catalogue advisor (procedures/advisor.py, portal/advisor_views.py): per agency and for the province,
the full-process share against the targets of the year, and the partial procedures whose only step at the
desk is the check of originals, the busiest first."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procedures import advisor
from procedures.models import Procedure, ProcedureVersion
from procedures.selectors import TargetCheck
from tests.dossiers.staff_support import Clock, sign_in, vn
from tests.factories import (
    AgencyFactory,
    CitizenProfileFactory,
    ProcedureVersionFactory,
    UserFactory,
    filed_dossier,
    staff_member,
)

pytestmark = pytest.mark.django_db


def partial(agency, reason, **kwargs):
    return ProcedureVersionFactory(
        published=True, agencies=[agency], service_level="partial", partial_reason=reason, **kwargs
    )


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_only_partial_procedures_whose_one_desk_step_is_the_originals_check_are_candidates():
    agency = AgencyFactory()
    originals = partial(agency, "originals", name="Chứng thực bản sao từ bản chính")
    for reason in ["in_person", "on_site", "other"]:
        partial(agency, reason)
    ProcedureVersionFactory(published=True, agencies=[agency])  # already full-process
    ProcedureVersionFactory(agencies=[agency], partial=True)  # a draft
    elsewhere = partial(AgencyFactory(), "originals")

    assert list(ProcedureVersion.objects.filter(advisor.could_go_full_process())) == sorted(
        [originals, elsewhere], key=lambda v: v.procedure.national_code
    )
    assert list(advisor.candidate_versions(agency)) == [originals]


def test_candidates_are_ranked_by_their_dossiers_of_the_last_twelve_months(monkeypatch, client):
    clock = Clock(monkeypatch, vn(2025, 3, 2, 9))
    agency = AgencyFactory(name="UBND phường Hoa Lư", kind="commune")
    quiet = partial(agency, "originals", name="Cấp bản sao trích lục hộ tịch")
    busy = partial(agency, "originals", name="Chứng thực bản sao từ bản chính")
    citizen = CitizenProfileFactory().user
    for _n in range(4):  # more than a year before today: not counted
        filed_dossier(version=quiet, applicant=citizen)
    clock.set(vn(2026, 5, 4, 9))
    filed_dossier(version=quiet, applicant=citizen)
    for _n in range(2):
        filed_dossier(version=busy, applicant=citizen)
    clock.set(vn(2026, 6, 1, 9))

    clerk = staff_member(agency)
    response = sign_in(client, clerk, language="vi").get(
        reverse("agency_catalogue_advisor", args=[agency.code])
    )
    assert response.status_code == 200
    ranked = [(c.version, c.dossiers) for c in response.context["candidates"]]
    assert ranked == [(busy, 2), (quiet, 1)]
    text = text_of(response)
    assert text.index("Chứng thực bản sao từ bản chính") < text.index("Cấp bản sao trích lục hộ tịch")
    assert "bản sao điện tử được chứng thực từ bản chính" in text


def test_the_agency_page_queries_do_not_grow_with_candidates(client, django_assert_max_num_queries):
    agency = AgencyFactory()
    clerk = staff_member(agency)
    partial(agency, "originals")
    url = reverse("agency_catalogue_advisor", args=[agency.code])
    sign_in(client, clerk).get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _n in range(9):
        filed_dossier(version=partial(agency, "originals"))
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    assert len(response.context["candidates"]) == 10
    per_procedure = [q for q in one if "GROUP BY" in q["sql"] and "dossiers_dossier" in q["sql"]]
    assert len(per_procedure) == 1


def test_the_share_is_the_agencys_against_the_target_of_the_year(monkeypatch, client, settings):
    """36 of 57 is 63.2 % (not 65.0 %), below the 95 % of 2025 that still holds in 2026: 19 to go."""
    Clock(monkeypatch, vn(2026, 6, 1, 9))
    settings.FULL_PROCESS_TARGETS = {2023: 80, 2025: 95}
    agency = AgencyFactory(name="UBND xã An Bình", kind="commune")
    other = AgencyFactory(kind="commune")
    for _n in range(36):
        ProcedureVersionFactory(published=True, agencies=[agency, other], levels="commune")
    for _n in range(21):
        ProcedureVersionFactory(published=True, agencies=[agency], levels="commune", partial=True)
    share = advisor.agency_share(agency)
    assert (share.full_process, share.total, str(share.percent)) == (36, 57, "63.2")

    response = sign_in(client, staff_member(agency), language="vi").get(
        reverse("agency_catalogue_advisor", args=[agency.code])
    )
    text = text_of(response)
    assert "36 trên 57 thủ tục đã công bố được cung cấp trực tuyến toàn trình (63,2%)" in text
    assert "65,0" not in text
    assert response.context["current"].year == 2025 and response.context["to_target"] == 19
    assert "Chỉ tiêu áp dụng năm 2026: 95%" in text


@pytest.mark.parametrize(("year", "target"), [(2022, 80), (2023, 80), (2024, 80), (2025, 95), (2026, 95)])
def test_the_target_in_force_is_the_latest_set_for_the_year_or_before(year, target):
    checks = (TargetCheck(2023, 80, False), TargetCheck(2025, 95, False))
    assert advisor.current_target(checks, year).target == target


@pytest.mark.parametrize(
    ("full", "total", "target", "more"), [(36, 57, 95, 19), (36, 57, 60, 0), (0, 0, 95, 0), (19, 20, 95, 0)]
)
def test_how_many_more_procedures_reach_the_target(full, total, target, more):
    assert advisor.procedures_to_target(full, total, target) == more


def test_the_province_page_lists_only_level_and_agency_pairs_that_exist(client):
    justice = AgencyFactory(name="Sở Tư pháp", kind="department")
    commune = AgencyFactory(name="UBND xã An Bình", kind="commune")
    ProcedureVersionFactory(published=True, agencies=[justice, commune], levels="province,commune")
    partial(commune, "originals", levels="commune")
    admin = UserFactory(catalogue_admin=True)
    response = sign_in(client, admin, language="vi").get(reverse("catalogue_advisor"))
    assert response.status_code == 200
    text = text_of(response)
    assert "Cấp tỉnh Sở Tư pháp 1 1 100,0%" in text
    assert "Cấp xã UBND xã An Bình 2 1 50,0%" in text
    assert "Cấp xã Sở Tư pháp" not in text and "Cấp tỉnh UBND xã An Bình" not in text
    assert reverse("agency_catalogue_advisor", args=[commune.code]) in response.content.decode()


def test_who_may_open_the_advisor(client):
    agency, other = AgencyFactory(), AgencyFactory()
    clerk = staff_member(agency)
    sign_in(client, clerk)
    assert client.get(reverse("agency_catalogue_advisor", args=[agency.code])).status_code == 200
    assert client.get(reverse("agency_catalogue_advisor", args=[other.code])).status_code == 404
    assert client.get(reverse("agency_catalogue_advisor", args=["000.00.99.H99"])).status_code == 404
    assert client.get(reverse("catalogue_advisor")).status_code == 403

    admin = UserFactory(catalogue_admin=True)
    sign_in(client, admin)
    assert client.get(reverse("agency_catalogue_advisor", args=[other.code])).status_code == 200
    assert client.get(reverse("catalogue_advisor")).status_code == 200

    client.force_login(CitizenProfileFactory().user)
    assert client.get(reverse("agency_catalogue_advisor", args=[agency.code])).status_code == 403
    client.logout()
    assert client.get(reverse("catalogue_advisor")).status_code == 302


def test_the_advisor_is_linked_from_the_staff_menu(client):
    agency = AgencyFactory()
    sign_in(client, staff_member(agency))
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("agency_catalogue_advisor", args=[agency.code]) in page
    sign_in(client, UserFactory(catalogue_admin=True))
    assert reverse("catalogue_advisor") in client.get(reverse("dashboard")).content.decode()


def test_nothing_in_the_catalogue_reads_as_an_empty_advisor(client):
    agency = AgencyFactory()
    response = sign_in(client, staff_member(agency)).get(
        reverse("agency_catalogue_advisor", args=[agency.code])
    )
    assert response.status_code == 200 and response.context["candidates"] == []
    assert Procedure.objects.count() == 0
