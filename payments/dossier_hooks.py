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
    """The fees in the status card: what is due, its state and the link to the payments, receipts and
    refunds; not while they can be paid (the Pay action at the top of the page says it, once)."""
    if not dossier.fee_total or (dossier.code and payable(dossier)):
        return None
    return {}


@panels.register_panel(
    name="payments.citizen_pay",
    place="citizen.next_action",
    template="payments/_citizen_panel.html",
    order=10,
)
def citizen_pay(dossier: Dossier, request: HttpRequest | None) -> dict[str, Any] | None:
    """The Pay button (with a fresh idempotency key) while the fees are outstanding: the applicant's next
    action, at the top of their dossier page."""
    if not dossier.code or not payable(dossier):
        return None
    return {"stage": dossier.procedure_version.fee_payment_stage, "payment_key": new_payment_key()}


@panels.register_panel(
    name="payments.staff_fee_line", place="staff.facts", template="payments/_staff_panel.html"
)
def staff_fee_line(dossier: Dossier, request: HttpRequest | None) -> dict[str, Any] | None:
    return {"stage": dossier.procedure_version.fee_payment_stage}


panels.register_queue_column(
    panels.QueueColumn(name="payments.fees", header=_("Fees"), template="payments/_fee_status.html", order=50)
)
