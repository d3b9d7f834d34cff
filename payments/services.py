"""Use cases of payments, one transaction each: start a payment, take the gateway's notification, query
attempts left pending, refund when a paid dossier closes, exempt or record a desk payment.

Lock order, everywhere: the dossier row, then its payment attempts, then a refund. The dossier services lock
the dossier before their hooks reach `dossier_closed`, so a notification and a refusal arriving at the same
moment wait for each other instead of deadlocking.

The dossier itself changes only through its own services (settle_fees, exempt_fees, record_fees_refunded).
"""

import datetime
import logging
import re
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from common import clock
from common.tasks import queue_each
from dossiers import policies
from dossiers import services as dossier_services
from dossiers.hooks import DossierChange
from dossiers.models import CLOSED_STATES, OFFICIAL_STATE_NAMES, Dossier, FeeSettlement, State
from notifications.services import notify

from . import gateways
from .gateways import GatewayError, GatewayRejected, Notification
from .models import (
    AttemptState,
    IpnLog,
    IpnOutcome,
    IpnSource,
    PaymentAttempt,
    Refund,
    RefundDecision,
    RefundStatus,
    RefundTry,
)

logger = logging.getLogger(__name__)

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
RSP_MESSAGES = {
    "00": "Confirm Success",
    "01": "Order not found",
    "02": "Order already confirmed",
    "04": "Invalid amount",
    "97": "Invalid Checksum",
    "99": "Unknown error",
}
# The decision that closes a dossier → why its payment goes back.
REFUND_DECISIONS = {
    State.REFUSED: RefundDecision.REFUSED,
    State.DENIED: RefundDecision.DENIED,
    State.STOPPED: RefundDecision.STOPPED,
    State.WITHDRAWN: RefundDecision.WITHDRAWN,
}
REFUND_CLAIM = datetime.timedelta(minutes=5)
REFUND_CREATED_BY = "cong-dvc"


def new_request_id() -> str:
    """vnp_RequestId: unique per API request (and so per day), at most 32 characters."""
    return f"{timezone.localtime():%y%m%d%H%M%S}{secrets.token_hex(6)}"


def _closed(attempt: PaymentAttempt, now) -> None:
    attempt.closed_at = now
    attempt.save()


# --- starting a payment -----------------------------------------------------------------------------------
def order_info(dossier: Dossier) -> str:
    """vnp_OrderInfo: ASCII without diacritics, as the gateway asks."""
    return f"Thanh toan phi le phi ho so {dossier.code}"[:255]


def _check_payable(dossier: Dossier) -> None:
    if dossier.state == State.DRAFT or dossier.state in CLOSED_STATES:
        raise ValidationError(_("This dossier takes no payment now."))
    if dossier.fee_total <= 0:
        raise ValidationError(_("No fee is due for this dossier."))
    if dossier.fees_settled_at is not None:
        raise ValidationError(_("The fees of this dossier are already settled."))
    if dossier.fees_collected_on_delivery():
        raise ValidationError(_("The post office collects the fees when it delivers the result."))


def start_payment(*, dossier: Dossier, payer, idempotency_key: str, payer_ip: str | None = None):
    """The applicant starts paying the fees due. The form's idempotency key makes a double click or a
    retried request return the same attempt; a new attempt cancels the dossier's other pending ones."""
    if not policies.may_pay_online(payer, dossier):
        raise PermissionDenied(_("You may not pay for this dossier."))
    if not IDEMPOTENCY_KEY.match(idempotency_key or ""):
        raise ValidationError(_("The payment form has expired: reload the page and try again."))
    gateway = gateways.active()
    with transaction.atomic():
        dossier = dossier_services.lock(dossier.pk)
        existing = PaymentAttempt.objects.filter(payer=payer, idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.dossier_id != dossier.pk:
                raise ValidationError(_("The payment form has expired: reload the page and try again."))
            return existing
        _check_payable(dossier)
        now = clock.now()
        for pending in PaymentAttempt.objects.select_for_update().filter(
            dossier=dossier, state=AttemptState.PENDING
        ):
            pending.cancel()
            _closed(pending, now)
        attempt = PaymentAttempt(
            dossier=dossier,
            payer=payer,
            gateway=gateway.code,
            idempotency_key=idempotency_key,
            amount=dossier.fee_total,
            order_info=order_info(dossier),
            payer_ip=payer_ip or None,
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=settings.PAYMENT_ATTEMPT_EXPIRY_MINUTES),
        )
        for _try in range(3):  # a random reference that is already taken: draw again
            attempt.txn_ref = gateway.new_txn_ref(now)
            try:
                with transaction.atomic():
                    attempt.save()
                break
            except IntegrityError:
                attempt.pk = None
        else:
            raise RuntimeError("Could not draw a free transaction reference")
        return attempt


