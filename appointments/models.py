"""Appointments at an agency's one-stop-shop desk: for the in-person step of a partial-process procedure
(showing the originals, appearing in person) or to collect a result at the desk.

An agency's schedule gives its opening hours per weekday, the slot length and how many counters serve at
once (the capacity of a slot). Each slot that has bookings has one `SlotBooking` row, locked while a seat is
taken or given back, so two citizens never get the same last seat."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier
from procedures.models import Agency

# Office hours of state agencies (morning and afternoon), used for a weekday the schedule does not name.
DEFAULT_PERIODS = [["07:30", "11:30"], ["13:30", "17:00"]]


def default_opening_hours() -> dict[str, list[list[str]]]:
    return {str(weekday): [list(period) for period in DEFAULT_PERIODS] for weekday in range(5)}


class AgencySchedule(models.Model):
    """When an agency's desk takes appointments. Weekdays are "0" (Monday) … "6" (Sunday); a make-up
    working Saturday without its own entry uses Monday's hours. Days off come from the working calendar."""

    agency = models.OneToOneField(
        Agency, on_delete=models.CASCADE, related_name="appointment_schedule", verbose_name=_("agency")
    )
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=30)
    counters = models.PositiveSmallIntegerField(
        _("counters"), default=2, help_text=_("How many people the desk serves at once: the seats of a slot.")
    )
    opening_hours = models.JSONField(
        _("opening hours per weekday"),
        default=default_opening_hours,
        help_text=_(
            'Weekday 0 (Monday) to 6 (Sunday): periods, e.g. {"0": [["07:30", "11:30"], ["13:30", "17:00"]]}'
        ),
    )
    days_ahead = models.PositiveSmallIntegerField(_("bookable days ahead"), default=14)
    change_until_hours = models.PositiveSmallIntegerField(_("move or cancel until (hours before)"), default=2)

    class Meta:
        verbose_name = _("appointment schedule")
        verbose_name_plural = _("appointment schedules")

    def __str__(self):
        return str(self.agency)

    def clean(self):
        if not 5 <= self.slot_minutes <= 240:
            raise ValidationError({"slot_minutes": _("A slot lasts between 5 and 240 minutes.")})
        if not 1 <= self.counters <= 50:
            raise ValidationError({"counters": _("Between 1 and 50 counters.")})
        try:
            for weekday, periods in dict(self.opening_hours).items():
                if weekday not in {str(day) for day in range(7)}:
                    raise ValueError(weekday)
                for start, end in periods:
                    if datetime.time.fromisoformat(start) >= datetime.time.fromisoformat(end):
                        raise ValueError(start)
        except (TypeError, ValueError) as error:
            raise ValidationError(
                {"opening_hours": _("Write each period as two times, the opening before the closing.")}
            ) from error

    def periods_on(self, day: datetime.date) -> list[tuple[datetime.time, datetime.time]]:
        hours = self.opening_hours or {}
        periods = hours.get(str(day.weekday()))
        if periods is None:
            periods = hours.get("0", DEFAULT_PERIODS) if day.weekday() >= 5 else DEFAULT_PERIODS
        return [
            (datetime.time.fromisoformat(start), datetime.time.fromisoformat(end)) for start, end in periods
        ]


class Purpose(models.TextChoices):
    IN_PERSON = "in_person", _("In-person step (originals, appearing in person)")
    COLLECT_RESULT = "collect_result", _("Collecting the result at the desk")


class Status(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")


class SlotBooking(models.Model):
    """The seats taken in one slot of one agency: the row booking, moving and cancelling lock."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    taken = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "starts_at"], name="slot_booking_unique")]

    def __str__(self):
        return f"{self.agency_id} {self.starts_at:%Y-%m-%d %H:%M}: {self.taken}"


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Status.BOOKED)


class Appointment(models.Model):
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="appointments", verbose_name=_("dossier")
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    counter = models.PositiveSmallIntegerField(_("counter"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("booked by")
    )
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)
    moved_at = models.DateTimeField(_("moved"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    # The calendar entry's SEQUENCE (RFC 5545): raised on each move or cancellation.
    sequence = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "counter"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [models.Index(fields=["agency", "starts_at"], name="appointment_day_list")]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "purpose"],
                condition=Q(status="booked"),
                name="appointment_one_active_per_purpose",
            ),
            models.UniqueConstraint(
                fields=["agency", "starts_at", "counter"],
                condition=~Q(status="cancelled"),
                name="appointment_one_per_seat",
            ),
        ]

    def __str__(self):
        return f"{self.dossier_id} {self.starts_at:%Y-%m-%d %H:%M} #{self.counter}"
