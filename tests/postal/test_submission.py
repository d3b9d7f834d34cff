"""Handing the order to the postal operator: after commit, once (the carrier deduplicates on the client
order code, the task claims the row), retried with backoff on transient errors only, swept up when the
task never ran."""

import datetime
import json
import socket

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from postal import carriers, services, tasks
from postal.carriers import http
from postal.carriers.base import TransientCarrierError
from postal.models import DeliveryOrder, OrderStatus, SandboxShipment
from tests.postal.support import (
    FakePostOffice,
    LocalPostOfficeServer,
    approved_by_post,
    http_carrier_factory,
    make_result_ready,
)

pytestmark = pytest.mark.django_db

SERVICE_UNAVAILABLE = (503, b'{"error": {"code": "MAINTENANCE", "message": "try later"}}')


@pytest.fixture
def post_office(monkeypatch, settings):
    """New orders go to a fake operator speaking the documented HTTP API."""
    office = FakePostOffice()
    settings.POSTAL_CARRIER = "http"
    monkeypatch.setitem(carriers.CARRIERS, "http", http_carrier_factory(office))
    return office


def pending_order(capture) -> DeliveryOrder:
    """Result ready, the commit's task not run (as when the broker was down at commit time)."""
    case = approved_by_post()
    with capture(execute=False):
        make_result_ready(case)
    return DeliveryOrder.objects.get(dossier=case.dossier)


def test_the_order_is_submitted_after_commit(django_capture_on_commit_callbacks):
    case = approved_by_post()
    with django_capture_on_commit_callbacks(execute=True):
        make_result_ready(case)
    order = DeliveryOrder.objects.get(dossier=case.dossier)
    assert order.status == OrderStatus.CREATED and order.attempts == 1
    assert order.tracking_number == SandboxShipment.objects.get().tracking_number
    assert [event.code for event in order.events.all()] == ["created", "submitted"]


def test_running_the_submission_twice_makes_one_parcel(django_capture_on_commit_callbacks):
    order = pending_order(django_capture_on_commit_callbacks)
    assert tasks.submit_order.delay(order.pk).get() == "submitted"
    assert tasks.submit_order.delay(order.pk).get() == "skipped"
    assert SandboxShipment.objects.count() == 1


def test_a_worker_that_died_after_the_carrier_answered_finds_the_same_parcel(
    django_capture_on_commit_callbacks,
):
    """The carrier made the parcel but the worker died before recording it (acks_late: the task runs
    again): the second call gets the same parcel back, not a second one."""
    order = pending_order(django_capture_on_commit_callbacks)
    lost = carriers.get_carrier("sandbox").create_order(services.order_request(order))
    assert tasks.submit_order.delay(order.pk).get() == "submitted"
    order.refresh_from_db()
    assert order.tracking_number == lost.tracking_number
    assert SandboxShipment.objects.count() == 1