# --- the gateway's notification (IPN) -----------------------------------------------------------------------
@dataclass(frozen=True)
class IpnAnswer:
    rsp_code: str
    message: str

    def as_json(self) -> dict:
        return {"RspCode": self.rsp_code, "Message": self.message}


@dataclass(frozen=True)
class Applied:
    outcome: str
    rsp_code: str
    attempt: PaymentAttempt | None = None
    flagged: bool = False
    note: str = ""


def handle_notification(*, gateway_code: str, params, source: str = IpnSource.HTTP) -> IpnAnswer:
    """The gateway's server-to-server notification, in the protocol's order: checksum (97), order (01),
    amount (04), still pending (02 when not), then the update (00). The same code serves the HTTP endpoint
    and the sandbox bank's task. Every notification is logged with the answer given; an error answers 99
    and changes nothing (the gateway sends it again)."""
    started = time.perf_counter()
    params = {str(name): str(value) for name, value in params.items()}
    log = IpnLog(
        received_at=clock.now(),
        gateway=_storable(str(gateway_code))[:10],
        source=source,
        txn_ref=_storable(params.get("vnp_TxnRef", ""))[:40],
        params={_storable(name): _storable(value) for name, value in params.items()},
    )
    try:
        if not gateways.accepts_notifications(gateway_code):
            applied = Applied(IpnOutcome.BAD_SIGNATURE, "97", flagged=True, note="gateway not enabled")
            _write_log(log, applied, started)
            return _answer(applied)
        notification = gateways.get(gateway_code).parse_notification(params)
        with transaction.atomic():
            applied = _apply(gateway_code, notification)
            _write_log(log, applied, started)
    except Exception:
        logger.exception("Payment notification %s failed", log.txn_ref)
        applied = Applied(IpnOutcome.ERROR, "99", flagged=True)
        log.pk = None
        log.attempt = None
        _write_log(log, applied, started)
    return _answer(applied)


def _storable(text: str) -> str:
    """The text as the log can keep it: PostgreSQL refuses NUL in text and JSON, so each NUL is logged as
    U+FFFD (what invalid UTF-8 already became). The signature is checked on what arrived, never on this."""
    return text.replace("\x00", "\ufffd")


def _answer(applied: Applied) -> IpnAnswer:
    return IpnAnswer(applied.rsp_code, RSP_MESSAGES[applied.rsp_code])


def _write_log(log: IpnLog, applied: Applied, started: float) -> None:
    log.outcome = applied.outcome
    log.rsp_code = applied.rsp_code
    log.attempt = applied.attempt
    log.flagged = applied.flagged
    log.note = applied.note[:300]
    log.duration_ms = int((time.perf_counter() - started) * 1000)
    log.save()


