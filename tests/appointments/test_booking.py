"""Slots on working days only (holidays off, a make-up Saturday on), capacity per slot, the booking rules,
moving and cancelling, the desk's marks, reminders once, the calendar file."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appointments import ics, services
from appointments.models import Appointment, Purpose, SlotBooking, Status
from dossiers import services as dossier_services
from dossiers.models import CalendarException
from notifications.models import Notification
from tests.appointments.support import VN, clerk_of, desk, freeze, partial_dossier, partial_version, vn
from tests.factories import CitizenProfileFactory, ProcedureVersionFactory, filed_dossier

pytestmark = pytest.mark.django_db

IN_PERSON = Purpose.IN_PERSON


def starts(slots):
    return [slot.starts_at.astimezone(VN).strftime("%a %d/%m %H:%M") for slot in slots]


def test_slots_skip_the_past_weekends_and_holidays_and_open_a_make_up_saturday(monkeypatch):
    freeze(monkeypatch, vn(2026, 4, 29, 8, 30))  # Wednesday; 30/4 and 1/5 are public holidays
    CalendarException.objects.create(date=datetime.date(2026, 5, 2), is_working_day=True, note="làm bù")
    agency = desk()

    slots = services.available_slots(agency, datetime.date(2026, 4, 29), datetime.date(2026, 5, 4))

    assert starts(slots) == [
        "Wed 29/04 09:00",  # 08:00 has begun
        "Sat 02/05 08:00",  # the make-up Saturday takes Monday's hours
        "Sat 02/05 09:00",
        "Mon 04/05 08:00",
        "Mon 04/05 09:00",
    ]
    assert {slot.free for slot in slots} == {2}


def test_an_extra_day_off_has_no_slots(monkeypatch):
    freeze(monkeypatch, vn(2026, 5, 4, 7))
    CalendarException.objects.create(date=datetime.date(2026, 5, 5), is_working_day=False)
    agency = desk()
    slots = services.available_slots(agency, datetime.date(2026, 5, 5), datetime.date(2026, 5, 6))
    assert starts(slots) == ["Wed 06/05 08:00", "Wed 06/05 09:00"]


def test_a_slot_takes_as_many_people_as_counters_then_disappears(monkeypatch):
    freeze(monkeypatch, vn(2026, 5, 4, 7))
    agency = desk(counters=2)
    version = partial_version(agency)
    first, second, third = (partial_dossier(agency, version) for _ in range(3))
    moment = vn(2026, 5, 5, 8)

    a = services.book(dossier=first, purpose=IN_PERSON, starts_at=moment, by=first.applicant)
    b = services.book(dossier=second, purpose=IN_PERSON, starts_at=moment, by=second.applicant)
    with pytest.raises(ValidationError, match="fully booked"):
        services.book(dossier=third, purpose=IN_PERSON, starts_at=moment, by=third.applicant)

    assert (a.counter, b.counter) == (1, 2)
    day = datetime.date(2026, 5, 5)
    assert starts(services.available_slots(agency, day, day)) == ["Tue 05/05 09:00"]
    services.cancel(appointment=a, by=first.applicant)
    assert starts(services.available_slots(agency, day, day)) == ["Tue 05/05 08:00", "Tue 05/05 09:00"]
    again = services.book(dossier=third, purpose=IN_PERSON, starts_at=moment, by=third.applicant)
    assert again.counter == 1
    assert SlotBooking.objects.get(agency=agency, starts_at=moment).taken == 2


def test_one_active_appointment_per_dossier_and_purpose(monkeypatch):
    freeze(monkeypatch, vn(2026, 5, 4, 7))
    agency = desk()
    dossier = partial_dossier(agency)
    services.book(dossier=dossier, purpose=IN_PERSON, starts_at=vn(2026, 5, 5, 8), by=dossier.applicant)
    with pytest.raises(ValidationError, match="already has an appointment"):
        services.book(dossier=dossier, purpose=IN_PERSON, starts_at=vn(2026, 5, 6, 8), by=dossier.applicant)


@pytest.mark.parametrize(
    "moment, message",
    [
        (vn(2026, 5, 4, 6), "passed"),  # before now
        (vn(2026, 5, 4, 8, 15), "no appointment at this time"),  # not the start of a slot
        (vn(2026, 5, 9, 8), "no appointment at this time"),  # Saturday
        (vn(2026, 4, 30, 8), "within the next"),  # a holiday, and in the past
        (vn(2026, 6, 30, 8), "within the next"),  # beyond the window
    ],
)
def test_a_time_the_desk_does_not_offer_is_refused(monkeypatch, moment, message):
    freeze(monkeypatch, vn(2026, 5, 4, 7))
    agency = desk()
    dossier = partial_dossier(agency)
    with pytest.raises(ValidationError, match=message):
        services.book(dossier=dossier, purpose=IN_PERSON, starts_at=moment, by=dossier.applicant)
    assert not Appointment.objects.exists()


def test_a_full_process_dossier_needs_no_in_person_appointment(monkeypatch):
    freeze(monkeypatch, vn(2026, 5, 4, 7))
    agency = desk()
    dossier = filed_dossier(version=ProcedureVersionFactory(published=True, agencies=[agency]))
    assert services.open_purposes(dossier) == []
    with pytest.raises(ValidationError, match="needs no appointment"):
        services.book(dossier=dossier, purpose=IN_PERSON, starts_at=vn(2026, 5, 5, 8), by=dossier.applicant)


def test_only_the_applicant_books(monkeypatch):
    freeze(monkeypatch, vn(2026, 5, 4, 7))
    agency = desk()
    dossier = partial_dossier(agency)
    stranger = CitizenProfileFactory().user
    with pytest.raises(PermissionDenied):
        services.book(dossier=dossier, purpose=IN_PERSON, starts_at=vn(2026, 5, 5, 8), by=stranger)
    appointment = services.book(
        dossier=dossier, purpose=IN_PERSON, starts_at=vn(2026, 5, 5, 8), by=dossier.applicant
    )
    with pytest.raises(PermissionDenied):
        services.cancel(appointment=appointment, by=stranger)
    with pytest.raises(PermissionDenied):
        services.move(appointment=appointment, starts_at=vn(2026, 5, 5, 9), by=stranger)


def test_moving_frees_the_old_seat_and_tells_the_applicant(monkeypatch):
    freeze(monkeypatch, vn(2026, 5, 4, 7))
    agency = desk(counters=1)
    dossier = partial_dossier(agency)
    appointment = services.book(
        dossier=dossier, purpose=IN_PERSON, starts_at=vn(2026, 5, 5, 8), by=dossier.applicant
    )
    moved = services.move(appointment=appointment, starts_at=vn(2026, 5, 6, 9), by=dossier.applicant)

    assert moved.starts_at == vn(2026, 5, 6, 9) and moved.moved_at and moved.sequence == 1
    day = datetime.date(2026, 5, 5)
    assert starts(services.available_slots(agency, day, day)) == ["Tue 05/05 08:00", "Tue 05/05 09:00"]
    told = Notification.objects.filter(
        recipient=dossier.applicant, event="appointment_booked", channel="portal"
    )
    assert told.count() == 2
    assert "09:00 06/05/2026" in told.first().body


def test_move_and_cancel_stop_two_hours_before(monkeypatch):
    freeze(monkeypatch, vn(2026, 5, 4, 7))
    agency = desk()
    dossier = partial_dossier(agency)
    appointment = services.book(
        dossier=dossier, purpose=IN_PERSON, starts_at=vn(2026, 5, 5, 9), by=dossier.applicant
    )
    freeze(monkeypatch, vn(2026, 5, 5, 7, 30))
    with pytest.raises(ValidationError, match="until 2 hours before"):
        services.cancel(appointment=appointment, by=dossier.applicant)
    with pytest.raises(ValidationError, match="until 2 hours before"):
        services.move(appointment=appointment, starts_at=vn(2026, 5, 6, 9), by=dossier.applicant)
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_withdrawing_the_dossier_frees_its_seat(monkeypatch):
    freeze(monkeypatch, vn(2026, 5, 4, 7))
    agency = desk(counters=1)
    dossier = partial_dossier(agency)
    appointment = services.book(
        dossier=dossier, purpose=IN_PERSON, starts_at=vn(2026, 5, 5, 8), by=dossier.applicant
    )
    dossier_services.withdraw(dossier=dossier, by=dossier.applicant)
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    assert SlotBooking.objects.get(starts_at=vn(2026, 5, 5, 8)).taken == 0


def test_the_desk_marks_attended_or_no_show_only_at_its_agency(monkeypatch):
    freeze(monkeypatch, vn(2026, 5, 4, 7))
    agency = desk()
    dossier = partial_dossier(agency)
    first = services.book(
        dossier=dossier, purpose=IN_PERSON, starts_at=vn(2026, 5, 5, 8), by=dossier.applicant
    )
    other = partial_dossier(agency)
    second = services.book(dossier=other, purpose=IN_PERSON, starts_at=vn(2026, 5, 5, 9), by=other.applicant)
    clerk, foreign_clerk = clerk_of(agency), clerk_of(desk())

    with pytest.raises(ValidationError, match="from its day on"):
        services.mark(appointment=first, status=Status.ATTENDED, by=clerk)
    freeze(monkeypatch, vn(2026, 5, 5, 8, 40))
    with pytest.raises(PermissionDenied):
        services.mark(appointment=first, status=Status.ATTENDED, by=foreign_clerk)
    with pytest.raises(PermissionDenied):
        services.mark(appointment=first, status=Status.ATTENDED, by=dossier.applicant)
    with pytest.raises(ValidationError, match="once the appointment has begun"):
        services.mark(appointment=second, status=Status.NO_SHOW, by=clerk)

    assert services.mark(appointment=first, status=Status.ATTENDED, by=clerk).status == Status.ATTENDED
    with pytest.raises(ValidationError, match="already marked"):
        services.mark(appointment=first, status=Status.NO_SHOW, by=clerk)
    freeze(monkeypatch, vn(2026, 5, 5, 10))
    assert services.mark(appointment=second, status=Status.NO_SHOW, by=clerk).status == Status.NO_SHOW


def test_reminders_go_the_working_day_before_and_once(monkeypatch):
    freeze(monkeypatch, vn(2026, 4, 28, 7))  # Tuesday
    CalendarException.objects.create(date=datetime.date(2026, 5, 2), is_working_day=True)
    agency = desk()
    version = partial_version(agency)
    on_saturday, on_monday = partial_dossier(agency, version), partial_dossier(agency, version)
    services.book(
        dossier=on_saturday, purpose=IN_PERSON, starts_at=vn(2026, 5, 2, 8), by=on_saturday.applicant
    )
    services.book(dossier=on_monday, purpose=IN_PERSON, starts_at=vn(2026, 5, 4, 8), by=on_monday.applicant)

    def reminded(dossier):
        return Notification.objects.filter(
            recipient=dossier.applicant, event="appointment_reminder", channel="portal"
        ).count()

    freeze(monkeypatch, vn(2026, 4, 29, 15))  # Wednesday: the next working day is the make-up Saturday
    services.send_reminders()
    services.send_reminders()
    assert (reminded(on_saturday), reminded(on_monday)) == (1, 0)
    freeze(monkeypatch, vn(2026, 5, 1, 15))  # a public holiday: nobody is reminded on a day off
    assert services.send_reminders() == 0
    freeze(monkeypatch, vn(2026, 5, 2, 15))
    services.send_reminders()
    assert (reminded(on_saturday), reminded(on_monday)) == (1, 1)
    text = Notification.objects.get(
        recipient=on_monday.applicant, event="appointment_reminder", channel="portal"
    )
    assert "08:00 04/05/2026" in text.body and ".ics" in text.body


def test_the_calendar_file_follows_rfc_5545(monkeypatch):
    freeze(monkeypatch, vn(2026, 5, 4, 7))
    agency = desk()
    agency.name = "Trung tâm Phục vụ hành chính công, tỉnh Ninh Bình; tầng 1"
    agency.save()
    dossier = partial_dossier(agency)
    appointment = services.book(
        dossier=dossier, purpose=IN_PERSON, starts_at=vn(2026, 5, 5, 9), by=dossier.applicant
    )
    content = ics.calendar_file(appointment)
    text = content.decode()

    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:20260505T090000\r\n" in unfolded
    assert "DTEND;TZID=Asia/Ho_Chi_Minh:20260505T100000\r\n" in unfolded
    assert "BEGIN:VTIMEZONE\r\nTZID:Asia/Ho_Chi_Minh" in unfolded and "TZOFFSETTO:+0700" in unfolded
    assert "DTSTAMP:20260504T000000Z\r\n" in unfolded
    assert f"UID:appointment-{appointment.pk}@" in unfolded
    assert "LOCATION:Trung tâm Phục vụ hành chính công\\, tỉnh Ninh Bình\\; tầng 1\r\n" in unfolded
    assert "Quầy số 1" in unfolded and dossier.code in unfolded
