"""What postal hangs on the dossier: the delivery order when a result going by post is ready, stopping a
planned parcel when the desk hands the result over (dossier hooks); the parcel's panel on the dossier
pages and the "parcel needs the desk" flag in the staff queue (panels). Registered in PostalConfig.ready();
dossiers never imports postal."""

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dossiers import panels
from dossiers.hooks import DossierChange, on_dossier_change
from dossiers.models import Dossier, ReturnChannel, State

from . import selectors, services
from .models import NEEDS_DESK

PANEL_EVENTS = 6


@on_dossier_change
def deliver_result_by_post(change: DossierChange) -> None:
    dossier = change.dossier
    if dossier.return_channel != ReturnChannel.POST:
        return
    if change.entered(State.RESULT_READY):
        services.create_order_for(dossier=dossier)
    elif change.entered(State.RETURNED) and change.from_state == State.RESULT_READY:
        services.dossier_returned_elsewhere(dossier=dossier)


def delivery_panel(dossier: Dossier, request: HttpRequest | None) -> dict[str, Any] | None:
    """The dossier's parcel: status, tracking number, address, the latest events; for staff, the alert
    when the desk must act and the links to the label and the order page."""
    if dossier.return_channel != ReturnChannel.POST:
        return None
    orders = selectors.orders_of(dossier)
    if not orders:
        return None
    order = orders[0]
    user = getattr(request, "user", None)
    for_staff = bool(user and user.is_authenticated and user.is_staff_role)
    events = [
        e for e in order.events.all() if for_staff or e.from_carrier or e.code in {"created", "cancelled"}
    ]
    needs_desk = for_staff and dossier.state == State.RESULT_READY and order.status in NEEDS_DESK
    return {
        "order": order,
        "earlier": orders[1:],
        "events": list(reversed(events))[:PANEL_EVENTS],
        "for_staff": for_staff,
        "needs_desk": needs_desk,
        "may_send_again": needs_desk and not order.is_delivered and services.may_act(user, order),
    }


panels.register_panel(name="postal.citizen", place="citizen.after_result", template="postal/_panel.html")(
    delivery_panel
)
panels.register_panel(name="postal.staff", place="staff.after_status", template="postal/_panel.html")(
    delivery_panel
)


def _needing_desk(dossiers: Sequence[Dossier]) -> set[int]:
    return selectors.dossiers_needing_desk(dossier.pk for dossier in dossiers)


panels.register_queue_flag(
    panels.QueueFlag(
        name="postal.needs_desk",
        label=_("Parcel needs the desk"),
        css_class="flag flag-late postal-alert",
        flagged=_needing_desk,
    )
)
