import datetime
from collections import Counter

from common import clock
from common.prepared import PreparedRead
from dossiers.models import Dossier

from . import services
from .models import Appointment, Status

ACTIVE_APPOINTMENTS_READ = PreparedRead(
    "a dossier's booked appointments",
    lambda dossier_id: Appointment.objects.filter(dossier_id=dossier_id, status=Status.BOOKED).select_related(
        "agency"
    ),
    (int,),
)


def active_appointments(dossier: Dossier) -> list[Appointment]:
    return ACTIVE_APPOINTMENTS_READ(dossier.pk, known={"dossier": dossier})


def bookable_days(slots: list[services.Slot]) -> list[tuple[datetime.date, int]]:
    """(day, free seats) of the days that still have a free slot, in order."""
    seats: Counter[datetime.date] = Counter()
    for slot in slots:
        seats[slot.starts_at.astimezone(services.local_zone()).date()] += slot.free
    return sorted(seats.items())


def day_list(agency_id: int, day: datetime.date) -> list[Appointment]:
    """The desk's appointments of one day (cancelled ones left out), by time and counter."""
    start, end = clock.day_bounds(day, day)
    return list(
        Appointment.objects.filter(agency_id=agency_id, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Status.CANCELLED)
        .select_related("dossier", "dossier__procedure_version")
        .order_by("starts_at", "counter")
    )