def test_a_claimed_order_is_left_to_the_worker_holding_it(django_capture_on_commit_callbacks):
    order = pending_order(django_capture_on_commit_callbacks)
    DeliveryOrder.objects.filter(pk=order.pk).update(
        claimed_until=timezone.now() + datetime.timedelta(minutes=1)
    )
    assert services.submit_order(order_id=order.pk).status == "skipped"
    assert not SandboxShipment.objects.exists()
    # A lease that ran out (the worker holding it was killed) may be taken over.
    DeliveryOrder.objects.filter(pk=order.pk).update(
        claimed_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert services.submit_order(order_id=order.pk).status == "submitted"


def test_a_failing_carrier_is_retried_with_backoff_and_the_same_key(
    post_office, django_capture_on_commit_callbacks
):
    post_office.failures = [SERVICE_UNAVAILABLE, TimeoutError("read timed out")]
    order = pending_order(django_capture_on_commit_callbacks)

    first = services.submit_order(order_id=order.pk)
    second = services.submit_order(order_id=order.pk)
    third = services.submit_order(order_id=order.pk)

    assert (first.status, first.retry_in) == ("retry", 60)
    assert (second.status, second.retry_in) == ("retry", 120)
    assert third.status == "submitted"
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED and order.attempts == 3 and order.last_error == ""
    assert order.postage == 23_000  # what the operator charges replaces the tariff estimate
    codes = [event.code for event in order.events.all()]
    assert codes == ["created", "submit_failed", "submit_failed", "submitted"]
    keys = {request["headers"]["Idempotency-Key"] for request in post_office.creates}
    assert keys == {str(order.key)} and len(post_office.creates) == 3
    assert post_office.creates[0]["headers"]["Authorization"] == "Bearer test-key"
    sent = json.loads(post_office.creates[-1]["body"])
    assert sent["receiver"]["ward_code"] == "14320" and sent["receiver"]["province_code"] == "37"
    assert sent["client_order_code"] == str(order.key) and sent["reference"] == order.dossier.code


def test_a_4xx_is_final_and_never_retried(post_office, django_capture_on_commit_callbacks):
    post_office.failures = [(422, b'{"error": {"code": "INVALID_ADDRESS", "message": "ward_code unknown"}}')]
    order = pending_order(django_capture_on_commit_callbacks)

    assert services.submit_order(order_id=order.pk).status == "rejected"
    assert services.submit_order(order_id=order.pk).status == "skipped"

    order.refresh_from_db()
    assert order.status == OrderStatus.REJECTED and "INVALID_ADDRESS" in order.last_error
    assert len(post_office.creates) == 1
    assert DeliveryOrder.objects.needing_desk().get() == order


def test_the_task_retries_transient_errors_only(post_office, monkeypatch, django_capture_on_commit_callbacks):
    retried = []

    def fake_retry(countdown=None, **kwargs):
        retried.append(countdown)
        return Retry(when=countdown)

    monkeypatch.setattr(tasks.submit_order, "retry", fake_retry)
    post_office.failures = [SERVICE_UNAVAILABLE, (400, b'{"error": {"code": "BAD_REQUEST"}}')]
    order = pending_order(django_capture_on_commit_callbacks)

    with pytest.raises(Retry):
        tasks.submit_order.run(order.pk)  # as a worker runs it (not eager)
    assert retried == [60]
    assert tasks.submit_order.run(order.pk) == "rejected"
    assert retried == [60]  # a 4xx is not retried


def test_in_eager_mode_a_failure_is_left_to_the_sweeper(post_office, django_capture_on_commit_callbacks):
    """The embedded default has no broker: the request that committed must not wait for retries."""
    post_office.failures = [SERVICE_UNAVAILABLE]
    case = approved_by_post()
    with django_capture_on_commit_callbacks(execute=True):
        make_result_ready(case)
    order = DeliveryOrder.objects.get(dossier=case.dossier)
    assert order.status == OrderStatus.PENDING and order.attempts == 1 and len(post_office.creates) == 1


def test_the_sweeper_submits_orders_the_queue_never_got(django_capture_on_commit_callbacks):
    order = pending_order(django_capture_on_commit_callbacks)
    assert tasks.sweep_unsubmitted.delay().get() == 0  # too young: the commit's task may still come
    DeliveryOrder.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    assert tasks.sweep_unsubmitted.delay().get() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED
    assert tasks.sweep_unsubmitted.delay().get() == 0


def test_the_sweeper_waits_for_the_backoff(post_office, django_capture_on_commit_callbacks):
    post_office.failures = [SERVICE_UNAVAILABLE]
    order = pending_order(django_capture_on_commit_callbacks)
    services.submit_order(order_id=order.pk)
    assert tasks.sweep_unsubmitted.delay().get() == 0
    DeliveryOrder.objects.filter(pk=order.pk).update(next_attempt_at=timezone.now())
    assert tasks.sweep_unsubmitted.delay().get() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED


def test_the_http_carrier_over_a_real_socket(django_capture_on_commit_callbacks):
    """urllib against a local server: a 503 is transient, then the parcel is made; the key travels."""
    office = FakePostOffice(failures=[SERVICE_UNAVAILABLE])
    order = pending_order(django_capture_on_commit_callbacks)
    request = services.order_request(order)
    with LocalPostOfficeServer(office) as server:
        carrier = http.HttpCarrier(
            base_url=server.url, api_key="k", partner_code="P", webhook_secret="s", timeout=5
        )
        with pytest.raises(TransientCarrierError, match="HTTP 503"):
            carrier.create_order(request)
        made = carrier.create_order(request)
        again = carrier.create_order(request)
        assert made == again and made.tracking_number.endswith("VN")
        assert carrier.track(made.tracking_number) == []
    assert {r["headers"]["Idempotency-Key"] for r in office.creates} == {str(order.key)}


def test_an_unreachable_carrier_is_a_transient_error():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    carrier = http.HttpCarrier(
        base_url=f"http://127.0.0.1:{port}/v1", api_key="k", partner_code="P", timeout=2
    )
    with pytest.raises(TransientCarrierError):
        carrier.track("EB000000015VN")
