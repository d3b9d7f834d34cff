"""Read queries shared by the citizen's and the staff's payment pages."""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from dossiers import selectors as dossier_selectors
from dossiers.models import CLOSED_STATES, Channel, Dossier, State

from .models import AttemptState, IpnLog, PaymentAttempt, Refund, RefundStatus


@dataclass(frozen=True)
class FeeLine:
    """One fee or charge of the dossier's procedure version, and what this dossier owes for it."""

    description: str
    kind: str
    amount: int
    discount_percent: int
    due: int


def fee_lines(dossier: Dossier) -> list[FeeLine]:
    """What is due and why: the catalogue's fees of the version the dossier was filed under, with the
    online-filing discount when it was filed online and the lines that follow a form answer — the rule
    that computed dossier.fee_total (dossiers.selectors.due_fee_lines). A line not charged for the
    answers given (e.g. a third copy nobody asked for) is left out."""
    online = dossier.channel == Channel.ONLINE
    return [
        FeeLine(
            description=(f"{line.description} × {line.units}" if line.fee.is_counted else line.description),
            kind=line.fee.get_kind_display(),
            amount=line.fee.amount * line.units,
            discount_percent=line.fee.online_discount_percent if online else 0,
            due=line.due,
        )
        for line in dossier_selectors.due_fee_lines(dossier)
    ]


def payable(dossier: Dossier) -> bool:
    """The dossier owes its fees and takes a payment now."""
    return (
        dossier.fees_outstanding()
        and dossier.state not in {State.DRAFT, *CLOSED_STATES}
        and not dossier.fees_collected_on_delivery()
    )


def attempts_of(dossier: Dossier) -> list[PaymentAttempt]:
    return list(dossier.payment_attempts.select_related("refund").order_by("-created_at", "-pk"))


def pending_attempt(attempts: list[PaymentAttempt]) -> PaymentAttempt | None:
    return next((a for a in attempts if a.state == AttemptState.PENDING), None)


def notifications_of(attempts: list[PaymentAttempt]) -> list[IpnLog]:
    return list(IpnLog.objects.filter(attempt__in=attempts).order_by("-received_at", "-pk")[:50])


def refunds_needing_attention(limit: int) -> list[Refund]:
    """Refunds the gateway refused, or that are being retried: the reconciliation page's to-do list."""
    return list(
        Refund.objects.filter(Q(status=RefundStatus.FAILED) | Q(status=RefundStatus.PENDING, tries__gt=0))
        .select_related("attempt")
        .order_by("requested_at")[:limit]
    )


def flagged_payments(day: datetime.date, gateway: str) -> list[PaymentAttempt]:
    """Money received on `day` that the portal could not apply (paid twice, after closing…)."""
    return list(
        PaymentAttempt.objects.filter(flagged=True, paid_at__date=day, gateway=gateway)
        .select_related("dossier")
        .order_by("paid_at")
    )
