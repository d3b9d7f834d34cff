import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import selectors, services, signing
from .models import Notification

RECEIPT_DELIVERED = {"delivered", "delivrd"}
RECEIPT_FAILED = {"failed", "undelivered", "undeliv", "rejected", "expired"}


@login_required
def inbox(request):
    """The signed-in person's in-portal notices, newest first; unread ones stand out."""
    page = Paginator(selectors.inbox(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def open_notice(request, pk: int):
    """Open the page a notice points to, marking it read on the way."""
    notice = Notification.objects.inbox_of(request.user).filter(pk=pk).only("pk", "link").first()
    if notice is None:
        raise Http404
    services.mark_read(user=request.user, notification_id=pk)
    safe = url_has_allowed_host_and_scheme(notice.link, allowed_hosts={request.get_host()})
    return redirect(notice.link if notice.link and safe else "notifications:inbox")


@login_required
@require_POST
def mark_read(request, pk: int):
    if not Notification.objects.inbox_of(request.user).filter(pk=pk).exists():
        raise Http404
    services.mark_read(user=request.user, notification_id=pk)
    return redirect(_back(request))


@login_required
@require_POST
def mark_all_read(request):
    services.mark_all_read(user=request.user)
    return redirect(_back(request))


def _back(request) -> str:
    page = request.POST.get("page", "")
    inbox_url = reverse("notifications:inbox")
    return f"{inbox_url}?page={page}" if page.isdigit() else inbox_url


@csrf_exempt
@require_POST
def sms_receipt(request):
    """Delivery receipt from the SMS gateway (signed, see signing.py): moves the row to delivered or failed.
    Unsigned or stale receipts get 403 and change nothing."""
    body = request.body
    if not signing.verify(
        settings.SMS_GATEWAY_CALLBACK_SECRET,
        request.headers.get("X-Timestamp", ""),
        body,
        request.headers.get("X-Signature", ""),
    ):
        return JsonResponse({"error": "bad signature"}, status=403)
    try:
        data = json.loads(body)
        status = str(data.get("status", "")).lower()
        message_id = str(data.get("message_id") or "")
        reference = str(data.get("reference") or "")
    except (ValueError, AttributeError):
        return HttpResponseBadRequest("invalid JSON")
    if not (message_id or reference):
        return HttpResponseBadRequest("message_id or reference required")
    if status not in RECEIPT_DELIVERED | RECEIPT_FAILED:
        return JsonResponse({"ok": True, "ignored": status})  # intermediate states: queued, sent, …
    row = services.record_sms_receipt(
        provider_message_id=message_id,
        reference=reference,
        delivered=status in RECEIPT_DELIVERED,
        error=str(data.get("error") or status),
    )
    if row is None:
        return JsonResponse({"error": "unknown message"}, status=404)
    return JsonResponse({"ok": True, "status": row.status})
