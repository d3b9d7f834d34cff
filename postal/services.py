"""Use cases of postal delivery (BCCI): create the delivery order when a result that goes by post is ready,
hand it to the postal operator, follow it (webhook and polling), and close the loop on the dossier.

The order is an outbox row written in the dossier's transaction; the carrier is called only after commit,
by `postal.tasks.submit_order` (and the sweeper), never inside a transaction. Tracking events are applied
once each (deduplicated on the carrier's event id) under a row lock, so a notice and a poll that report the
same step, or the same notice delivered twice, change the order once.
"""

import datetime
import logging
import math
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.models import Role, User
from common import clock
from common.tasks import queue_each
from dossiers import policies
from dossiers import selectors as dossier_selectors
from dossiers import services as dossier_services
from dossiers.models import Dossier, DossierDocument, FeeSettlement, ReturnChannel, State
from notifications.services import notify
from procedures.models import FeePaymentStage

from . import addresses
from .carriers import base, get_carrier
from .carriers.base import CarrierError, OrderRequest, Party, PermanentCarrierError, TrackingEvent
from .models import ACTIVE_STATUSES, DeliveryEvent, DeliveryOrder, OrderStatus

logger = logging.getLogger(__name__)

SUBMIT_LEASE = datetime.timedelta(minutes=5)  # longer than any carrier call may take
ENVELOPE_GRAMS = 30
GRAMS_PER_DOCUMENT = 50
TRANSITIONS = {
    base.PICKED_UP: "pick_up",
    base.IN_TRANSIT: "depart",
    base.OUT_FOR_DELIVERY: "depart",
    base.DELIVERED: "deliver",
    base.RETURNED_TO_SENDER: "return_to_sender",
    base.CANCELLED: "cancel",
}


# --- the parcel ---------------------------------------------------------------------------------------------
def postage_for(weight_grams: int) -> int:
    """The tariff agreed with the postal operator, in whole đồng: a base price up to 250 g, then a step
    per further 250 g started (POSTAL_POSTAGE_BASE, POSTAL_POSTAGE_PER_EXTRA_250G)."""
    extra_steps = max(0, math.ceil((weight_grams - 250) / 250))
    return settings.POSTAL_POSTAGE_BASE + extra_steps * settings.POSTAL_POSTAGE_PER_EXTRA_250G


def fees_due_on_delivery(dossier: Dossier) -> int:
    """Fees still owed that the rules want paid before the result is returned: the postman collects them."""
    version = dossier.procedure_version
    if version.fee_payment_stage == FeePaymentStage.BEFORE_RETURN and dossier.fees_outstanding():
        return dossier.fee_total
    return 0


def _contents(dossier: Dossier) -> list[dict]:
    documents = dossier.documents.filter(kind=DossierDocument.Kind.RESULT).select_related("stored_file")
    name = dossier.procedure_version.result_name
    return [
        {
            "document": document.pk,
            "name": document.stored_file.label or name,
            "file": document.stored_file.original_name,
        }
        for document in documents.order_by("pk")
    ]


def _event(order: DeliveryOrder, code: str, *, actor=None, at=None, **data) -> DeliveryEvent:
    """A portal line on the order's timeline: the code and its facts; the sentence is made when it is
    shown, in the reader's language (DeliveryEvent.text)."""
    person = actor if actor is not None and actor.is_authenticated else None
    _shown_in_queues(order)
    return DeliveryEvent.objects.create(
        order=order,
        code=code,
        source=DeliveryEvent.Source.PORTAL,
        at=at or clock.now(),
        actor=person,
        actor_name=(person.full_name or person.email) if person is not None else "",
        actor_role=person.role if person is not None else "",
        data={key: str(value)[:500] for key, value in data.items()},
    )


def _shown_in_queues(order: DeliveryOrder) -> None:
    """Every step of an order is recorded as an event: once it commits, the queues of the dossier's agencies
    are read anew (their "parcel needs the desk" flag, dossiers.selectors.forget_agency_queues)."""
    dossier = order.dossier
    agencies = (dossier.receiving_agency_id, dossier.handling_agency_id)
    transaction.on_commit(lambda: dossier_selectors.forget_agency_queues(*agencies))


