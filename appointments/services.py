"""Use cases of appointments: the free slots of an agency's desk, booking, moving and cancelling (the
applicant or their authorised helper), marking attended or no-show (the agency's staff), and the reminders
the working day before.

Lock order: the dossier first, then the slot rows (in time order when two are locked, for a move)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from common import clock
from common.links import absolute_url
from common.prepared import PreparedRead
from dossiers import working_days
from dossiers.models import BEFORE_DECISION, Dossier, ReturnChannel, State
from notifications.events import Event
from notifications.services import notify
from procedures.models import Agency

from .models import AgencySchedule, Appointment, Purpose, SlotBooking, Status

COLLECT_STATES = [State.APPROVED, State.RESULT_READY]


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Slot:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    free: int


SCHEDULE_READ = PreparedRead(
    "an agency's appointment schedule",
    lambda agency_id: AgencySchedule.objects.filter(agency_id=agency_id).order_by("pk")[:1],
    (int,),
)


def schedule_of(agency: Agency) -> AgencySchedule:
    """The agency's schedule; an agency nobody configured takes appointments on the defaults."""
    schedule = getattr(agency, "_appointment_schedule_cache", None)
    if schedule is None:
        schedule = SCHEDULE_READ.one(agency.pk) or AgencySchedule(agency=agency)
        agency._appointment_schedule_cache = schedule  # type: ignore[attr-defined]  # read once per request
    return schedule


def _slot_starts(schedule: AgencySchedule, day: datetime.date) -> list[datetime.datetime]:
    zone, length = local_zone(), datetime.timedelta(minutes=schedule.slot_minutes)
    starts = []
    for opens, closes in schedule.periods_on(day):
        moment = datetime.datetime.combine(day, opens, tzinfo=zone)
        end = datetime.datetime.combine(day, closes, tzinfo=zone)
        while moment + length <= end:
            starts.append(moment)
            moment += length
    return starts


def available_slots(
    agency: Agency, start: datetime.date, end: datetime.date, *, include_full: bool = False
) -> list[Slot]:
    """The slots of `agency` from `start` to `end` (dates, inclusive): working days only (holidays and
    make-up days of the working calendar), not past, not full unless asked. Two queries whatever the span."""
    schedule = schedule_of(agency)
    calendar = working_days.WorkingCalendar(start, end)
    now = clock.now()
    length = datetime.timedelta(minutes=schedule.slot_minutes)
    begin, finish = clock.day_bounds(start, end)
    taken = dict(
        SlotBooking.objects.filter(agency=agency, starts_at__gte=begin, starts_at__lt=finish).values_list(
            "starts_at", "taken"
        )
    )
    slots = []
    day = start
    while day <= end:
        if calendar.is_working_day(day):
            for starts_at in _slot_starts(schedule, day):
                if starts_at <= now:
                    continue
                free = max(0, schedule.counters - taken.get(starts_at, 0))
                if free or include_full:
                    slots.append(Slot(starts_at=starts_at, ends_at=starts_at + length, free=free))
        day += datetime.timedelta(days=1)
    return slots


def booking_window(agency: Agency) -> tuple[datetime.date, datetime.date]:
    today = clock.localdate()
    return today, today + datetime.timedelta(days=schedule_of(agency).days_ahead)


def open_purposes(dossier: Dossier) -> list[str]:
    """What an appointment may be made for now: the in-person step of a partial-process procedure until
    the desk has seen the originals; collecting a result returned at the desk."""
    purposes: list[str] = []
    if (
        dossier.state in BEFORE_DECISION
        and dossier.needs_originals_check
        and not dossier.originals_checked_at
    ):
        purposes.append(Purpose.IN_PERSON)
    if dossier.return_channel == ReturnChannel.DESK and dossier.state in COLLECT_STATES:
        purposes.append(Purpose.COLLECT_RESULT)
    return purposes


def may_manage(user, dossier: Dossier) -> bool:
    """The applicant, or a helper whose authorisation covers the dossier (Dossier.objects.owned_by)."""
    return (
        bool(user and user.is_authenticated) and Dossier.objects.owned_by(user).filter(pk=dossier.pk).exists()
    )


def may_staff(user, agency_id: int) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or (user.is_staff_role and user.memberships.filter(agency_id=agency_id).exists())


