"""Payments of dossier fees through a bank gateway, the notifications the gateway sends, refunds with the data
of a state-budget refund voucher, and the daily reconciliation against the gateway's settlement file.

Amounts are whole đồng (integers). A payment attempt is one trip to the gateway (one vnp_TxnRef); only the
gateway's signed server-to-server notification (or its query API) moves an attempt to paid, never the
browser coming back.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from common.audit import APPEND_ONLY, AppendOnlyModel
from common.predicates import FieldIs
from dossiers.models import Dossier


class Gateway(models.TextChoices):
    SANDBOX = "sandbox", _("Sandbox bank (demo)")
    VNPAY = "vnpay", _("VNPay")


class AttemptState(models.TextChoices):
    PENDING = "pending", _("Waiting for the bank")
    PAID = "paid", _("Paid")
    FAILED = "failed", pgettext_lazy("payment state", "Failed")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")
    REFUND_PENDING = "refund_pending", _("Being refunded")
    REFUNDED = "refunded", _("Refunded")


# States in which the money reached us (a receipt exists).
MONEY_RECEIVED = [AttemptState.PAID, AttemptState.REFUND_PENDING, AttemptState.REFUNDED]


class PaymentAttemptQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The payer and the dossier's owners see an attempt; staff see those of dossiers they may see."""
        return self.filter(dossier__in=Dossier.objects.visible_to(user))