def _submit_on_commit(order: DeliveryOrder) -> None:
    from .tasks import submit_order

    order_id = order.pk
    # A broker that is down must not fail the request that committed; the sweeper submits it later.
    transaction.on_commit(lambda: queue_each(submit_order, [order_id]))


def _build_order(dossier: Dossier, address: addresses.ResolvedAddress, *, by=None, replaces=None, phone=None):
    contents = _contents(dossier)
    weight = ENVELOPE_GRAMS + GRAMS_PER_DOCUMENT * max(1, len(contents))
    postage = postage_for(weight)
    fees = fees_due_on_delivery(dossier)
    held = address.commune is None
    order = DeliveryOrder(
        dossier=dossier,
        status=OrderStatus.HELD if held else OrderStatus.PENDING,
        carrier=settings.POSTAL_CARRIER,
        sender_agency=dossier.receiving_agency,
        recipient_name=dossier.applicant_name,
        recipient_phone=phone if phone is not None else dossier.applicant_phone,
        street_address=address.street_address[:255],
        commune=address.commune,
        province=address.province,
        address_as_written=address.as_written[:300],
        address_problem=address.problem,
        contents=contents,
        weight_grams=weight,
        postage=postage,
        fees_to_collect=fees,
        cod_amount=fees + (postage if settings.POSTAL_RECIPIENT_PAYS_POSTAGE else 0),
        created_by=by if by is not None and by.is_authenticated else None,
        replaces=replaces,
    )
    order.save()
    if held:
        _event(order, "held", actor=by, problem=address.problem)
    else:
        _event(order, "created", actor=by)
        _submit_on_commit(order)
    return order


def create_order_for(*, dossier: Dossier) -> DeliveryOrder:
    """The result of a dossier returned by post is ready: write the delivery order in the same transaction
    (the outbox row), to be submitted to the postal operator after commit. One active order per dossier."""
    if dossier.return_channel != ReturnChannel.POST:
        raise ValidationError(_("The applicant did not ask for the result by post."))
    with transaction.atomic():
        existing = DeliveryOrder.objects.select_for_update().filter(dossier=dossier).active().first()
        if existing is not None:
            return existing
        return _build_order(dossier, addresses.resolve(dossier))


def order_request(order: DeliveryOrder) -> OrderRequest:
    agency = order.sender_agency
    unit = agency.administrative_unit
    commune = unit if unit is not None and unit.level == "commune" else None
    province = addresses.province_of(commune) if commune is not None else unit
    sender = Party(
        name=agency.name,
        phone=agency.phone,
        street_address=agency.address,
        commune_code=commune.code if commune else "",
        commune_name=commune.name if commune else "",
        province_code=province.code if province else "",
        province_name=province.name if province else "",
    )
    recipient = Party(
        name=order.recipient_name,
        phone=order.recipient_phone,
        street_address=order.street_address,
        commune_code=order.commune.code if order.commune else "",
        commune_name=order.commune.name if order.commune else "",
        province_code=order.province.code if order.province else "",
        province_name=order.province.name if order.province else "",
    )
    return OrderRequest(
        key=str(order.key),
        sender=sender,
        recipient=recipient,
        contents=[item["name"] for item in order.contents],
        weight_grams=order.weight_grams,
        cod_amount=order.cod_amount,
        reference=order.dossier.code or "",
        note="Kết quả giải quyết thủ tục hành chính — bưu chính công ích",
    )


# --- submission (the outbox drained) -----------------------------------------------------------------------
@dataclass(frozen=True)
class SubmitOutcome:
    status: str  # submitted, skipped, retry, rejected
    retry_in: int | None = None


def retry_delay(attempts: int) -> int:
    """Exponential backoff: base, 2×, 4×… seconds, capped (POSTAL_RETRY_BASE_SECONDS / _MAX_SECONDS)."""
    delay = settings.POSTAL_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return int(min(delay, settings.POSTAL_RETRY_MAX_SECONDS))


def _claim(order_id: int, now: datetime.datetime) -> bool:
    """A conditional UPDATE: only one worker holds a pending order at a time (the lease outlives a crash
    only by SUBMIT_LEASE)."""
    return bool(
        DeliveryOrder.objects.filter(pk=order_id, status=OrderStatus.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + SUBMIT_LEASE)
    )


