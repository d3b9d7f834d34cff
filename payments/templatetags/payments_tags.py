"""The fees on the dossier pages and the queue, without dossiers importing payments: the dossier templates
load this library ({% load payments_tags %}). Everything shown comes from the dossier's own fee fields (set
through the dossier services), so a queue page costs no extra query."""

from django import template

from ..forms import new_payment_key
from ..selectors import payable

register = template.Library()


@register.inclusion_tag("payments/_fee_status.html")
def fee_status(dossier):
    """Paid / exempted / refunded / not paid yet, in one line."""
    return {"dossier": dossier}


@register.inclusion_tag("payments/_citizen_panel.html", takes_context=True)
def fees_panel(context, dossier):
    """The citizen's dossier page: what is due, its state, the Pay button (with a fresh idempotency key)
    while the fees are outstanding, and the link to the payments, receipts and refunds."""
    can_pay = payable(dossier)
    return {
        "dossier": dossier,
        "stage": dossier.procedure_version.fee_payment_stage,
        "can_pay": can_pay,
        "payment_key": new_payment_key() if can_pay else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("payments/_staff_panel.html")
def fees_staff_line(dossier):
    """The staff's dossier page: the fees' state and the link to the payment page (exemption, desk)."""
    return {"dossier": dossier, "stage": dossier.procedure_version.fee_payment_stage}
