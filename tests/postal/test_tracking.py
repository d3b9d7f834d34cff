"""Following the parcel: signed notices and polling, each event once; delivered closes the dossier with the
proof; returned to sender puts it back at the desk with an alert; the desk may cancel before pick-up."""

import datetime
import json
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dossiers import services as dossier_services
from dossiers.models import DossierEvent, State
from notifications.models import Notification
from postal import services, tasks
from postal.models import DeliveryEvent, DeliveryOrder, OrderStatus, SandboxShipment
from tests.dossiers.staff_support import Clock, sign_in, vn
from tests.postal.support import approved_by_post, event, make_result_ready, notice, signed

pytestmark = pytest.mark.django_db

STEP = datetime.timedelta(seconds=120)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, vn(2026, 3, 2, 9, 0))


@pytest.fixture
def shipped(clock, settings, django_capture_on_commit_callbacks):
    """A result by post with a 30,000 đ charge still due: ready at 09:00, accepted by the sandbox operator."""
    settings.POSTAL_SANDBOX_FAILURE_RATE = 0.0
    case = approved_by_post(fee=30_000)
    with django_capture_on_commit_callbacks(execute=True):
        make_result_ready(case)
    case.extra["order"] = DeliveryOrder.objects.get(dossier=case.dossier)
    return case


def step(clock, times=1) -> int:
    clock.set(clock.moment + times * STEP)
    return tasks.advance_sandbox.delay().get()


def told(user, event_name) -> int:
    return Notification.objects.filter(recipient=user, event=event_name, channel="portal").count()


def test_from_creation_to_delivered_the_dossier_closes_with_the_proof(shipped, clock):
    order = shipped.extra["order"]
    assert order.status == OrderStatus.CREATED
    assert step(clock, 0) == 1  # the "created" notice
    assert step(clock) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.PICKED_UP
    assert told(shipped.applicant, "postal_shipped") == 1

    assert step(clock) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_TRANSIT and shipped.reload().state == State.RESULT_READY

    assert step(clock) == 1
    order.refresh_from_db()
    dossier = shipped.reload()
    assert order.status == OrderStatus.DELIVERED and order.delivered_at == clock.moment
    assert order.delivery_proof["received_by"] == "Nguyễn Thị Lan"
    assert dossier.state == State.RETURNED and dossier.returned_at == clock.moment
    # The postman collected the charge: the fees are settled "on delivery" before the return.
    assert dossier.fees_settlement == "cod" and dossier.fees_reference == f"COD {order.tracking_number}"
    returned = DossierEvent.objects.filter(dossier=dossier, action="return").get()
    assert returned.actor is None and returned.data["channel"] == "post"
    assert returned.data["proof"]["tracking_number"] == order.tracking_number
    assert returned.agency == shipped.desk.agency
    assert told(shipped.applicant, "postal_delivered") == 1
    assert told(shipped.applicant, "dossier_returned") == 0  # one notice of the delivery, not two
    assert [e.code for e in order.events.all()] == [
        "created",
        "submitted",
        "created",
        "picked_up",
        "in_transit",
        "delivered",
        "dossier_returned",
    ]
    assert step(clock) == 0  # nothing more to tell
    assert SandboxShipment.objects.get().finished


def test_returned_to_sender_puts_the_dossier_back_at_the_desk(
    clock, settings, client, django_capture_on_commit_callbacks
):
    settings.POSTAL_SANDBOX_FAILURE_RATE = 1.0
    case = approved_by_post()
    with django_capture_on_commit_callbacks(execute=True):
        make_result_ready(case)
    order = DeliveryOrder.objects.get(dossier=case.dossier)
    step(clock, 3)  # created, picked up, in transit, delivery failed
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_TRANSIT
    assert order.events.filter(code="delivery_failed").exists()

    step(clock)
    order.refresh_from_db()
    assert order.status == OrderStatus.RETURNED and order.returned_at == clock.moment
    assert case.reload().state == State.RESULT_READY
    assert told(case.applicant, "postal_returned_to_sender") == 1
    alert = Notification.objects.get(
        recipient=case.desk.clerk, event="postal_returned_to_sender", channel="portal"
    )
    assert alert.link == reverse("staff:detail", args=[case.dossier.pk])
    assert told(case.handler.officer, "postal_returned_to_sender") == 0  # the desk's business

    sign_in(client, case.desk.clerk)
    queue = client.get(reverse("staff:queue", args=[case.desk.agency.code]) + "?view=all")
    assert "postal-alert" in queue.content.decode()
    page = client.get(reverse("staff:detail", args=[case.dossier.pk])).content.decode()
    assert "The post office returned the parcel" in page
    assert reverse("postal:send_again", args=[order.pk]) in page

    # The desk corrects the address and sends the result again: a new order, the alert goes.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.send_again(
            order=order,
            by=case.desk.clerk,
            street_address="Số 2 phố Hàng Tiện",
            commune=case.units.nam_dinh,
            recipient_phone="0983112456",
        )
    again.refresh_from_db()
    assert again.pk != order.pk and again.replaces == order and again.status == OrderStatus.CREATED
    assert (again.commune, again.province, again.recipient_phone) == (
        case.units.nam_dinh,
        case.units.province,
        "0983112456",
    )
    assert not DeliveryOrder.objects.needing_desk().exists()
    queue = client.get(reverse("staff:queue", args=[case.desk.agency.code]) + "?view=all")
    assert "postal-alert" not in queue.content.decode()