def _apply(gateway_code: str, notification: Notification) -> Applied:
    if not notification.valid_signature:
        return Applied(IpnOutcome.BAD_SIGNATURE, "97")
    found = (
        PaymentAttempt.objects.filter(gateway=gateway_code, txn_ref=notification.txn_ref)
        .values_list("pk", "dossier_id")
        .first()
    )
    if found is None:
        return Applied(IpnOutcome.UNKNOWN_ORDER, "01")
    dossier_services.lock(found[1])
    attempt = (
        PaymentAttempt.objects.select_for_update(of=("self",))
        .select_related("dossier__procedure_version", "payer__profile")
        .get(pk=found[0])
    )
    if notification.amount != attempt.amount:
        return Applied(IpnOutcome.BAD_AMOUNT, "04", attempt, flagged=True)
    now = clock.now()
    late = attempt.state in {AttemptState.EXPIRED, AttemptState.CANCELLED}
    if attempt.state != AttemptState.PENDING and not (late and notification.succeeded):
        return Applied(IpnOutcome.REPLAY, "02", attempt)
    attempt.gateway_transaction_no = notification.transaction_no
    attempt.bank_code = notification.bank_code
    attempt.gateway_pay_date = notification.pay_date
    attempt.response_code = notification.response_code
    attempt.transaction_status = notification.transaction_status
    if not notification.succeeded:
        attempt.mark_failed()
        _closed(attempt, now)
        return Applied(IpnOutcome.FAILED, "00", attempt)
    if late:
        attempt.record_late_payment()
        attempt.flagged = True
        attempt.flag_reason = (
            "Tiền về sau khi giao dịch đã hết hạn."
            if attempt.closed_at and attempt.closed_at >= attempt.expires_at
            else "Tiền về cho giao dịch đã hủy."
        )
    else:
        attempt.mark_paid()
    attempt.paid_at = now
    _closed(attempt, now)
    flagged = _money_received(attempt, now) or late
    outcome = IpnOutcome.LATE_PAYMENT if late else IpnOutcome.PAID
    return Applied(outcome, "00", attempt, flagged=flagged, note=attempt.flag_reason)


def _money_received(attempt: PaymentAttempt, now) -> bool:
    """The money is ours: it settles the dossier's fees, or, when nothing was due any more (paid twice,
    exempted, closed), it goes back at once. Returns True when the payment was not due (flagged)."""
    dossier = attempt.dossier
    try:
        with transaction.atomic():
            settled = dossier_services.settle_fees(
                dossier=dossier,
                settlement=FeeSettlement.PAID_ONLINE,
                reference=attempt.txn_ref,
                amount=attempt.amount,
                by=attempt.payer,
            )
    except ValidationError:  # FeesNotPayable: closed, or nothing due
        settled = False
    if settled:
        notify(
            recipient=attempt.payer,
            event="payment_received",
            context={"amount": attempt.amount, "reference": attempt.txn_ref},
            dossier=dossier,
            dedupe_key=f"payment-received-{attempt.pk}",
        )
        return False
    dossier.refresh_from_db(fields=["fees_settled_at", "fees_settlement", "fees_reference", "state"])
    if dossier.fees_settlement == FeeSettlement.EXEMPT:
        reason = "Khoản phí, lệ phí của hồ sơ đã được miễn trước khi tiền về."
    elif dossier.fees_settled_at is not None:
        reason = f"Thanh toán trùng: phí, lệ phí đã được thanh toán ({dossier.fees_reference or 'tại quầy'})."
    else:
        state = OFFICIAL_STATE_NAMES[State(dossier.state)]
        reason = f"Hồ sơ không còn nhận thanh toán (trạng thái: {state})."
    attempt.flagged = True
    attempt.flag_reason = (f"{attempt.flag_reason} {reason}" if attempt.flag_reason else reason)[:300]
    attempt.save()
    _open_refund(attempt, dossier, RefundDecision.NOT_DUE, now, reason=reason)
    return True


