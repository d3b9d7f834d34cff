"""The portal's clock: services can run at another moment (the demo's history) without patching Django,
and the shift is undone on exit and stays in its own thread."""

import datetime
import threading

import pytest
from django.utils import timezone

from common import clock
from dossiers.models import State
from tests.dossiers.factories_core import case_in

LAST_MONDAY_9AM = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


def test_running_at_shifts_now_and_localdate_and_is_undone_on_exit():
    with clock.running_at(LAST_MONDAY_9AM):
        assert abs(clock.now() - LAST_MONDAY_9AM) < datetime.timedelta(seconds=5)
        assert clock.localdate() == datetime.date(2026, 11, 23)
        assert abs(timezone.now() - clock.now()) > datetime.timedelta(days=1)  # Django's clock is untouched
    assert abs(clock.now() - timezone.now()) < datetime.timedelta(seconds=5)


def test_the_shift_holds_for_its_own_thread_only():
    seen = {}
    with clock.running_at(LAST_MONDAY_9AM):
        thread = threading.Thread(target=lambda: seen.setdefault("other", clock.localdate()))
        thread.start()
        thread.join()
    assert seen["other"] == timezone.localdate()


@pytest.mark.django_db
def test_services_run_at_the_clocks_moment():
    """Filed and received "last Monday": the audit rows, the documents and the due date follow that day."""
    with clock.running_at(LAST_MONDAY_9AM):
        case = case_in(State.RECEIVED)
    dossier = case.reload()
    assert dossier.state == State.RECEIVED
    assert timezone.localdate(dossier.received_at) == datetime.date(2026, 11, 23)
    assert timezone.localdate(dossier.created_at) == datetime.date(2026, 11, 23)
    assert {timezone.localdate(e.at) for e in dossier.events.all()} == {datetime.date(2026, 11, 23)}
    assert all(timezone.localdate(d.added_at) == datetime.date(2026, 11, 23) for d in dossier.documents.all())
    assert dossier.due_date > datetime.date(2026, 11, 23)
