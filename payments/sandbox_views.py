"""The sandbox bank's pages, under /sandbox-bank/ (only while PAYMENT_GATEWAY is "sandbox"): the payment
page where the payer chooses success, failure or cancel; the merchant API (querydr, refund); the daily
settlement file. After the choice the bank sends what a real gateway sends: the signed browser return and,
through a Celery task, the signed server-to-server notification."""

import datetime
import functools
import json
import urllib.parse

from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.money import vnd

from . import gateways, reconciliation, sandbox_bank
from .gateways.vnpay import amount_in_dong
from .tasks import deliver_sandbox_ipn


def sandbox_only(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if "sandbox" not in gateways.enabled_codes():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _expires(fields) -> datetime.datetime:
    return sandbox_bank.parse_time(fields["vnp_ExpireDate"])


@sandbox_only
@never_cache
@require_http_methods(["GET", "POST"])
def pay(request):
    params = request.GET if request.method == "GET" else request.POST
    try:
        fields = sandbox_bank.check_payment_request(params)
    except sandbox_bank.BadRequest as error:
        return render(request, "payments/sandbox/error.html", {"message": str(error)}, status=400)
    if request.method == "GET":
        return render(
            request,
            "payments/sandbox/pay.html",
            {
                "fields": fields,
                "amount": vnd(amount_in_dong(fields["vnp_Amount"])),
                "expires_at": _expires(fields),
                "expired": sandbox_bank.is_expired(fields),
            },
        )
    try:
        with transaction.atomic():
            result = sandbox_bank.pay(params, request.POST.get("choice", ""))
            # The notification leaves after the bank's books are written, like a real gateway's.
            transaction.on_commit(lambda: deliver_sandbox_ipn.delay(result), robust=True)
    except sandbox_bank.BadRequest as error:
        return render(request, "payments/sandbox/error.html", {"message": str(error)}, status=400)
    return redirect(f"{fields['vnp_ReturnUrl']}?{urllib.parse.urlencode(result)}")


@csrf_exempt
@sandbox_only
@require_POST
def api(request):
    """The merchant API (querydr, refund): JSON in, signed JSON out, like the real one."""
    try:
        payload = json.loads(request.body)
    except ValueError:
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid JSON"}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid JSON"}, status=400)
    return JsonResponse(sandbox_bank.api(payload))


@sandbox_only
@require_GET
def settlement(request, day):
    """The bank's settlement file of a day (what a real gateway sends by email or SFTP): finance staff."""
    if not reconciliation.can_reconcile(request.user):
        raise Http404
    try:
        chosen = datetime.date.fromisoformat(day)
    except ValueError as error:
        raise Http404 from error
    response = HttpResponse(sandbox_bank.settlement_csv(chosen), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sandbox-{chosen:%Y%m%d}.csv"'
    return response
