"""On PostgreSQL, at the same moment: ten workers submitting one order make one parcel; the same notice
delivered twenty times moves the order once and tells the citizen once."""

import pytest

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