def test_a_notice_with_a_bad_signature_is_refused_and_changes_nothing(shipped, client, settings):
    order = shipped.extra["order"]
    url = reverse("postal:webhook", args=["sandbox"])
    body = notice(event(order, "delivered", shipped.extra["order"].submitted_at, "EV-1"))
    refused = [
        {},  # no signature
        signed(body, secret="not-the-secret"),
        signed(body, now=time.time() - 600),  # replayed: 10 minutes old
        signed(body.replace(b"EV-1", b"EV-2")),  # signed for another body
        {"HTTP_X_POSTAL_TIMESTAMP": "abc", "HTTP_X_POSTAL_SIGNATURE": "sha256=00"},
    ]
    for headers in refused:
        response = client.post(url, data=body, content_type="application/json", **headers)
        assert response.status_code == 401
        assert response.json() == {"error": "invalid signature"}
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED
    assert not order.events.filter(source=DeliveryEvent.Source.WEBHOOK).exists()
    assert shipped.reload().state == State.RESULT_READY

    # No secret configured: every notice is refused, even one "signed" with the empty secret.
    settings.POSTAL_WEBHOOK_SECRET = ""
    response = client.post(url, data=body, content_type="application/json", **signed(body, secret=""))
    assert response.status_code == 401


@pytest.mark.parametrize("timestamp", ["²", "١٧٠٠٠٠٠٠٠٠", "9" * 400])  # used to give 500 (int(), float())
def test_a_notice_with_a_malformed_timestamp_is_refused_not_a_server_error(shipped, client, timestamp):
    order = shipped.extra["order"]
    body = notice(event(order, "delivered", order.submitted_at, "EV-1"))
    headers = {"HTTP_X_POSTAL_TIMESTAMP": timestamp, "HTTP_X_POSTAL_SIGNATURE": "sha256=é"}
    response = client.post(
        reverse("postal:webhook", args=["sandbox"]), data=body, content_type="application/json", **headers
    )
    assert response.status_code == 401 and response.json() == {"error": "invalid signature"}
    assert not order.events.filter(source=DeliveryEvent.Source.WEBHOOK).exists()


def test_a_signed_notice_is_applied_once(shipped, client):
    order = shipped.extra["order"]
    url = reverse("postal:webhook", args=["sandbox"])
    body = notice(event(order, "picked_up", order.submitted_at + STEP, "EV-7", location="UBND phường Hoa Lư"))
    first = client.post(url, data=body, content_type="application/json", **signed(body))
    again = client.post(url, data=body, content_type="application/json", **signed(body))
    assert first.status_code == 200 and first.json() == {"applied": 1, "duplicates": 0, "unknown": []}
    assert again.status_code == 200 and again.json() == {"applied": 0, "duplicates": 1, "unknown": []}
    order.refresh_from_db()
    assert order.status == OrderStatus.PICKED_UP
    assert order.events.filter(carrier_event_id="EV-7").count() == 1
    assert told(shipped.applicant, "postal_shipped") == 1

    stranger = notice(
        {
            **event(order, "delivered", order.submitted_at, "EV-9"),
            "client_order_code": "x",
            "tracking_number": "EB999VN",
        }
    )
    response = client.post(url, data=stranger, content_type="application/json", **signed(stranger))
    assert response.json()["unknown"] == ["EB999VN"]
    malformed = b'{"events": [{"status": "teleported"}]}'
    assert (
        client.post(url, data=malformed, content_type="application/json", **signed(malformed)).status_code
        == 400
    )
    assert client.get(url).status_code == 405
    assert (
        client.post(
            reverse("postal:webhook", args=["pigeon"]), data=body, content_type="application/json"
        ).status_code
        == 404
    )


def test_late_or_repeated_events_never_move_the_order_back(shipped):
    order = shipped.extra["order"]
    at = order.submitted_at
    services.apply_tracking_event(
        order=order, event=_event(order, "delivered", at + 3 * STEP, "E3"), source="webhook"
    )
    services.apply_tracking_event(
        order=order, event=_event(order, "in_transit", at + 2 * STEP, "E2"), source="poll"
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert list(order.events.filter(source__in=["webhook", "poll"]).values_list("code", flat=True)) == [
        "in_transit",
        "delivered",
    ]
    assert told(shipped.applicant, "postal_shipped") == 0  # picked up was never reported before delivery


def _event(order, status, at, event_id):
    from postal.carriers.http import event_from_json

    return event_from_json(event(order, status, at, event_id))


def test_polling_recovers_lost_notices(shipped, clock, settings):
    settings.POSTAL_POLL_MINUTES = 5
    order = shipped.extra["order"]
    clock.set(clock.moment + 3 * STEP)  # delivered at the carrier; its notices never arrived
    assert tasks.poll_tracking.delay().get() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED and shipped.reload().state == State.RETURNED
    # The notices arrive late after all: recorded already, nothing happens twice.
    assert tasks.advance_sandbox.delay().get() == 4
    assert order.events.exclude(source="portal").count() == 4
    assert told(shipped.applicant, "postal_delivered") == 1
    assert tasks.poll_tracking.delay().get() == 0  # delivered: no more polling


def test_a_notice_that_overtakes_the_submission_records_the_parcel(clock, django_capture_on_commit_callbacks):
    case = approved_by_post()
    with django_capture_on_commit_callbacks(execute=False):
        make_result_ready(case)
    order = DeliveryOrder.objects.get(dossier=case.dossier)
    made = services.get_carrier("sandbox").create_order(services.order_request(order))  # then the worker died
    tasks.advance_sandbox.delay().get()
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED and order.tracking_number == made.tracking_number
    assert services.submit_order(order_id=order.pk).status == "skipped"


def test_the_desk_may_cancel_before_pickup_only(shipped, clock):
    order = shipped.extra["order"]
    with pytest.raises(PermissionDenied):
        services.cancel_order(order=order, by=shipped.handler.officer)
    cancelled = services.cancel_order(
        order=order, by=shipped.desk.clerk, reason="Công dân đến nhận trực tiếp"
    )
    assert cancelled.status == OrderStatus.CANCELLED
    assert SandboxShipment.objects.get().cancelled_at is not None
    assert DeliveryOrder.objects.needing_desk().get() == cancelled

    other = approved_by_post()
    make_result_ready(other)
    late = DeliveryOrder.objects.get(dossier=other.dossier)
    services.submit_order(order_id=late.pk)
    clock.set(clock.moment + STEP)  # the post office has it, its notice has not arrived yet: it refuses
    with pytest.raises(ValidationError, match="ALREADY_PICKED_UP"):
        services.cancel_order(order=DeliveryOrder.objects.get(pk=late.pk), by=other.desk.clerk)
    tasks.advance_sandbox.delay().get()  # the notice arrives: the portal itself says no now
    with pytest.raises(ValidationError):
        services.cancel_order(order=DeliveryOrder.objects.get(pk=late.pk), by=other.desk.clerk)
    assert DeliveryOrder.objects.get(pk=late.pk).status == OrderStatus.PICKED_UP


def test_handing_the_result_over_at_the_desk_stops_the_parcel(
    shipped, clock, django_capture_on_commit_callbacks
):
    dossier_services.settle_fees(
        dossier=shipped.dossier,
        settlement="paid_at_desk",
        reference="BL-0042",
        amount=30_000,
        by=shipped.desk.clerk,
    )
    with django_capture_on_commit_callbacks(execute=True):
        dossier_services.mark_returned(dossier=shipped.reload(), by=shipped.desk.clerk, note="Nhận trực tiếp")
    order = shipped.extra["order"]
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED  # accepted by the carrier: cancelled there after commit
    assert SandboxShipment.objects.get().cancelled_at is not None


def test_a_pending_order_is_cancelled_in_the_desk_return_transaction(
    clock, django_capture_on_commit_callbacks
):
    case = approved_by_post()
    with django_capture_on_commit_callbacks(execute=False):
        make_result_ready(case)
    dossier_services.mark_returned(dossier=case.reload(), by=case.desk.clerk)
    order = DeliveryOrder.objects.get(dossier=case.dossier)
    assert order.status == OrderStatus.CANCELLED
    assert order.events.get(code="cancelled").data == {"reason": "", "why": "desk_return"}
    assert services.submit_order(order_id=order.pk).status == "skipped"
    assert not SandboxShipment.objects.exists()


def test_the_notice_body_is_the_documented_format(shipped, clock):
    """The sandbox speaks exactly what API.md documents (the HTTP carrier's parser reads it)."""
    order = shipped.extra["order"]
    seen = []

    def deliver(body, headers):
        seen.append((json.loads(body), headers))
        return True

    clock.set(clock.moment + STEP)
    services.get_carrier("sandbox").push_due_events(deliver)
    [(body, headers)] = seen
    assert set(headers) == {"X-Postal-Timestamp", "X-Postal-Signature"}
    assert [item["status"] for item in body["events"]] == ["created", "picked_up"]
    assert body["events"][0]["client_order_code"] == str(order.key)
    assert body["events"][0]["tracking_number"] == order.tracking_number
