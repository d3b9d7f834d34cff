"""The postal panel on the dossier pages and the queue's alert, without dossiers importing postal: the
dossier templates load this library ({% load postal_tracking %})."""

from django import template

from .. import selectors, services
from ..models import NEEDS_DESK, OrderStatus

register = template.Library()

PANEL_EVENTS = 6


@register.inclusion_tag("postal/_panel.html", takes_context=True)
def delivery_panel(context, dossier):
    """The dossier's parcel: status, tracking number, address, the latest events; for staff, the alert
    when the desk must act and the links to the label and the order page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    orders = selectors.orders_of(dossier) if dossier.return_channel == "post" else []
    if not orders:
        return {"order": None}
    order = orders[0]
    for_staff = bool(user and user.is_authenticated and user.is_staff_role)
    events = [
        e for e in order.events.all() if for_staff or e.from_carrier or e.code in {"created", "cancelled"}
    ]
    return {
        "order": order,
        "earlier": orders[1:],
        "events": list(reversed(events))[:PANEL_EVENTS],
        "for_staff": for_staff,
        "needs_desk": for_staff and dossier.state == "result_ready" and order.status in NEEDS_DESK,
        "may_send_again": for_staff
        and dossier.state == "result_ready"
        and order.status in NEEDS_DESK
        and order.status != OrderStatus.DELIVERED
        and services.may_act(user, order),
        "statuses": OrderStatus,
    }


@register.simple_tag
def postal_desk_alerts(dossiers) -> set[int]:
    """The ids, among `dossiers` (a page of the queue), of those whose parcel needs the desk: one query."""
    return selectors.dossiers_needing_desk(dossier.pk for dossier in dossiers)
