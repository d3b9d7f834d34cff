import re
from decimal import Decimal

import pytest
from django.urls import reverse

from procedures.selectors import (
    full_process_report,
    full_process_share_by_agency_and_level,
    share_percent,
    target_checks,
)
from tests.factories import AgencyFactory, ProcedureVersionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    justice = AgencyFactory(name="Sở Tư pháp")
    commune = AgencyFactory(name="UBND xã An Bình", kind="commune")
    for _ in range(4):
        ProcedureVersionFactory(published=True, agencies=[justice], levels="province")
    ProcedureVersionFactory(published=True, agencies=[justice], levels="province", partial=True)
    ProcedureVersionFactory(published=True, agencies=[commune], levels="commune", partial=True)
    ProcedureVersionFactory(published=True, agencies=[commune], levels="commune")
    ProcedureVersionFactory(agencies=[commune], levels="commune", partial=True)  # a draft does not count
    return justice, commune


def test_share_is_computed_per_agency_and_level(catalogue):
    justice, commune = catalogue
    shares = {(s.agency, s.level): s for s in full_process_share_by_agency_and_level()}
    assert (shares[(justice, "province")].total, shares[(justice, "province")].full_process) == (5, 4)
    assert shares[(justice, "province")].percent == 80.0
    assert shares[(commune, "commune")].percent == 50.0


def staff_client(client, user):
    client.force_login(user)
    session = client.session
    session["_portal_mfa_ok"] = True
    session.save()
    return client


def test_catalogue_admin_sees_the_share_page_against_targets(client, catalogue):
    admin = UserFactory(catalogue_admin=True)
    page = staff_client(client, admin).get(reverse("full_process_share")).content.decode()
    assert "Sở Tư pháp" in page and "80,0%" in page
    assert "UBND xã An Bình" in page and "50,0%" in page
    assert "95%" in page


@pytest.mark.parametrize("role", ["citizen", "clerk", "officer"])
def test_others_cannot_see_the_share_page(client, catalogue, role):
    user = UserFactory(role=role)
    response = staff_client(client, user).get(reverse("full_process_share"))
    assert response.status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("full_process_share"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_overall_share_counts_each_procedure_once_and_rounds_half_up(client):
    """Issue 12: 36 of 57 read '65,0 %' — the overall share summed the per-agency rows."""
    first, second = (AgencyFactory(name=f"UBND xã {n}", kind="commune") for n in range(2))
    for _ in range(36):
        ProcedureVersionFactory(published=True, agencies=[first, second], levels="commune")
    for _ in range(21):
        ProcedureVersionFactory(published=True, agencies=[first], levels="commune", partial=True)
    report = full_process_report()
    assert (report.full_process, report.total, report.percent) == (36, 57, Decimal("63.2"))
    page = staff_client(client, UserFactory(catalogue_admin=True)).get(reverse("full_process_share"))
    text = page.content.decode()
    assert "36 trên 57 thủ tục đã công bố được cung cấp trực tuyến toàn trình (63,2%)" in text
    assert "65,0" not in text


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [(36, 57, "63.2"), (1, 8, "12.5"), (1, 3, "33.3"), (2, 3, "66.7"), (1899, 2000, "95.0"), (0, 0, "0.0")],
)
def test_share_percent_is_rounded_half_up_to_one_decimal(part, whole, percent):
    assert share_percent(part, whole) == Decimal(percent)


def test_a_target_is_met_only_by_the_exact_share():
    agency = AgencyFactory()
    for number in range(20):
        ProcedureVersionFactory(published=True, agencies=[agency], partial=number == 0)
    (share,) = full_process_share_by_agency_and_level({2025: 95, 2030: 96})
    assert share.percent == Decimal("95.0")
    assert [(check.year, check.met) for check in share.targets] == [(2025, True), (2030, False)]
    # 1899 of 2000 is 94.95 %: shown as 95.0 %, yet below a 95 % target.
    assert share_percent(1899, 2000) == Decimal("95.0")
    assert [check.met for check in target_checks(1899, 2000, {2025: 95})] == [False]


def test_only_level_and_agency_pairs_that_exist_are_listed(client):
    """Issue 12: an entry of two levels with a department and communes listed 'Cấp xã – Sở Tư pháp'."""
    justice = AgencyFactory(name="Sở Tư pháp", kind="department")
    commune = AgencyFactory(name="UBND xã An Bình", kind="commune")
    ProcedureVersionFactory(published=True, agencies=[justice, commune], levels="province,commune")
    ProcedureVersionFactory(published=True, agencies=[commune], levels="commune", partial=True)
    shares = {
        (s.level, s.agency): (s.total, s.full_process) for s in full_process_share_by_agency_and_level()
    }
    assert shares == {("province", justice): (1, 1), ("commune", commune): (2, 1)}
    page = staff_client(client, UserFactory(catalogue_admin=True)).get(reverse("full_process_share"))
    rows = [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr>.*?</tr>", page.content.decode(), flags=re.S)[1:]
    ]
    assert len(rows) == 2
    assert rows[0].startswith("Cấp tỉnh Sở Tư pháp 1 1")
    assert rows[1].startswith("Cấp xã UBND xã An Bình 2 1 50,0%")


def test_the_page_states_how_shares_are_rounded(client, catalogue):
    page = staff_client(client, UserFactory(catalogue_admin=True)).get(reverse("full_process_share"))
    assert "làm tròn đến một chữ số thập phân" in page.content.decode()


def test_the_share_page_reads_a_fixed_number_of_queries(client, catalogue, django_assert_max_num_queries):
    admin = UserFactory(catalogue_admin=True)
    staff_client(client, admin).get(reverse("full_process_share"))
    for _ in range(5):
        ProcedureVersionFactory(published=True, agencies=[AgencyFactory(), AgencyFactory()])
    with django_assert_max_num_queries(12) as captured:
        client.get(reverse("full_process_share"))
    catalogue_queries = [q for q in captured.captured_queries if "procedures_" in q["sql"]]
    assert len(catalogue_queries) == 3
