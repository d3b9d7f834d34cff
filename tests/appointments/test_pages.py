"""The applicant's pages (the card on the dossier page, day then time, move, cancel, the .ics), the desk's
day list, who may see what, hostile input, and a slot page whose query count does not grow with the slots."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appointments import services
from appointments.models import Appointment, Purpose, Status
from tests.appointments.support import clerk_of, desk, freeze, partial_dossier, vn
from tests.dossiers.staff_support import sign_in
from tests.factories import CitizenProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(monkeypatch):
    freeze(monkeypatch, vn(2026, 5, 4, 7))
    agency = desk()
    dossier = partial_dossier(agency)
    return dossier


def citizen_client(client, user):
    client.force_login(user)
    client.cookies["portal_language"] = "en"
    return client


def test_the_dossier_page_offers_booking_then_shows_the_appointment(client, booked):
    citizen_client(client, booked.applicant)
    page = client.get(reverse("dossiers:detail", args=[booked.pk]))
    assert reverse("appointments:book", args=[booked.pk]) in page.content.decode()

    days = client.get(reverse("appointments:book", args=[booked.pk]), {"purpose": "in_person"})
    assert days.status_code == 200 and "day=2026-05-05" in days.content.decode()
    times = client.get(
        reverse("appointments:book", args=[booked.pk]), {"purpose": "in_person", "day": "2026-05-05"}
    )
    assert 'value="2026-05-05T08:00:00+07:00"' in times.content.decode()

    response = client.post(
        reverse("appointments:choose", args=[booked.pk]),
        {"purpose": "in_person", "starts_at": "2026-05-05T08:00:00+07:00"},
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(dossier=booked)
    page = client.get(reverse("dossiers:detail", args=[booked.pk])).content.decode()
    assert "08:00" in page and reverse("appointments:calendar", args=[appointment.pk]) in page

    client.post(
        reverse("appointments:choose", args=[booked.pk]),
        {"purpose": "in_person", "starts_at": "2026-05-06T09:00:00+07:00"},
    )
    appointment.refresh_from_db()
    assert appointment.starts_at == vn(2026, 5, 6, 9) and Appointment.objects.count() == 1

    calendar = client.get(reverse("appointments:calendar", args=[appointment.pk]))
    assert calendar["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"DTSTART;TZID=Asia/Ho_Chi_Minh:20260506T090000" in calendar.content

    client.post(reverse("appointments:cancel", args=[booked.pk, appointment.pk]))
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED


def test_another_citizen_gets_404_everywhere(client, booked):
    appointment = services.book(
        dossier=booked, purpose=Purpose.IN_PERSON, starts_at=vn(2026, 5, 5, 8), by=booked.applicant
    )
    citizen_client(client, CitizenProfileFactory().user)
    assert client.get(reverse("appointments:book", args=[booked.pk])).status_code == 404
    assert client.get(reverse("appointments:calendar", args=[appointment.pk])).status_code == 404
    post = client.post(
        reverse("appointments:choose", args=[booked.pk]),
        {"purpose": "in_person", "starts_at": "2026-05-05T09:00:00+07:00"},
    )
    assert post.status_code == 404
    assert client.post(reverse("appointments:cancel", args=[booked.pk, appointment.pk])).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"purpose": "in_person", "starts_at": "yesterday"},
        {"purpose": "in_person", "starts_at": "2026-05-05T08:00:00"},  # no offset
        {"purpose": "in_person", "starts_at": "2026-05-05T08:00:00+07:00" * 3},
        {"purpose": "x" * 500, "starts_at": "2026-05-05T08:00:00+07:00"},
        {"purpose": "collect_result", "starts_at": "2026-05-05T08:00:00+07:00"},
        {"purpose": "in_person", "starts_at": "9999-12-31T23:59:59+14:00"},
        {"purpose": "in_person", "starts_at": "2026-05-05T08:00:00\x00+07:00"},
    ],
)
def test_hostile_posts_are_refused_without_an_error_page(client, booked, data):
    citizen_client(client, booked.applicant)
    response = client.post(reverse("appointments:choose", args=[booked.pk]), data)
    assert response.status_code in {302, 400}  # a NUL byte is refused by the portal's own guard (400)
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    "query", ["day=2026-13-45", "day=" + "9" * 300, "purpose=%3Cscript%3E&day=x", "day=0001-01-01"]
)
def test_hostile_queries_show_the_page(client, booked, query):
    citizen_client(client, booked.applicant)
    assert client.get(reverse("appointments:book", args=[booked.pk]) + "?" + query).status_code == 200


def test_the_slot_page_costs_the_same_queries_for_many_slots(client, monkeypatch):
    freeze(monkeypatch, vn(2026, 5, 4, 7))
    counts = []
    for minutes in (60, 10):
        agency = desk(
            slot_minutes=minutes,
            hours={str(day): [["07:30", "11:30"], ["13:30", "17:00"]] for day in range(5)},
        )
        dossier = partial_dossier(agency)
        citizen_client(client, dossier.applicant)
        url = reverse("appointments:book", args=[dossier.pk]) + "?purpose=in_person&day=2026-05-05"
        client.get(url)  # warm the calendar cache
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] and counts[0] <= 12


def test_the_clerk_marks_attended_on_the_day_list(client, booked, monkeypatch):
    appointment = services.book(
        dossier=booked, purpose=Purpose.IN_PERSON, starts_at=vn(2026, 5, 5, 8), by=booked.applicant
    )
    agency = booked.receiving_agency
    freeze(monkeypatch, vn(2026, 5, 5, 8, 10))
    sign_in(client, clerk_of(agency))
    page = client.get(reverse("appointments:day_list", args=[agency.code]), {"date": "2026-05-05"})
    assert booked.code in page.content.decode()
    staff_page = client.get(reverse("staff:detail", args=[booked.pk])).content.decode()
    assert "Appointments at the desk" in staff_page and "08:00 05/05/2026" in staff_page
    client.post(reverse("appointments:mark", args=[agency.code, appointment.pk]), {"status": "attended"})
    appointment.refresh_from_db()
    assert appointment.status == Status.ATTENDED
    for hostile in ({"status": "cancelled"}, {}, {"status": "x" * 999}):
        response = client.post(reverse("appointments:mark", args=[agency.code, appointment.pk]), hostile)
        assert response.status_code == 302
    assert (
        client.get(reverse("appointments:day_list", args=[agency.code]), {"date": "nonsense"}).status_code
        == 200
    )


def test_another_agencys_clerk_sees_no_day_list_and_marks_nothing(client, booked, monkeypatch):
    appointment = services.book(
        dossier=booked, purpose=Purpose.IN_PERSON, starts_at=vn(2026, 5, 5, 8), by=booked.applicant
    )
    agency = booked.receiving_agency
    other = desk()
    freeze(monkeypatch, vn(2026, 5, 5, 8, 10))
    sign_in(client, clerk_of(other))
    assert client.get(reverse("appointments:day_list", args=[agency.code])).status_code == 404
    assert client.get(reverse("appointments:calendar", args=[appointment.pk])).status_code == 404
    response = client.post(
        reverse("appointments:mark", args=[agency.code, appointment.pk]), {"status": "attended"}
    )
    assert response.status_code == 404
    response = client.post(
        reverse("appointments:mark", args=[other.code, appointment.pk]), {"status": "attended"}
    )
    assert response.status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED
