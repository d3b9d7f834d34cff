"""The embedded default: a pretend postal operator that keeps its parcels in its own table and moves each one
on a fixed schedule, one step every POSTAL_SANDBOX_STEP_SECONDS after creation:

    created → picked up → in transit → delivered
                                     ↘ delivery failed → returned to sender   (POSTAL_SANDBOX_FAILURE_RATE)

Whether a parcel fails is drawn once, from its client order code, so a run can be replayed. A beat task
(`postal.tasks.advance_sandbox`) sends the due events to the portal as signed tracking notices through the
same code as the HTTP webhook; `track()` answers polling from the same schedule. Tracking numbers follow
the UPU S10 pattern (EB123456785VN) with a real check digit.
"""

import dataclasses
import datetime
import json
import random
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from common import clock

from ..models import SandboxShipment
from . import base
from .base import Carrier, CarrierOrder, OrderRequest, PermanentCarrierError, TrackingEvent
from .http import SignedJSONNotices, signed_headers

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
TERMINAL = {base.DELIVERED, base.RETURNED_TO_SENDER, base.CANCELLED}
PUSH_BATCH = 500


def s10(serial: int, prefix: str = "EB") -> str:
    """A UPU S10 item identifier: 2 letters, 8 digits, the check digit, 'VN'."""
    digits = f"{serial % 10**8:08d}"
    check = 11 - sum(int(d) * w for d, w in zip(digits, S10_WEIGHTS, strict=True)) % 11
    check = {10: 0, 11: 5}.get(check, check)
    return f"{prefix}{digits}{check}VN"


def will_fail(key: str, rate: float) -> bool:
    return random.Random(key).random() < rate


def schedule(shipment: SandboxShipment) -> list[TrackingEvent]:
    """Every event of the parcel's life, with the moment it happens (some in the future)."""
    request = shipment.request
    sender = request.get("sender", {})
    recipient = request.get("recipient", {})
    start, step = shipment.created_at, datetime.timedelta(seconds=shipment.step_seconds)
    sorting = (
        f"Trung tâm khai thác {recipient.get('province_name') or sender.get('province_name', '')}".strip()
    )
    delivery_office = f"Bưu cục phát {recipient.get('commune_name', '')}".strip()
    plan = [
        (base.CREATED, 0, f"Bưu cục {sender.get('commune_name', '')}".strip(), "Bưu cục đã nhận đơn hàng.")
    ]
    if shipment.cancelled_at is not None:
        plan.append((base.CANCELLED, None, "", "Đơn hàng đã được hủy theo yêu cầu của người gửi."))
    else:
        plan += [
            (base.PICKED_UP, 1, sender.get("name", ""), "Bưu tá đã nhận bưu gửi tại nơi gửi."),
            (base.IN_TRANSIT, 2, sorting, "Bưu gửi đang được vận chuyển."),
        ]
        if shipment.fails:
            plan += [
                (
                    base.DELIVERY_FAILED,
                    3,
                    delivery_office,
                    "Phát không thành công: người nhận vắng nhà, "
                    "đã liên lạc theo số điện thoại nhưng không được.",
                ),
                (
                    base.RETURNED_TO_SENDER,
                    4,
                    delivery_office,
                    "Hết thời hạn lưu giữ, bưu gửi được chuyển hoàn về người gửi.",
                ),
            ]
        else:
            plan.append((base.DELIVERED, 3, delivery_office, "Phát thành công."))
    events = []
    for number, (status, steps, location, description) in enumerate(plan):
        at = shipment.cancelled_at if steps is None else start + steps * step
        proof = {}
        if status == base.DELIVERED:
            proof = {
                "received_by": recipient.get("name", ""),
                "relation": "Người nhận",
                "signature": f"sandbox-signature-{shipment.tracking_number}",
                "delivered_at": at.isoformat(),
            }
        events.append(
            TrackingEvent(
                event_id=f"{shipment.tracking_number}-{number}",
                status=status,
                at=at,
                tracking_number=shipment.tracking_number or "",
                client_order_code=shipment.key,
                location=location,
                description=description,
                proof=proof,
            )
        )
    return events


def due_events(shipment: SandboxShipment, now: datetime.datetime) -> list[TrackingEvent]:
    return [event for event in schedule(shipment) if event.at <= now]


def notice_body(events: list[TrackingEvent]) -> bytes:
    """A tracking notice in the documented webhook format (API.md)."""
    return json.dumps(
        {
            "events": [
                {
                    "id": event.event_id,
                    "tracking_number": event.tracking_number,
                    "client_order_code": event.client_order_code,
                    "status": event.status,
                    "time": event.at.isoformat(),
                    "location": event.location,
                    "description": event.description,
                    "proof": event.proof,
                }
                for event in events
            ]
        },
        ensure_ascii=False,
    ).encode()


class SandboxCarrier(SignedJSONNotices, Carrier):
    name = "sandbox"

    def __init__(self, *, step_seconds=None, failure_rate=None, webhook_secret=None):
        self.step_seconds = step_seconds if step_seconds is not None else settings.POSTAL_SANDBOX_STEP_SECONDS
        self.failure_rate = failure_rate if failure_rate is not None else settings.POSTAL_SANDBOX_FAILURE_RATE
        self.webhook_secret = webhook_secret if webhook_secret is not None else settings.POSTAL_WEBHOOK_SECRET

    def create_order(self, request: OrderRequest) -> CarrierOrder:
        payload = {
            "sender": dataclasses.asdict(request.sender),
            "recipient": dataclasses.asdict(request.recipient),
            "contents": request.contents,
            "weight_grams": request.weight_grams,
            "cod_amount": request.cod_amount,
            "reference": request.reference,
        }
        with transaction.atomic():
            shipment, created = SandboxShipment.objects.get_or_create(
                key=request.key,
                defaults={
                    "request": payload,
                    "created_at": clock.now(),
                    "step_seconds": self.step_seconds,
                    "fails": will_fail(request.key, self.failure_rate),
                },
            )
            if created:
                shipment.tracking_number = s10(shipment.pk)
                shipment.save(update_fields=["tracking_number"])
        return CarrierOrder(tracking_number=shipment.tracking_number, carrier_order_id=f"SBX{shipment.pk}")

    def _shipment(self, tracking_number: str) -> SandboxShipment:
        shipment = SandboxShipment.objects.filter(tracking_number=tracking_number).first()
        if shipment is None:
            raise PermanentCarrierError(f"NOT_FOUND: no parcel {tracking_number}")
        return shipment

    def cancel_order(self, tracking_number: str) -> None:
        with transaction.atomic():
            shipment = self._shipment(tracking_number)
            shipment = SandboxShipment.objects.select_for_update().get(pk=shipment.pk)
            if shipment.cancelled_at is not None:
                return
            now = clock.now()
            if now >= shipment.created_at + datetime.timedelta(seconds=shipment.step_seconds):
                raise PermanentCarrierError("ALREADY_PICKED_UP: the post office already has the parcel")
            shipment.cancelled_at = now
            shipment.save(update_fields=["cancelled_at"])

    def track(self, tracking_number: str) -> list[TrackingEvent]:
        return due_events(self._shipment(tracking_number), clock.now())

    # --- the operator's side: sending the notices ------------------------------------------------------
    def push_due_events(self, deliver: Callable[[bytes, dict], bool], now=None) -> int:
        """Send each unfinished parcel's new events as one signed notice through `deliver` (the portal's
        webhook handling); a refused notice is sent again next time. Returns the number of events sent."""
        now = now or clock.now()
        sent = 0
        shipments = SandboxShipment.objects.filter(finished=False, tracking_number__isnull=False).order_by(
            "pk"
        )
        for shipment in shipments[:PUSH_BATCH]:
            due = due_events(shipment, now)
            new = due[shipment.events_pushed :]
            if not new:
                continue
            body = notice_body(new)
            if not deliver(body, signed_headers(self.webhook_secret, body)):
                continue
            shipment.events_pushed = len(due)
            shipment.finished = due[-1].status in TERMINAL
            shipment.save(update_fields=["events_pushed", "finished"])
            sent += len(new)
        return sent