def _check_slot(agency: Agency, starts_at: datetime.datetime) -> datetime.datetime:
    starts_at = starts_at.astimezone(local_zone())
    first, last = booking_window(agency)
    if not first <= starts_at.date() <= last:
        raise ValidationError(
            _("Choose a time within the next %(days)s days.") % {"days": (last - first).days}
        )
    if starts_at <= clock.now():
        raise ValidationError(_("This time has passed: choose another one."))
    if not working_days.is_working_day(starts_at.date()) or starts_at not in _slot_starts(
        schedule_of(agency), starts_at.date()
    ):
        raise ValidationError(_("The desk takes no appointment at this time."))
    return starts_at


def _lock_slots(agency: Agency, starts: list[datetime.datetime]) -> dict[datetime.datetime, SlotBooking]:
    SlotBooking.objects.bulk_create(
        [SlotBooking(agency=agency, starts_at=moment) for moment in starts], ignore_conflicts=True
    )
    rows = (
        SlotBooking.objects.select_for_update()
        .filter(agency=agency, starts_at__in=starts)
        .order_by("starts_at")
    )
    return {row.starts_at: row for row in rows}


def _take_seat(agency: Agency, slot: SlotBooking) -> int:
    """The lowest free counter of a locked slot, or ValidationError when it is full."""
    schedule = schedule_of(agency)
    used = set(
        Appointment.objects.filter(agency=agency, starts_at=slot.starts_at)
        .exclude(status=Status.CANCELLED)
        .values_list("counter", flat=True)
    )
    free = [number for number in range(1, schedule.counters + 1) if number not in used]
    if not free:
        raise ValidationError(_("This time has just been fully booked: choose another one."))
    slot.taken = len(used) + 1
    slot.save(update_fields=["taken"])
    return free[0]


def _give_back_seat(slot: SlotBooking) -> None:
    slot.taken = max(0, slot.taken - 1)
    slot.save(update_fields=["taken"])


def _locked_dossier(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().select_related("procedure_version").get(pk=dossier.pk)


def book(*, dossier: Dossier, purpose: str, starts_at: datetime.datetime, by) -> Appointment:
    """Book a seat at the dossier's receiving desk: one active appointment per dossier and purpose."""
    if not may_manage(by, dossier):
        raise PermissionDenied
    with transaction.atomic():
        dossier = _locked_dossier(dossier)
        if purpose not in open_purposes(dossier):
            raise ValidationError(_("This dossier needs no appointment of this kind now."))
        if Appointment.objects.filter(dossier=dossier, purpose=purpose, status=Status.BOOKED).exists():
            raise ValidationError(_("This dossier already has an appointment: move it instead."))
        agency = dossier.receiving_agency
        starts_at = _check_slot(agency, starts_at)
        slot = _lock_slots(agency, [starts_at])[starts_at]
        counter = _take_seat(agency, slot)
        appointment = Appointment.objects.create(
            dossier=dossier,
            agency=agency,
            purpose=purpose,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=schedule_of(agency).slot_minutes),
            counter=counter,
            booked_by=by,
        )
        _tell(appointment, Event.APPOINTMENT_BOOKED)
        return appointment


def _changeable(appointment: Appointment, by) -> Appointment:
    if not may_manage(by, appointment.dossier):
        raise PermissionDenied
    _locked_dossier(appointment.dossier)
    appointment = (
        Appointment.objects.select_for_update().select_related("agency", "dossier").get(pk=appointment.pk)
    )
    if appointment.status != Status.BOOKED:
        raise ValidationError(_("This appointment can no longer be changed."))
    limit = datetime.timedelta(hours=schedule_of(appointment.agency).change_until_hours)
    if clock.now() > appointment.starts_at - limit:
        raise ValidationError(
            _("An appointment can be moved or cancelled until %(hours)s hours before it.")
            % {"hours": schedule_of(appointment.agency).change_until_hours}
        )
    return appointment


