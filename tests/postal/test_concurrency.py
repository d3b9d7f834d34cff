"""On PostgreSQL, at the same moment: ten workers submitting one order make one parcel; the same notice
delivered twenty times moves the order once and tells the citizen once; a desk return racing a delivery
notice ends with one return and no deadlock."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dossiers import hooks
from dossiers import services as dossier_services
from dossiers.models import Dossier, State
from notifications.models import Notification
from postal import carriers, services
from postal.carriers.http import signed_headers
from postal.models import DeliveryOrder, OrderStatus
from tests.dossiers.factories_core import run_in_threads
from tests.postal.support import (
    FakePostOffice,
    approved_by_post,
    event,
    http_carrier_factory,
    make_result_ready,
    notice,
)

# serialized_rollback: the rule sets written by a data migration survive the flush between tests.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_ten_workers_submitting_one_order_make_one_parcel(settings, monkeypatch):
    office = FakePostOffice()
    settings.POSTAL_CARRIER = "http"
    monkeypatch.setitem(carriers.CARRIERS, "http", http_carrier_factory(office))
    case = approved_by_post()
    # The order committed, its task not run yet (the ten workers below are that task, delivered ten times).
    monkeypatch.setattr(services, "_submit_on_commit", lambda order: None)
    make_result_ready(case)
    order = DeliveryOrder.objects.get(dossier=case.dossier)

    results, errors = run_in_threads(10, lambda i: services.submit_order(order_id=order.pk).status)

    assert not errors
    assert sorted(results) == ["skipped"] * 9 + ["submitted"]
    assert len(office.creates) == 1  # the claim let one worker call the carrier
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED and order.events.filter(code="submitted").count() == 1


def test_the_same_notice_twenty_times_at_once_counts_once(settings):
    settings.POSTAL_SANDBOX_FAILURE_RATE = 0.0
    case = approved_by_post()
    make_result_ready(case)  # transaction=True: the commit's task submits it to the sandbox operator
    order = DeliveryOrder.objects.get(dossier=case.dossier)
    assert order.tracking_number
    body = notice(event(order, "picked_up", order.submitted_at, "EV-PICKUP-1"))
    headers = signed_headers(settings.POSTAL_WEBHOOK_SECRET, body)

    results, errors = run_in_threads(
        20, lambda i: services.handle_webhook(carrier_name="sandbox", body=body, headers=headers)
    )

    assert not errors
    assert sum(outcome.applied for outcome in results) == 1
    assert sum(outcome.duplicates for outcome in results) == 19
    order.refresh_from_db()
    assert order.status == OrderStatus.PICKED_UP
    assert order.events.filter(carrier_event_id="EV-PICKUP-1").count() == 1
    shipped = Notification.objects.filter(recipient=case.applicant, event="postal_shipped", channel="portal")
    assert shipped.count() == 1


@pytest.mark.parametrize("first", ["desk", "post"])
def test_a_desk_return_and_a_delivery_notice_racing_end_with_one_return(settings, monkeypatch, first):
    """The citizen collects the result at the desk while the post office reports the parcel delivered.
    Both take the dossier's lock first, then the order's; whichever goes first holds the dossier while the
    other waits (with the old order — notice: order then dossier — this deadlocked). One return, one audit
    row; the loser is told or leaves the dossier as it is."""
    settings.POSTAL_SANDBOX_FAILURE_RATE = 0.0
    case = approved_by_post()
    make_result_ready(case)
    order = DeliveryOrder.objects.get(dossier=case.dossier)
    picked_up = notice(event(order, "picked_up", order.submitted_at, "EV-RACE-PICKUP"))
    services.handle_webhook(
        carrier_name="sandbox",
        body=picked_up,
        headers=signed_headers(settings.POSTAL_WEBHOOK_SECRET, picked_up),
    )
    delivered = notice(event(order, "delivered", timezone.now(), "EV-RACE-DELIVERED"))
    delivered_headers = signed_headers(settings.POSTAL_WEBHOOK_SECRET, delivered)
    holding = threading.Event()

    def hold_the_dossier_a_moment(change):
        """First of the hooks: the dossier is locked and changed; give the other side time to reach its
        locks before this side goes on to lock the order."""
        by_desk = change.actor is not None
        if change.action == "return" and by_desk == (first == "desk") and not holding.is_set():
            holding.set()
            time.sleep(0.7)

    monkeypatch.setattr(hooks, "_handlers", {"tests.hold": hold_the_dossier_a_moment, **hooks._handlers})

    def desk_return():
        return dossier_services.mark_returned(
            dossier=Dossier.objects.get(pk=case.dossier.pk), by=case.desk.clerk, note="Nhận tại quầy"
        )

    def delivery_notice():
        return services.handle_webhook(carrier_name="sandbox", body=delivered, headers=delivered_headers)

    sides = {"desk": desk_return, "post": delivery_notice}
    second = "post" if first == "desk" else "desk"

    def act(index):
        if index == 0:
            return first, sides[first]()
        assert holding.wait(timeout=30), "the first side never held the dossier"
        return second, sides[second]()

    results, errors = run_in_threads(2, act)

    dossier = Dossier.objects.get(pk=case.dossier.pk)
    order.refresh_from_db()
    assert dossier.state == State.RETURNED
    returns = dossier.events.filter(action="return")
    assert returns.count() == 1
    assert order.status == OrderStatus.DELIVERED
    assert order.events.filter(carrier_event_id="EV-RACE-DELIVERED").count() == 1
    if first == "desk":
        assert not errors, errors  # the notice waited, then found the dossier closed
        assert returns.get().actor == case.desk.clerk
        assert order.events.filter(code="dossier_unchanged").exists()
    else:
        # The desk waited, then found the result already returned by post: told so, nothing applied.
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
        assert returns.get().actor is None and returns.get().data["proof"]["event_id"] == "EV-RACE-DELIVERED"
    assert dict(results)[first] is not None