class PaymentAttempt(FSMModelMixin, models.Model):
    """One attempt to pay a dossier's fees at a gateway: pending → paid | failed | expired | cancelled;
    paid → refund_pending → refunded."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="payment_attempts", verbose_name=_("dossier")
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="payment_attempts",
        verbose_name=_("payer"),
    )
    gateway = models.CharField(_("gateway"), max_length=10, choices=Gateway.choices)
    txn_ref = models.CharField(_("transaction reference"), max_length=40)
    idempotency_key = models.CharField(max_length=64)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    order_info = models.CharField(_("order description"), max_length=255)
    payer_ip = models.GenericIPAddressField(null=True, blank=True)
    state = FSMField(_("state"), default=AttemptState.PENDING, choices=AttemptState.choices, protected=True)

    created_at = models.DateTimeField(_("started"))
    expires_at = models.DateTimeField(_("expires"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_queried_at = models.DateTimeField(null=True, blank=True)

    # What the gateway reported.
    gateway_transaction_no = models.CharField(_("gateway transaction number"), max_length=40, blank=True)
    bank_code = models.CharField(_("bank"), max_length=20, blank=True)
    gateway_pay_date = models.CharField(max_length=14, blank=True, help_text="yyyyMMddHHmmss, GMT+7")
    response_code = models.CharField(max_length=4, blank=True)
    transaction_status = models.CharField(max_length=4, blank=True)

    flagged = models.BooleanField(_("flagged"), default=False)
    flag_reason = models.CharField(_("why flagged"), max_length=300, blank=True)

    objects = PaymentAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment attempt")
        verbose_name_plural = _("payment attempts")
        constraints = [
            models.UniqueConstraint(fields=["gateway", "txn_ref"], name="unique_gateway_txn_ref"),
            models.UniqueConstraint(
                fields=["payer", "idempotency_key"], name="unique_payment_idempotency_key"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["dossier", "state"]),
        ]

    def __str__(self):
        return f"{self.txn_ref} ({self.amount:,} đ)"

    money_received = FieldIs("state", *MONEY_RECEIVED)
    # Sent to the bank, no final answer yet.
    is_pending = FieldIs("state", AttemptState.PENDING)
    # The bank said the payment did not go through.
    is_failed = FieldIs("state", AttemptState.FAILED)

    # --- the state machine (fields only; services lock and record) -----------------------------------
    @transition(field=state, source=AttemptState.PENDING, target=AttemptState.PAID)
    def mark_paid(self):
        pass

    @transition(field=state, source=[AttemptState.EXPIRED, AttemptState.CANCELLED], target=AttemptState.PAID)
    def record_late_payment(self):
        """The bank took the money after the portal gave up on the attempt: recorded, never lost."""

    @transition(field=state, source=AttemptState.PENDING, target=AttemptState.FAILED)
    def mark_failed(self):
        pass

    @transition(field=state, source=AttemptState.PENDING, target=AttemptState.EXPIRED)
    def expire(self):
        pass

    @transition(field=state, source=AttemptState.PENDING, target=AttemptState.CANCELLED)
    def cancel(self):
        pass

    @transition(field=state, source=AttemptState.PAID, target=AttemptState.REFUND_PENDING)
    def start_refund(self):
        pass

    @transition(field=state, source=AttemptState.REFUND_PENDING, target=AttemptState.REFUNDED)
    def mark_refunded(self):
        pass


class IpnOutcome(models.TextChoices):
    PAID = "paid", _("Payment recorded")
    FAILED = "failed", _("Failure recorded")
    LATE_PAYMENT = "late_payment", _("Payment for an expired or cancelled attempt")
    REPLAY = "replay", _("Already confirmed")
    BAD_SIGNATURE = "bad_signature", _("Invalid signature")
    UNKNOWN_ORDER = "unknown_order", _("Unknown transaction")
    BAD_AMOUNT = "bad_amount", _("Wrong amount")
    ERROR = "error", _("Error")


class IpnSource(models.TextChoices):
    HTTP = "http", _("Gateway notification (HTTP)")
    SANDBOX = "sandbox", _("Sandbox bank notification (task)")
    QUERY = "query", _("Gateway query (querydr)")


class IpnLog(AppendOnlyModel):
    """Every notification received (and every query answer applied), with the answer given: the trail that
    shows a payment was never lost, and what reconciliation and support read. Append-only."""

    received_at = models.DateTimeField(_("received"), db_index=True)
    gateway = models.CharField(_("gateway"), max_length=10, choices=Gateway.choices)
    source = models.CharField(_("source"), max_length=10, choices=IpnSource.choices)
    txn_ref = models.CharField(_("transaction reference"), max_length=40, blank=True, db_index=True)
    attempt = models.ForeignKey(
        PaymentAttempt, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    params = models.JSONField(_("parameters"), default=dict)
    outcome = models.CharField(_("outcome"), max_length=15, choices=IpnOutcome.choices)
    rsp_code = models.CharField(_("answer code"), max_length=2)
    flagged = models.BooleanField(_("flagged"), default=False)
    note = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("gateway notification")
        verbose_name_plural = _("gateway notifications")
        triggers = [APPEND_ONLY]

    def __str__(self):
        return f"{self.txn_ref} {self.outcome} → {self.rsp_code}"


class RefundDecision(models.TextChoices):
    """Why the money goes back: the decision that closed the dossier, or a payment that was not due."""

    REFUSED = "refused", _("Refused at intake")
    DENIED = "denied", _("Denied")
    STOPPED = "stopped", _("Processing stopped")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    NOT_DUE = "not_due", _("Paid when nothing was due (paid twice, exempted or closed)")


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Being sent to the bank")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Failed: needs finance staff")


class Refund(models.Model):
    """A payment given back, with everything the state-budget refund voucher needs (Circular 01/2023/TT-VPCP
    art. 30), so the officer who signs it fills in nothing."""

    attempt = models.OneToOneField(
        PaymentAttempt, on_delete=models.PROTECT, related_name="refund", verbose_name=_("payment")
    )
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    status = models.CharField(
        _("status"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    requested_at = models.DateTimeField(_("requested"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    sending_since = models.DateTimeField(null=True, blank=True, help_text="Claimed by a worker since.")
    next_try_at = models.DateTimeField(null=True, blank=True, help_text="When the scheduled retry is due.")
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    gateway_refund_no = models.CharField(_("refund transaction number"), max_length=40, blank=True)

    # The voucher (giấy đề nghị hoàn trả): the payment, the payer, the decision and its reason.
    voucher_number = models.CharField(_("voucher number"), max_length=30, unique=True)
    payment_reference = models.CharField(_("payment transaction reference"), max_length=40)
    payment_transaction_no = models.CharField(_("gateway transaction number"), max_length=40, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    payer_name = models.CharField(_("payer"), max_length=150)
    payer_id_number = models.CharField(_("personal identification number"), max_length=12, blank=True)
    payer_address = models.CharField(_("address"), max_length=300, blank=True)
    dossier_code = models.CharField(_("dossier code"), max_length=40)
    procedure_name = models.CharField(_("procedure"), max_length=500)
    agency_name = models.CharField(_("agency"), max_length=300)
    decision = models.CharField(_("decision"), max_length=10, choices=RefundDecision.choices)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self):
        return f"{self.voucher_number} — {self.amount:,} đ"

    # The gateway gave the money back (`completed_at` says when).
    succeeded = FieldIs("status", RefundStatus.SUCCEEDED)
    # The gateway could not refund: finance staff send it again.
    failed = FieldIs("status", RefundStatus.FAILED)


class RefundTry(AppendOnlyModel):
    """One call to the gateway's refund API: kept so support can see every try and its answer.
    Append-only."""

    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, related_name="tries_made")
    at = models.DateTimeField()
    request_id = models.CharField(max_length=32, unique=True)
    outcome = models.CharField(max_length=20)
    response_code = models.CharField(max_length=4, blank=True)
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        triggers = [APPEND_ONLY]

    def __str__(self):
        return f"{self.request_id} {self.outcome}"


class SettlementFile(models.Model):
    """The gateway's list of transactions of one day (from its merchant portal or SFTP), imported by finance
    staff or fetched by the daily task; the latest file of a day and gateway is the one reconciled."""

    gateway = models.CharField(_("gateway"), max_length=10, choices=Gateway.choices)
    day = models.DateField(_("day"))
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(_("imported"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("settlement file")
        verbose_name_plural = _("settlement files")
        indexes = [models.Index(fields=["gateway", "day", "-imported_at"])]

    def __str__(self):
        return f"{self.get_gateway_display()} {self.day:%d/%m/%Y} ({self.file_name})"


class SettlementKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")


class SettlementLine(models.Model):
    file = models.ForeignKey(SettlementFile, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=8, choices=SettlementKind.choices)
    txn_ref = models.CharField(max_length=40)
    transaction_no = models.CharField(max_length=40, blank=True)
    amount = models.PositiveBigIntegerField()
    bank_code = models.CharField(max_length=20, blank=True)
    at = models.DateTimeField()
    succeeded = models.BooleanField()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["file", "txn_ref"])]

    def __str__(self):
        return f"{self.kind} {self.txn_ref} {self.amount:,}"


class ReconciliationRun(models.Model):
    """The result of reconciling one day and gateway: the portal's totals against the gateway's file,
    and how many mismatches (the list is recomputed on the page, from the same rows)."""

    gateway = models.CharField(_("gateway"), max_length=10, choices=Gateway.choices)
    day = models.DateField(_("day"))
    ran_at = models.DateTimeField(_("run at"))
    settlement_file = models.ForeignKey(SettlementFile, null=True, blank=True, on_delete=models.SET_NULL)
    portal_count = models.PositiveIntegerField(default=0)
    portal_total = models.PositiveBigIntegerField(default=0)
    gateway_count = models.PositiveIntegerField(default=0)
    gateway_total = models.PositiveBigIntegerField(default=0)
    portal_refund_count = models.PositiveIntegerField(default=0)
    portal_refund_total = models.PositiveBigIntegerField(default=0)
    gateway_refund_count = models.PositiveIntegerField(default=0)
    gateway_refund_total = models.PositiveBigIntegerField(default=0)
    mismatch_count = models.PositiveIntegerField(default=0)
    mismatches = models.JSONField(default=list)

    class Meta:
        ordering = ["-day", "gateway"]
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        constraints = [models.UniqueConstraint(fields=["gateway", "day"], name="one_reconciliation_per_day")]

    def __str__(self):
        return f"{self.get_gateway_display()} {self.day:%d/%m/%Y}: {self.mismatch_count}"


class SandboxTransaction(models.Model):
    """The sandbox bank's own books (it plays the gateway in demos and browser tests): what it charged and
    refunded, so its query API and settlement file tell the truth, as a real bank's would."""

    txn_ref = models.CharField(max_length=40, unique=True)
    transaction_no = models.CharField(max_length=20, unique=True)
    amount = models.PositiveBigIntegerField()
    order_info = models.CharField(max_length=255)
    bank_code = models.CharField(max_length=20, default="NCB")
    response_code = models.CharField(max_length=2)
    transaction_status = models.CharField(max_length=2)
    created_date = models.CharField(max_length=14, help_text="vnp_CreateDate of the payment request")
    pay_date = models.CharField(max_length=14)
    at = models.DateTimeField()
    refunded_at = models.DateTimeField(null=True, blank=True)
    refund_transaction_no = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.txn_ref} {self.response_code}"

    @property
    def succeeded(self) -> bool:
        return self.response_code == "00" and self.transaction_status == "00"