def _drop_fees_paid_meanwhile(order_id: int) -> None:
    """Fees paid another way (online, at the desk) before the parcel leaves: the postman must not collect
    them again. Once the carrier has the parcel its cash-on-delivery amount can no longer change here."""
    with transaction.atomic():
        order = (
            DeliveryOrder.objects.select_for_update()
            .select_related("dossier__procedure_version")
            .get(pk=order_id)
        )
        if order.fees_to_collect and not fees_due_on_delivery(order.dossier):
            _event(order, "fees_paid", amount=order.fees_to_collect)
            order.cod_amount -= order.fees_to_collect
            order.fees_to_collect = 0
            order.save(update_fields=["cod_amount", "fees_to_collect"])


def submit_order(*, order_id: int) -> SubmitOutcome:
    """Hand a pending order to its carrier. Idempotent: the carrier creates one parcel per client order
    code, so a task that runs twice, or after a crash, finds the same parcel."""
    now = clock.now()
    if not _claim(order_id, now):
        return SubmitOutcome("skipped")
    _drop_fees_paid_meanwhile(order_id)
    order = DeliveryOrder.objects.select_related(
        "dossier", "sender_agency__administrative_unit__parent", "commune", "province"
    ).get(pk=order_id)
    carrier = get_carrier(order.carrier)
    try:
        result = carrier.create_order(order_request(order))
    except PermanentCarrierError as error:
        with transaction.atomic():
            order = DeliveryOrder.objects.select_for_update().get(pk=order_id)
            order.attempts += 1
            order.last_error = str(error)[:2000]
            order.claimed_until = None
            if order.status == OrderStatus.PENDING:
                order.reject()
            order.save()
            _event(order, "rejected", error=error)
        return SubmitOutcome("rejected")
    except CarrierError as error:  # transient
        with transaction.atomic():
            order = DeliveryOrder.objects.select_for_update().get(pk=order_id)
            order.attempts += 1
            delay = retry_delay(order.attempts)
            order.last_error = str(error)[:2000]
            order.next_attempt_at = clock.now() + datetime.timedelta(seconds=delay)
            order.claimed_until = None
            order.save()
            _event(order, "submit_failed", attempt=order.attempts, error=error, retry_in=delay)
        return SubmitOutcome("retry", retry_in=delay)
    with transaction.atomic():
        order = DeliveryOrder.objects.select_for_update().get(pk=order_id)
        order.attempts += 1
        order.claimed_until = None
        order.last_error = ""
        if order.status == OrderStatus.PENDING:
            order.accept()
            order.tracking_number = result.tracking_number
            order.carrier_order_id = result.carrier_order_id
            if result.postage is not None:
                order.postage = result.postage
            order.submitted_at = clock.now()
            order.save()
            _event(order, "submitted", tracking_number=result.tracking_number)
            return SubmitOutcome("submitted")
        order.save()
        cancelled_meanwhile = order.status == OrderStatus.CANCELLED
    if cancelled_meanwhile:
        # Cancelled while the carrier was creating the parcel: cancel the parcel too.
        _cancel_at_carrier_after_the_fact(order, carrier, result.tracking_number)
    return SubmitOutcome("skipped")


def _cancel_at_carrier_after_the_fact(order, carrier, tracking_number: str) -> None:
    code = "cancelled"
    try:
        carrier.cancel_order(tracking_number)
    except CarrierError as error:
        logger.warning("postal order %s: parcel %s not cancelled: %s", order.pk, tracking_number, error)
        code = "cancel_failed"
    with transaction.atomic():
        _event(order, code, why="after_the_fact", tracking_number=tracking_number)


# --- tracking ----------------------------------------------------------------------------------------------
def _citizen(dossier: Dossier):
    return dossier.applicant if dossier.applicant_id else None


def _notify_citizen(order: DeliveryOrder, event: str, **context) -> None:
    citizen = _citizen(order.dossier)
    if citizen is None:
        return
    notify(
        recipient=citizen,
        event=event,
        context={
            "tracking_number": order.tracking_number or "",
            "link": reverse("dossiers:detail", args=[order.dossier_id]),
            **context,
        },
        dossier=order.dossier,
    )


