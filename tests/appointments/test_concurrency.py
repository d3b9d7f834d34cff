"""On PostgreSQL: fifty citizens pressing the same slot's last seat at the same moment — one gets it."""

import pytest
from django.core.exceptions import ValidationError

from appointments import services
from appointments.models import Appointment, Purpose, SlotBooking, Status
from tests.appointments.support import desk, freeze, partial_dossier, partial_version, vn
from tests.dossiers.factories_core import run_in_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_last_seat_of_a_slot_goes_to_exactly_one_of_fifty(monkeypatch):
    freeze(monkeypatch, vn(2026, 5, 4, 7))
    agency = desk(counters=2)
    version = partial_version(agency)
    moment = vn(2026, 5, 5, 8)
    first = partial_dossier(agency, version)
    services.book(dossier=first, purpose=Purpose.IN_PERSON, starts_at=moment, by=first.applicant)
    dossiers = [partial_dossier(agency, version) for _ in range(50)]

    def book(index):
        dossier = dossiers[index]
        try:
            return services.book(
                dossier=dossier, purpose=Purpose.IN_PERSON, starts_at=moment, by=dossier.applicant
            ).counter
        except ValidationError:
            return "refused"  # the slot is full (the message is in the thread's language)

    results, errors = run_in_threads(50, book)

    assert not errors
    assert results.count(2) == 1
    assert results.count("refused") == 49
    seats = Appointment.objects.filter(agency=agency, starts_at=moment, status=Status.BOOKED)
    assert sorted(seats.values_list("counter", flat=True)) == [1, 2]
    assert SlotBooking.objects.get(agency=agency, starts_at=moment).taken == 2
