"""Pages of a delivery order (its tracking), the shipping label, the desk's actions on a parcel, and the
carriers' signed tracking notices.

An order exists for whoever may see its dossier (the applicant, the staff of the receiving and handling
agencies; 404 for everyone else). The label and the tracking refresh are for those agencies' staff; changing
a parcel (cancel, correct the address, send again) for the clerks of the receiving agency, as the services
check again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from common.downloads import private_download
from dossiers.models import DocumentAccess, State
from dossiers.services.access_log import logs_document_access, record_request_access

from . import labels, selectors, services
from .carriers.base import CarrierError
from .forms import CancelForm, SendAgainForm
from .models import OrderStatus

SEND_AGAIN_STATUSES = {OrderStatus.HELD, OrderStatus.RETURNED, OrderStatus.REJECTED, OrderStatus.CANCELLED}


def _order(request, pk: int, *, staff: bool = False):
    order = selectors.order_for(request.user, pk)
    if order is None or (staff and not request.user.is_staff_role):
        raise Http404
    return order


def _actions(user, order) -> dict:
    acts = services.may_act(user, order)
    waiting = order.dossier.state == State.RESULT_READY
    return {
        "label": user.is_staff_role and bool(order.tracking_number) and order.status != OrderStatus.CANCELLED,
        "refresh": user.is_staff_role and order.is_with_carrier,
        "cancel": acts and order.status in {OrderStatus.HELD, OrderStatus.PENDING, OrderStatus.CREATED},
        "send_again": acts and waiting and order.status in SEND_AGAIN_STATUSES,
    }


@require_GET
@login_required
def order(request, pk):
    order = _order(request, pk)
    for_staff = request.user.is_staff_role
    return render(
        request,
        "postal/order.html",
        {
            "order": order,
            "dossier": order.dossier,
            "events": list(selectors.timeline(order, for_staff=for_staff)),
            "for_staff": for_staff,
            "actions": _actions(request.user, order),
            "cancel_form": CancelForm(),
        },
    )


@require_GET
@login_required
@logs_document_access
def label(request, pk):
    order = _order(request, pk, staff=True)
    if not order.tracking_number or order.status == OrderStatus.CANCELLED:
        raise Http404
    content, name = labels.render_pdf(order), labels.filename(order)
    record_request_access(request, what=DocumentAccess.What.LABEL, file_name=name, dossier=order.dossier)
    return private_download(content, filename=name)


@require_POST
@login_required
def refresh(request, pk):
    order = _order(request, pk, staff=True)
    try:
        new = services.poll_order(order=order)
    except CarrierError as error:
        messages.error(request, _("The post office cannot be reached now: %(error)s") % {"error": error})
    else:
        messages.success(request, _("Tracking updated: %(count)s new event(s).") % {"count": new})
    return redirect("postal:order", order.pk)


@require_POST
@login_required
def cancel(request, pk):
    order = _order(request, pk, staff=True)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check what you entered: nothing was changed."))
        return redirect("postal:order", order.pk)
    try:
        services.cancel_order(order=order, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The parcel was cancelled. The result waits at the desk."))
    return redirect("postal:order", order.pk)


@login_required
def send_again(request, pk):
    order = _order(request, pk, staff=True)
    if not services.may_act(request.user, order):
        raise PermissionDenied(_("Only the one-stop shop that sends the result may change its delivery."))
    initial = {
        "street_address": order.street_address,
        "commune": order.commune_id,
        "recipient_phone": order.recipient_phone,
    }
    form = SendAgainForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                new = services.send_again(order=order, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The result will be sent to the corrected address."))
                return redirect("postal:order", new.pk)
        status = 400
    return render(request, "postal/send_again.html", {"order": order, "form": form}, status=status)


@csrf_exempt
@require_POST
def webhook(request, carrier):
    """Tracking notices from a postal operator: signed (HMAC-SHA256, see carriers/API.md), answered in
    JSON; a refused signature gets 401 and changes nothing."""
    outcome = services.handle_webhook(carrier_name=carrier, body=request.body, headers=request.headers)
    payload = {"applied": outcome.applied, "duplicates": outcome.duplicates, "unknown": list(outcome.unknown)}
    if outcome.error:
        payload = {"error": outcome.error}
    return JsonResponse(payload, status=outcome.status, json_dumps_params={"ensure_ascii": False})