def desk_clerks(dossier: Dossier):
    return User.objects.filter(
        role=Role.CLERK, is_active=True, memberships__agency=dossier.receiving_agency_id
    ).distinct()


def _alert_desk(order: DeliveryOrder, reason: str) -> None:
    """The parcel came back: every clerk of the receiving agency is told, with a link to the dossier."""
    for clerk in desk_clerks(order.dossier):
        notify(
            recipient=clerk,
            event="postal_returned_to_sender",
            context={
                "tracking_number": order.tracking_number or "",
                "reason": reason,
                "audience": "staff",
                "link": reverse("staff:detail", args=[order.dossier_id]),
            },
            dossier=order.dossier,
        )


def _close_dossier(order: DeliveryOrder, event: TrackingEvent) -> None:
    """Delivered: the delivery proof returns the result (the dossier closes); fees collected on delivery
    settle the dossier's fees first. A dossier the desk already closed is left as it is."""
    dossier = order.dossier
    if dossier.state != State.RESULT_READY:
        _event(order, "dossier_unchanged", state=dossier.state)
        return
    proof = {
        "carrier": order.carrier,
        "tracking_number": order.tracking_number or "",
        "delivered_at": event.at.isoformat(),
        "event_id": event.event_id,
        **{key: value for key, value in event.proof.items() if isinstance(value, str | int)},
    }
    if order.fees_to_collect and not dossier.fees_outstanding():
        # Paid another way after the parcel left: the post office collected them a second time.
        logger.warning("postal order %s: fees collected on delivery were already paid", order.pk)
        _event(order, "fees_paid_twice", amount=order.fees_to_collect)
    try:
        with transaction.atomic():
            if order.fees_to_collect and dossier.fees_outstanding():
                dossier_services.settle_fees(
                    dossier=dossier,
                    settlement=FeeSettlement.PAID_ON_DELIVERY,
                    reference=f"COD {order.tracking_number}",
                    amount=order.fees_to_collect,
                )
            dossier_services.mark_returned_by_post(dossier=dossier, proof=proof, at=event.at)
    except ValidationError as error:
        # The order stays delivered and the dossier at the desk: the staff page shows why.
        text = " ".join(error.messages)
        _event(order, "dossier_not_closed", error=text)
        return
    _event(order, "dossier_returned")


def _apply(order: DeliveryOrder, event: TrackingEvent, source: str) -> bool:
    if event.event_id and order.events.filter(carrier_event_id=event.event_id).exists():
        return False
    from_status = order.status
    if order.status == OrderStatus.PENDING and event.tracking_number and event.status != base.CANCELLED:
        # The carrier's notice arrived before the submission task recorded the parcel.
        order.accept()
        order.tracking_number = event.tracking_number
        order.submitted_at = event.at
        order.claimed_until = None
    name = TRANSITIONS.get(event.status)
    transition = getattr(order, name) if name else None
    moved = False
    if transition is not None and can_proceed(transition):
        transition()
        moved = True
        if event.status == base.DELIVERED:
            order.delivered_at = event.at
            order.delivery_proof = event.proof
        elif event.status == base.RETURNED_TO_SENDER:
            order.returned_at = event.at
            order.closed_note = event.description[:300]
    order.save()
    _shown_in_queues(order)
    DeliveryEvent.objects.create(
        order=order,
        code=event.status,
        source=source,
        carrier_event_id=event.event_id[:64],
        at=event.at,
        location=event.location[:200],
        description=event.description[:500],
        data={"proof": event.proof} if event.proof else {},
    )
    if not moved:
        return True
    if from_status in {OrderStatus.PENDING, OrderStatus.CREATED} and order.status in {
        OrderStatus.PICKED_UP,
        OrderStatus.IN_TRANSIT,
    }:
        _notify_citizen(order, "postal_shipped", carrier=order.carrier)
    elif order.status == OrderStatus.DELIVERED:
        _close_dossier(order, event)
        _notify_citizen(order, "postal_delivered", delivered_at=event.at.isoformat())
    elif order.status == OrderStatus.RETURNED:
        _notify_citizen(order, "postal_returned_to_sender", reason=event.description)
        _alert_desk(order, event.description)
    return True