# --- attempts left pending ----------------------------------------------------------------------------------
def stale_attempt_ids(now=None, limit: int = 200) -> list[int]:
    """Attempts still pending PAYMENT_QUERY_AFTER_MINUTES after they started (not asked in the last 5)."""
    now = now or clock.now()
    cutoff = now - datetime.timedelta(minutes=settings.PAYMENT_QUERY_AFTER_MINUTES)
    return list(
        PaymentAttempt.objects.filter(state=AttemptState.PENDING, created_at__lte=cutoff)
        .filter(Q(last_queried_at__isnull=True) | Q(last_queried_at__lte=now - datetime.timedelta(minutes=5)))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def check_attempt(*, attempt_id: int) -> str:
    """Ask the gateway (querydr) about an attempt still pending: a lost notification must not leave a
    citizen who paid stuck as unpaid. Paid or failed at the bank: applied as a notification would be.
    Unknown or unfinished at the bank and past its expiry: expired. Gateway unreachable: asked again later."""
    attempt = PaymentAttempt.objects.filter(pk=attempt_id).first()
    if attempt is None or attempt.state != AttemptState.PENDING:
        return "done"
    now = clock.now()
    PaymentAttempt.objects.filter(pk=attempt.pk).update(last_queried_at=now)
    try:
        result = gateways.get(attempt.gateway).query(attempt, request_id=new_request_id())
    except (GatewayError, GatewayRejected) as error:
        logger.warning("querydr for %s failed: %s", attempt.txn_ref, error)
        return "error"
    if result.succeeded or result.failed:
        started = time.perf_counter()
        notification = Notification(
            valid_signature=True,  # the API answer's signature was checked by the gateway
            txn_ref=attempt.txn_ref,
            amount=result.amount,
            response_code="00",
            transaction_status=result.transaction_status,
            transaction_no=result.transaction_no,
            bank_code=result.bank_code,
            pay_date=result.pay_date,
        )
        log = IpnLog(
            received_at=now, gateway=attempt.gateway, source=IpnSource.QUERY, txn_ref=attempt.txn_ref,
            params=result.raw,
        )  # fmt: skip
        with transaction.atomic():
            applied = _apply(attempt.gateway, notification)
            _write_log(log, applied, started)
        return applied.outcome
    if now < attempt.expires_at:
        return "pending"
    with transaction.atomic():
        dossier_services.lock(attempt.dossier_id)
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.state != AttemptState.PENDING:
            return "done"
        attempt.expire()
        _closed(attempt, now)
    return "expired"


# --- refunds ---------------------------------------------------------------------------------------------
def dossier_closed(*, dossier: Dossier, change: DossierChange) -> list[Refund]:
    """A dossier was refused, denied, stopped or withdrawn (a dossier hook, inside the dossier service's
    transaction, after the decision is saved): pending attempts are cancelled and every payment received
    starts its refund at once, the voucher carrying the decision's reason and who took it."""
    decision = REFUND_DECISIONS.get(State(change.to_state))
    if decision is None:
        return []
    now = clock.now()
    actor = change.actor
    refunds = []
    for attempt in PaymentAttempt.objects.select_for_update().filter(
        dossier=dossier, state__in=[AttemptState.PENDING, AttemptState.PAID]
    ):
        if attempt.state == AttemptState.PENDING:
            attempt.cancel()
            _closed(attempt, now)
        else:
            refunds.append(
                _open_refund(
                    attempt,
                    dossier,
                    decision,
                    now,
                    reason=dossier.closed_reason,
                    decided_at=dossier.decided_at or change.event.at,
                    decided_by=actor.get_full_name() if actor is not None else "",
                )
            )
    return refunds


def _open_refund(
    attempt: PaymentAttempt,
    dossier: Dossier,
    decision: str,
    now: datetime.datetime,
    *,
    reason: str = "",
    decided_at: datetime.datetime | None = None,
    decided_by: str = "",
) -> Refund:
    attempt.start_refund()
    attempt.save()
    version = dossier.procedure_version
    refund = Refund.objects.create(
        attempt=attempt,
        dossier=dossier,
        amount=attempt.amount,
        requested_at=now,
        voucher_number=f"HT-{timezone.localtime(now):%Y%m%d}-{attempt.pk:06d}",
        payment_reference=attempt.txn_ref,
        payment_transaction_no=attempt.gateway_transaction_no,
        paid_at=attempt.paid_at,
        payer_name=dossier.applicant_name or attempt.payer.get_full_name(),
        payer_id_number=dossier.applicant_id_number,
        payer_address=dossier.applicant_address,
        dossier_code=dossier.code or "",
        procedure_name=version.name[:500],
        agency_name=(dossier.handling_agency or dossier.receiving_agency).name[:300],
        decision=decision,
        decided_at=decided_at or now,
        decided_by=decided_by[:150],
        reason=reason,
    )
    transaction.on_commit(lambda: queue_refund(refund.pk), robust=True)
    return refund


def queue_refund(refund_id: int) -> None:
    from .tasks import send_refund

    queue_each(send_refund, [refund_id])  # a broker that is down: resend_stalled_refunds sends it later


def send_refund(*, refund_id: int) -> str:
    """One try at giving a payment back. Claimed by a conditional UPDATE (two workers, or a task delivered
    twice, never send it twice); a try after a failed one first asks the gateway whether the earlier request
    got through. Raises GatewayError for a transient failure (the task retries with backoff)."""
    now = clock.now()
    claimed = (
        Refund.objects.filter(pk=refund_id, status=RefundStatus.PENDING)
        .filter(Q(sending_since__isnull=True) | Q(sending_since__lt=now - REFUND_CLAIM))
        .update(sending_since=now, next_try_at=None)
    )
    if not claimed:
        return "skipped"
    refund = Refund.objects.select_related("attempt", "dossier").get(pk=refund_id)
    gateway = gateways.get(refund.attempt.gateway)
    request_id = new_request_id()
    try:
        if refund.tries and _already_refunded(gateway, refund.attempt):
            _finish_refund(refund.pk, request_id, transaction_no="", note="confirmed by querydr")
            return "succeeded"
        result = gateway.refund(refund, request_id=request_id, created_by=REFUND_CREATED_BY)
    except GatewayError as error:
        _failed_try(refund, request_id, "error", str(error), final=False)
        raise
    except GatewayRejected as error:
        _failed_try(refund, request_id, "rejected", str(error), final=True)
        return "failed"
    _finish_refund(refund.pk, request_id, transaction_no=result.transaction_no, note=result.message)
    return "succeeded"


def _already_refunded(gateway, attempt: PaymentAttempt) -> bool:
    try:
        return gateway.query(attempt, request_id=new_request_id()).refunded
    except (GatewayError, GatewayRejected):
        return False


def _failed_try(refund: Refund, request_id: str, outcome: str, message: str, *, final: bool) -> None:
    with transaction.atomic():
        RefundTry.objects.create(
            refund=refund, at=clock.now(), request_id=request_id, outcome=outcome, message=message[:300]
        )
        fields = {"tries": refund.tries + 1, "last_error": message[:300], "sending_since": None}
        if final:
            fields["status"] = RefundStatus.FAILED
        Refund.objects.filter(pk=refund.pk).update(**fields)


def schedule_retry(*, refund_id: int, countdown: int) -> None:
    Refund.objects.filter(pk=refund_id, status=RefundStatus.PENDING).update(
        next_try_at=clock.now() + datetime.timedelta(seconds=countdown)
    )


def give_up_refund(*, refund_id: int) -> None:
    """Out of retries: finance staff see it on the reconciliation page and can send it again."""
    Refund.objects.filter(pk=refund_id, status=RefundStatus.PENDING).update(
        status=RefundStatus.FAILED, sending_since=None, next_try_at=None
    )


def _finish_refund(refund_id: int, request_id: str, *, transaction_no: str, note: str) -> None:
    with transaction.atomic():
        refund = Refund.objects.get(pk=refund_id)
        dossier_services.lock(refund.dossier_id)
        attempt = PaymentAttempt.objects.select_for_update().get(pk=refund.attempt_id)
        refund = Refund.objects.select_for_update().select_related("dossier").get(pk=refund_id)
        if refund.status == RefundStatus.SUCCEEDED:
            return
        now = clock.now()
        RefundTry.objects.create(
            refund=refund,
            at=now,
            request_id=request_id,
            outcome="succeeded",
            response_code="00",
            message=note[:300],
        )
        refund.status = RefundStatus.SUCCEEDED
        refund.completed_at = now
        refund.tries += 1
        refund.sending_since = None
        refund.next_try_at = None
        refund.last_error = ""
        refund.gateway_refund_no = transaction_no
        refund.save()
        attempt.mark_refunded()
        _closed(attempt, now)
        dossier = refund.dossier
        if dossier.fees_settlement == FeeSettlement.PAID_ONLINE and dossier.fees_reference == attempt.txn_ref:
            dossier_services.record_fees_refunded(
                dossier=dossier, reference=attempt.txn_ref, amount=refund.amount
            )
        notify(
            recipient=attempt.payer,
            event="refund_issued",
            context={"amount": refund.amount, "reference": attempt.txn_ref},
            dossier=dossier,
            dedupe_key=f"refund-issued-{refund.pk}",
        )


def stalled_refund_ids(now=None) -> list[int]:
    """Refunds whose task was lost (broker down at commit, worker killed): never sent, a claim that ran
    out, or a retry long overdue."""
    now = now or clock.now()
    late = now - REFUND_CLAIM
    return list(
        Refund.objects.filter(status=RefundStatus.PENDING)
        .filter(
            Q(sending_since__isnull=True, next_try_at__isnull=True, requested_at__lt=late)
            | Q(sending_since__lt=late)
            | Q(next_try_at__lt=late)
        )
        .values_list("pk", flat=True)[:200]
    )


def retry_refund(*, refund: Refund, by) -> Refund:
    """Finance staff send a failed refund again (after fixing what the gateway refused)."""
    if not (by.is_superuser or by.role == Role.FINANCE):
        raise PermissionDenied(_("Only finance staff may send a refund again."))
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != RefundStatus.FAILED:
            raise ValidationError(_("This refund is not waiting for finance staff."))
        refund.status = RefundStatus.PENDING
        refund.sending_since = None
        refund.next_try_at = None
        refund.save()
        transaction.on_commit(lambda: queue_refund(refund.pk), robust=True)
        return refund


# --- the desk: exemption and payment in cash --------------------------------------------------------------
def _cancel_pending(dossier: Dossier) -> None:
    now = clock.now()
    for attempt in PaymentAttempt.objects.select_for_update().filter(
        dossier=dossier, state=AttemptState.PENDING
    ):
        attempt.cancel()
        _closed(attempt, now)


def exempt_fees(*, dossier: Dossier, clerk, reason: str, expected_version: int | None = None) -> Dossier:
    """A clerk waives the fees with a reason (audited by the dossier service); attempts still open are
    cancelled, so money that arrives for them later is flagged and given back."""
    with transaction.atomic():
        dossier_services.lock(dossier.pk)
        _cancel_pending(dossier)
        return dossier_services.exempt_fees(
            dossier=dossier, clerk=clerk, reason=reason, expected_version=expected_version
        )


def record_desk_payment(
    *, dossier: Dossier, clerk, receipt_number: str, expected_version: int | None = None
) -> Dossier:
    """The applicant paid at the one-stop-shop desk (cash or card terminal): the clerk records the receipt."""
    with transaction.atomic():
        locked = dossier_services.lock(dossier.pk)
        if expected_version is not None and locked.lock_version != expected_version:
            raise dossier_services.DossierChanged
        _cancel_pending(locked)
        settled = dossier_services.settle_fees(
            dossier=locked,
            settlement=FeeSettlement.PAID_AT_DESK,
            reference=receipt_number,
            amount=locked.fee_total,
            by=clerk,
        )
        if not settled:
            raise ValidationError(_("The fees of this dossier are already settled."))
        return Dossier.objects.get(pk=locked.pk)
