import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from scorecard.models import DailyAgencyFigures
from tests.dossiers.staff_support import sign_in
from tests.factories import AgencyFactory, CitizenProfileFactory, UserFactory, staff_member

pytestmark = pytest.mark.django_db

MARCH = {"agency": "", "period": "month", "year": 2026, "month": 3}


def test_only_leaders_and_admins_open_the_scorecard(client):
    agency = AgencyFactory()
    url = reverse("scorecard:page")
    assert client.get(url).status_code == 302  # anonymous: sign in first
    for user, status in (
        (CitizenProfileFactory().user, 403),
        (staff_member(agency, "clerk"), 403),
        (staff_member(agency, "officer"), 403),  # an officer who heads nothing
        (staff_member(agency, "finance"), 403),
        (staff_member(agency, "officer", is_supervisor=True), 200),
        (UserFactory(catalogue_admin=True), 200),
        (UserFactory(is_superuser=True, is_staff=True), 200),
    ):
        sign_in(client, user)
        assert client.get(url).status_code == status, user.role
        assert client.get(reverse("scorecard:export")).status_code == status
        assert ("Service-quality scorecard" in client.get(reverse("dashboard")).content.decode()) == (
            status == 200
        )


def test_the_page_shows_the_figures_and_links_each_to_its_dossiers(client, march):
    sign_in(client, UserFactory(catalogue_admin=True))
    response = client.get(reverse("scorecard:page"), {**MARCH, "agency": march.code})
    html = response.content.decode()
    assert response.context["report"].card.indicator("2.1").points == pytest.approx(14 / 3)
    assert "No data" in html and "<svg" in html
    # 2.1's numerator: the dossier decided on time; its denominator: the three decided.
    links = {link.split("figure=")[1].split("&")[0]: link for link in _drill_links(html)}
    on_time = client.get(links["decided_on_time"])
    decided = client.get(links["decided"])
    assert on_time.context["page"].paginator.count == 1
    assert decided.context["page"].paginator.count == 3
    assert client.get(links["filed_online"]).context["page"].paginator.count == 3


def _drill_links(html: str) -> list[str]:
    import html as html_module

    marker = reverse("scorecard:dossiers")
    return [marker + html_module.unescape(part.split('"')[0]) for part in html.split(f'href="{marker}')[1:]]


def test_the_page_runs_the_same_queries_for_more_agencies_and_days(client):
    sign_in(client, UserFactory(catalogue_admin=True))

    def rows(agencies: int, days: int):
        for agency in [AgencyFactory() for _n in range(agencies)]:
            for day in range(days):
                DailyAgencyFigures.objects.create(
                    agency=agency,
                    day=datetime.date(2026, 1, 1) + datetime.timedelta(days=day),
                    filed=3,
                    filed_online=2,
                    decided=2,
                    decided_on_time=1,
                    processing_days=6,
                    prescribed_days=10,
                )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("scorecard:page"), {"period": "year", "year": 2026}).status_code == 200
        return len(captured)

    rows(2, 5)
    queries()  # the session and the header's unread count (kept in the cache): warm
    few = queries()
    rows(8, 60)
    assert queries() == few


def test_the_xlsx_opens_and_holds_the_figures(client, march):
    sign_in(client, UserFactory(catalogue_admin=True))
    response = client.get(reverse("scorecard:export"), {**MARCH, "agency": march.code})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Chi so 766"]
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row and row[1]}
    assert rows["2.1"][5] == pytest.approx(4.67) and rows["2.1"][7:9] == (1, 3)
    assert rows["4.4"][5] == "Chưa có dữ liệu"
    ranked = [row[1] for row in book["Xep hang"].iter_rows(min_row=2, values_only=True)]
    assert march.name in ranked and len(ranked) == 2  # every agency of the level with figures


def test_the_public_page_shows_scores_without_personal_data(client, march, monkeypatch):
    from scorecard import views

    monkeypatch.setattr(views.clock, "localdate", lambda: datetime.date(2026, 4, 15))
    response = client.get(reverse("scorecard:public"))
    html = response.content.decode()
    assert response.status_code == 200
    assert march.name in html and "Nguyễn Văn Thử" not in html and "SC-" not in html


@pytest.mark.parametrize(
    "query",
    [
        {"period": "x", "year": "abc", "month": "13", "agency": "nope", "level": "\u202e"},
        {"year": "99999999999999999999"},
    ],
)
def test_hostile_filters_fall_back_without_an_error(client, query):
    sign_in(client, UserFactory(catalogue_admin=True))
    assert client.get(reverse("scorecard:page"), query).status_code == 200
    assert client.get(reverse("scorecard:export"), query).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"figure": "filed", "start": "2026-03-01", "end": "2020-01-01"},
        {"figure": "x", "start": "a", "end": "b"},
        {"figure": "filed", "start": "2020-01-01", "end": "2026-01-01"},
    ],
)
def test_a_broken_drill_link_is_a_clear_400(client, query):
    sign_in(client, UserFactory(catalogue_admin=True), language="vi")
    response = client.get(reverse("scorecard:dossiers"), query)
    assert response.status_code == 400