def apply_tracking_event(*, order: DeliveryOrder, event: TrackingEvent, source: str) -> bool:
    """Record one carrier event on the order's timeline and move the order (and the dossier) if it says
    something new. False when the event was already recorded."""
    with transaction.atomic():
        # The dossier first, then its order: the lock order of every use case (a desk return racing a
        # delivery notice waits instead of deadlocking).
        dossier_services.lock(order.dossier_id)
        order = DeliveryOrder.objects.select_for_update().select_related("dossier").get(pk=order.pk)
        return _apply(order, event, source)


def _order_for(carrier_name: str, event: TrackingEvent) -> DeliveryOrder | None:
    orders = DeliveryOrder.objects.filter(carrier=carrier_name)
    if event.client_order_code:
        try:
            return orders.filter(key=event.client_order_code).first()
        except ValidationError:  # not a UUID
            pass
    if event.tracking_number:
        return orders.filter(tracking_number=event.tracking_number).first()
    return None


@dataclass(frozen=True)
class WebhookOutcome:
    status: int  # the HTTP status to answer
    applied: int = 0
    duplicates: int = 0
    unknown: tuple[str, ...] = ()
    error: str = ""


def handle_webhook(*, carrier_name: str, body: bytes, headers) -> WebhookOutcome:
    """A tracking notice from a carrier (the HTTP endpoint and the sandbox both come here). Refused
    without a valid signature; each event applied once; events of parcels we don't know are reported back."""
    try:
        carrier = get_carrier(carrier_name)
    except KeyError:
        return WebhookOutcome(404, error="unknown carrier")
    if not carrier.verify_webhook(body, headers):
        logger.warning("postal webhook from %s refused: bad or missing signature", carrier_name)
        return WebhookOutcome(401, error="invalid signature")
    try:
        events = carrier.parse_webhook(body)
    except (ValueError, TypeError) as error:
        return WebhookOutcome(400, error=f"malformed notice: {error}")
    applied = duplicates = 0
    unknown = []
    for event in events:
        order = _order_for(carrier_name, event)
        if order is None:
            unknown.append(event.tracking_number or event.client_order_code)
            continue
        if apply_tracking_event(order=order, event=event, source=DeliveryEvent.Source.WEBHOOK):
            applied += 1
        else:
            duplicates += 1
    if unknown:
        logger.warning("postal webhook from %s: unknown parcels %s", carrier_name, unknown)
    return WebhookOutcome(200, applied=applied, duplicates=duplicates, unknown=tuple(unknown))


def poll_order(*, order: DeliveryOrder) -> int:
    """Ask the carrier for the parcel's events (in case a notice was lost); returns how many were new."""
    if not order.tracking_number:
        return 0
    events = get_carrier(order.carrier).track(order.tracking_number)
    new = sum(
        apply_tracking_event(order=order, event=event, source=DeliveryEvent.Source.POLL) for event in events
    )
    DeliveryOrder.objects.filter(pk=order.pk).update(last_polled_at=clock.now())
    return new


# --- the desk's actions ------------------------------------------------------------------------------------
def may_act(user, order: DeliveryOrder) -> bool:
    """The one-stop shop that sends the result acts on its parcels: clerks of the receiving agency."""
    return policies.may_manage_delivery(user, order.dossier)


def _cancel_locally(order: DeliveryOrder, *, reason: str = "", why: str = "", actor=None) -> None:
    order.cancel()
    order.claimed_until = None
    order.closed_note = reason[:300]
    order.save()
    _event(order, "cancelled", actor=actor, reason=reason, why=why)


def _cancel_at_carrier(order: DeliveryOrder) -> None:
    """Ask the carrier to cancel a parcel it accepted (an accepted order always has its tracking number)."""
    if not order.tracking_number:
        raise PermanentCarrierError(f"order {order.pk} has no tracking number")
    get_carrier(order.carrier).cancel_order(order.tracking_number)