def move(*, appointment: Appointment, starts_at: datetime.datetime, by) -> Appointment:
    """Move to another free time, until `change_until_hours` before the appointment; the old seat is freed."""
    with transaction.atomic():
        appointment = _changeable(appointment, by)
        agency = appointment.agency
        starts_at = _check_slot(agency, starts_at)
        if starts_at == appointment.starts_at:
            raise ValidationError(_("This is already the time of the appointment."))
        slots = _lock_slots(agency, sorted({appointment.starts_at, starts_at}))
        counter = _take_seat(agency, slots[starts_at])
        _give_back_seat(slots[appointment.starts_at])
        appointment.starts_at = starts_at
        appointment.ends_at = starts_at + datetime.timedelta(minutes=schedule_of(agency).slot_minutes)
        appointment.counter = counter
        appointment.moved_at = clock.now()
        appointment.sequence += 1
        appointment.save()
        _tell(appointment, Event.APPOINTMENT_BOOKED)
        return appointment


def cancel(*, appointment: Appointment, by) -> Appointment:
    with transaction.atomic():
        appointment = _changeable(appointment, by)
        _cancel_locked(appointment)
        _tell(appointment, Event.APPOINTMENT_CANCELLED)
        return appointment


def _cancel_locked(appointment: Appointment) -> None:
    slot = _lock_slots(appointment.agency, [appointment.starts_at])[appointment.starts_at]
    _give_back_seat(slot)
    appointment.status = Status.CANCELLED
    appointment.cancelled_at = clock.now()
    appointment.sequence += 1
    appointment.save(update_fields=["status", "cancelled_at", "sequence"])


def cancel_for_closed_dossier(*, dossier: Dossier) -> int:
    """A dossier closed (withdrawn, refused, stopped…, or its result handed over): its seats are freed.
    Runs inside the dossier's change, the dossier already locked."""
    count = 0
    for appointment in (
        Appointment.objects.select_for_update()
        .filter(dossier=dossier, status=Status.BOOKED)
        .select_related("agency")
    ):
        _cancel_locked(appointment)
        count += 1
    return count


def mark(*, appointment: Appointment, status: str, by) -> Appointment:
    """The desk records whether the person came: attended from its day on, no-show once it began."""
    if status not in {Status.ATTENDED, Status.NO_SHOW}:
        raise ValidationError(_("Unknown outcome."))
    if not may_staff(by, appointment.agency_id):
        raise PermissionDenied
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.status != Status.BOOKED:
            raise ValidationError(_("This appointment was already marked or cancelled."))
        now = clock.now()
        if (
            status == Status.ATTENDED
            and appointment.starts_at.astimezone(local_zone()).date() > clock.localdate()
        ):
            raise ValidationError(_("An appointment can be marked attended from its day on."))
        if status == Status.NO_SHOW and now < appointment.starts_at:
            raise ValidationError(_("A no-show can be marked only once the appointment has begun."))
        appointment.status, appointment.marked_by, appointment.marked_at = status, by, now
        appointment.save(update_fields=["status", "marked_by", "marked_at"])
        return appointment


def _recipient(appointment: Appointment):
    return appointment.dossier.applicant or appointment.booked_by


def _tell(appointment: Appointment, event: str, *, dedupe: str = "") -> None:
    starts = appointment.starts_at.astimezone(local_zone())
    notify(
        recipient=_recipient(appointment),
        event=event,
        dossier=appointment.dossier,
        context={
            "when": f"{starts:%H:%M} {starts:%d/%m/%Y}",
            "agency": appointment.agency.name,
            "counter": appointment.counter,
            "purpose": appointment.purpose,
            "calendar": absolute_url(reverse("appointments:calendar", args=[appointment.pk])),
        },
        dedupe_key=dedupe or f"appointment-{event}:{appointment.pk}:{appointment.sequence}",
    )


def send_reminders() -> int:
    """On a working day, remind everyone booked for the next working day (and any day off between). The
    dedupe key names the appointment and its time, so a second run tells nobody twice."""
    today = clock.localdate()
    if not working_days.is_working_day(today):
        return 0
    next_day = working_days.add_working_days(today, 1)
    begin, finish = clock.day_bounds(today + datetime.timedelta(days=1), next_day)
    due = (
        Appointment.objects.active()
        .filter(starts_at__gte=begin, starts_at__lt=finish)
        .select_related("agency", "dossier__applicant", "dossier__procedure_version", "booked_by")
    )
    count = 0
    for appointment in due:
        with transaction.atomic():
            _tell(
                appointment,
                Event.APPOINTMENT_REMINDER,
                dedupe=f"appointment-reminder:{appointment.pk}:{appointment.starts_at:%Y%m%d%H%M}",
            )
        count += 1
    return count
