"""Fees, as the dossier sees them: settled (paid online, at the desk, on delivery), exempted, refunded. The
payments and postal apps call these; how money moves (gateways, receipts, cash on delivery) is theirs."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.types import Actor

from .. import policies
from ..models import CLOSED_STATES, Dossier, DossierEvent, FeeSettlement, State
from .base import Change, changing, require
from .filing import start_intake_clock

Action = DossierEvent.Action


class FeesNotPayable(ValidationError):
    """The dossier takes no payment now: a draft, closed, or nothing is due."""


def check_fees_open(dossier: Dossier) -> None:
    if dossier.state == State.DRAFT or dossier.state in CLOSED_STATES:
        raise FeesNotPayable(_("This dossier takes no payment now."))
    if dossier.fee_total <= 0:
        raise FeesNotPayable(_("No fee is due for this dossier."))


def _mark_settled(change: Change, *, settlement: str, reference: str, by: Actor | None) -> None:
    """A dossier waiting for its at-filing fee starts its 8-hour answer clock now."""
    dossier = change.dossier
    dossier.fees_settled_at = change.now
    dossier.fees_settlement = settlement
    dossier.fees_reference = reference
    dossier.fees_settled_by = by if by is not None and by.is_authenticated else None
    if dossier.state == State.SUBMITTED and dossier.intake_deadline is None:
        start_intake_clock(dossier, change.now)


def settle_fees(
    *, dossier: Dossier, settlement: str, reference: str, amount: int, by: Actor | None = None
) -> bool:
    """Record that the fees are paid: online (the payments app, after the gateway confirmed it), at the
    desk (a clerk of the receiving agency, with the receipt number) or on delivery (the postal app: cash
    collected by the post office). `amount` must be the whole fee. Returns False when the fees were
    already settled: nothing changes (the caller refunds a double payment)."""
    payments = {FeeSettlement.PAID_ONLINE, FeeSettlement.PAID_AT_DESK, FeeSettlement.PAID_ON_DELIVERY}
    if settlement not in payments:
        raise ValueError(f"Not a payment: {settlement!r}")
    if settlement == FeeSettlement.PAID_AT_DESK:
        require(by is not None and policies.may_take_desk_payment(by, dossier))
    if not reference.strip():
        raise ValidationError(_("Give the payment reference or the receipt number."))
    with changing(dossier) as change:
        dossier = change.dossier
        if dossier.fees_settled_at is not None:
            change.skip()
            return False
        check_fees_open(dossier)
        if amount != dossier.fee_total:
            raise ValidationError(
                _("The amount paid (%(paid)s đ) is not the amount due (%(due)s đ).")
                % {"paid": f"{amount:,}", "due": f"{dossier.fee_total:,}"}
            )
        _mark_settled(change, settlement=settlement, reference=reference.strip()[:100], by=by)
        change.record(
            Action.PAY_FEES,
            actor=by,
            agency=dossier.receiving_agency if settlement == FeeSettlement.PAID_AT_DESK else None,
            data={"settlement": settlement, "reference": dossier.fees_reference, "amount": amount},
        )
        return True


def exempt_fees(
    *, dossier: Dossier, clerk: Actor, reason: str, expected_version: int | None = None
) -> Dossier:
    """A clerk of the receiving agency waives the fees (e.g. a person the fee rules exempt); the reason is
    required and kept in the audit trail."""
    require(policies.may_take_desk_payment(clerk, dossier))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the exemption (the rule that applies)."))
    with changing(dossier, expected_version=expected_version) as change:
        dossier = change.dossier
        if dossier.fees_settled_at is not None:
            raise ValidationError(_("The fees of this dossier are already settled."))
        check_fees_open(dossier)
        _mark_settled(change, settlement=FeeSettlement.EXEMPT, reference="", by=clerk)
        change.record(
            Action.EXEMPT_FEES,
            actor=clerk,
            note=reason.strip(),
            agency=dossier.receiving_agency,
            data={"amount": dossier.fee_total},
        )
        return dossier


def record_fees_refunded(*, dossier: Dossier, reference: str, amount: int) -> Dossier:
    """The payment that settled the fees was given back (the payments app, once the gateway confirmed)."""
    with changing(dossier) as change:
        dossier = change.dossier
        if dossier.fees_refunded_at is not None:
            change.skip()
            return dossier
        dossier.fees_refunded_at = change.now
        change.record(Action.REFUND_FEES, actor=None, data={"reference": reference, "amount": amount})
        return dossier