def cancel_order(*, order: DeliveryOrder, by, reason: str = "") -> DeliveryOrder:
    """Stop a parcel before the post office picks it up: a held or pending order is simply cancelled; one
    the carrier has accepted is cancelled with the carrier first (refused once picked up)."""
    if not may_act(by, order):
        raise PermissionDenied(_("Only the one-stop shop that sends the result may change its delivery."))
    reason = reason.strip()
    if order.status == OrderStatus.CREATED:
        try:
            _cancel_at_carrier(order)
        except PermanentCarrierError as error:
            raise ValidationError(
                _("The post office refused to cancel: %(error)s") % {"error": error}
            ) from error
        except CarrierError as error:
            raise ValidationError(
                _("The post office cannot be reached now (%(error)s); try again later.") % {"error": error}
            ) from error
    with transaction.atomic():
        order = DeliveryOrder.objects.select_for_update().get(pk=order.pk)
        if not can_proceed(order.cancel):
            raise ValidationError(_("This parcel can no longer be cancelled: the post office has it."))
        _cancel_locally(order, reason=reason, actor=by)
        return order


def send_again(
    *, order: DeliveryOrder, by, street_address: str, commune, recipient_phone: str
) -> DeliveryOrder:
    """The desk fixes the address and sends the result again: a held order is released with the corrected
    address; after a return, a refusal or a cancellation a new order is made (the old one stays on record)."""
    if not may_act(by, order):
        raise PermissionDenied(_("Only the one-stop shop that sends the result may change its delivery."))
    if not street_address.strip():
        raise ValidationError(_("Enter the house number and street."))
    if commune is None or commune.is_legacy:
        raise ValidationError(_("Choose the commune or ward as it is today (after the 2025 reform)."))
    address = addresses.ResolvedAddress(
        street_address=street_address.strip(),
        commune=commune,
        province=addresses.province_of(commune),
        as_written=f"{street_address.strip()}, {commune.name}",
    )
    with transaction.atomic():
        dossier = dossier_services.lock(order.dossier_id)
        order = DeliveryOrder.objects.select_for_update().get(pk=order.pk)
        if dossier.state != State.RESULT_READY:
            raise ValidationError(_("The result of this dossier is no longer waiting to be sent."))
        if order.status == OrderStatus.HELD:
            order.street_address = address.street_address[:255]
            order.commune, order.province = address.commune, address.province
            order.recipient_phone = recipient_phone.strip()[:15]
            order.address_problem = ""
            order.release()
            order.save()
            _event(order, "address_corrected", actor=by, address=address.as_written)
            _submit_on_commit(order)
            return order
        if order.status not in {OrderStatus.RETURNED, OrderStatus.REJECTED, OrderStatus.CANCELLED}:
            raise ValidationError(_("This parcel is still on its way: it cannot be sent again."))
        if dossier.delivery_orders.filter(status__in=ACTIVE_STATUSES).exists():
            raise ValidationError(_("Another delivery of this result is already under way."))
        return _build_order(dossier, address, by=by, replaces=order, phone=recipient_phone.strip()[:15])


def dossier_returned_elsewhere(*, dossier: Dossier) -> None:
    """The result was handed over at the desk while a parcel was planned: stop what has not left yet (in
    the dossier's transaction), and ask the carrier after commit to cancel a parcel it has accepted."""
    for order in DeliveryOrder.objects.select_for_update().filter(dossier=dossier).active():
        if order.status in {OrderStatus.HELD, OrderStatus.PENDING}:
            _cancel_locally(order, why="desk_return")
        elif order.status == OrderStatus.CREATED:
            from .tasks import cancel_at_carrier

            order_id = order.pk
            transaction.on_commit(partial(cancel_at_carrier.delay, order_id), robust=True)
        else:
            _event(order, "note", why="desk_return_in_transit")


def cancel_with_carrier(*, order_id: int) -> str:
    """After a desk return: cancel an accepted parcel with the carrier (the task's use case). A transient
    carrier error propagates, for the task to retry."""
    order = DeliveryOrder.objects.get(pk=order_id)
    if order.status != OrderStatus.CREATED:
        return "skipped"
    try:
        _cancel_at_carrier(order)
    except PermanentCarrierError as error:
        with transaction.atomic():
            _event(order, "cancel_failed", error=error)
        return "refused"
    with transaction.atomic():
        order = DeliveryOrder.objects.select_for_update().get(pk=order_id)
        if can_proceed(order.cancel):
            _cancel_locally(order, why="desk_return")
    return "cancelled"
