"""What payments hangs on the dossier: the refund when a paid dossier closes (a dossier hook), the fee
lines and the Pay panel on the dossier pages and the fees column of the staff queue (panels). Registered
in PaymentsConfig.ready(); dossiers never imports payments."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dossiers import panels
from dossiers.hooks import DossierChange, on_dossier_change
from dossiers.models import Dossier

from . import services
from .forms import new_payment_key
from .selectors import payable


@on_dossier_change
def refund_when_dossier_closes(change: DossierChange) -> None:
    """Refused, denied, stopped or withdrawn: pending attempts are cancelled and payments refunded."""
    if change.to_state in services.REFUND_DECISIONS and change.entered(change.to_state):
        services.dossier_closed(dossier=change.dossier, change=change)


@panels.register_panel(
    name="payments.citizen_fee_line", place="citizen.facts", template="payments/_citizen_fee_line.html"
)
def citizen_fee_line(dossier: Dossier, request: HttpRequest | None) -> dict[str, Any] | None:
    return {} if dossier.fee_total else None


@panels.register_panel(
    name="payments.citizen_panel", place="citizen.after_status", template="payments/_citizen_panel.html"
)
def citizen_panel(dossier: Dossier, request: HttpRequest | None) -> dict[str, Any] | None:
    """What is due, its state, the Pay button (with a fresh idempotency key) while the fees are
    outstanding, and the link to the payments, receipts and refunds."""
    if not dossier.code:
        return None
    can_pay = payable(dossier)
    return {
        "stage": dossier.procedure_version.fee_payment_stage,
        "can_pay": can_pay,
        "payment_key": new_payment_key() if can_pay else "",
    }


@panels.register_panel(
    name="payments.staff_fee_line", place="staff.facts", template="payments/_staff_panel.html"
)
def staff_fee_line(dossier: Dossier, request: HttpRequest | None) -> dict[str, Any] | None:
    return {"stage": dossier.procedure_version.fee_payment_stage}


panels.register_queue_column(
    panels.QueueColumn(name="payments.fees", header=_("Fees"), template="payments/_fee_status.html", order=50)
)
