"""Pages of payments: the citizen's fees page and "Pay" button, the browser's return from the gateway (shown,
never trusted), the gateway's notification endpoint, receipts and vouchers, the staff's payment page of a
dossier (exemption, payment at the desk), and the finance staff's reconciliation.

Who sees what: a citizen only the dossiers they own (another's pk is a 404); staff the dossiers
`Dossier.objects.visible_to` gives them; reconciliation and vouchers also finance staff."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from common.actions import ServiceAction
from common.decorators import citizen_only, staff_only
from common.downloads import XLSX, private_download
from common.http import client_address
from common.links import absolute_url
from common.middleware import accepts_any_input
from dossiers import policies
from dossiers import services as dossier_services
from dossiers.models import DocumentAccess, Dossier
from dossiers.selectors import own_dossier
from dossiers.services.access_log import logs_document_access, record_request_access

from . import gateways, receipts, reconciliation, selectors, services
from .forms import DeskPaymentForm, ExemptForm, ReconciliationForm, SettlementUploadForm, new_payment_key
from .models import MONEY_RECEIVED, AttemptState, PaymentAttempt, Refund

# vnp_ResponseCode of a browser return, in words for the payer (the protocol's list, the usual ones).
BANK_ANSWERS = {
    "00": gettext_lazy("The bank accepted the payment."),
    "07": gettext_lazy("The bank took the money but flagged the transaction for checking."),
    "09": gettext_lazy("Your card or account is not registered for online payment."),
    "10": gettext_lazy("The card details were entered wrongly too many times."),
    "11": gettext_lazy("The time allowed for paying ran out."),
    "12": gettext_lazy("Your card or account is locked."),
    "13": gettext_lazy("The one-time password was wrong."),
    "24": gettext_lazy("You cancelled the payment."),
    "51": gettext_lazy("There is not enough money in the account."),
    "65": gettext_lazy("The account's daily limit is reached."),
    "75": gettext_lazy("The bank is under maintenance."),
    "79": gettext_lazy("The payment password was wrong too many times."),
}


# --- the citizen ----------------------------------------------------------------------------------------
@citizen_only
@require_GET
def dossier_payments(request, pk):
    """What is due and why, what was paid (receipts), what was refunded; the Pay button when due."""
    dossier = own_dossier(request.user, pk)
    attempts = selectors.attempts_of(dossier)
    return render(
        request,
        "payments/dossier.html",
        {
            "dossier": dossier,
            "version": dossier.procedure_version,
            "lines": selectors.fee_lines(dossier),
            "attempts": attempts,
            "pending": selectors.pending_attempt(attempts),
            "can_pay": selectors.payable(dossier),
            "payment_key": new_payment_key(),
        },
    )


@citizen_only
@require_POST
def pay(request, pk):
    """Start (or, for the same idempotency key, resume) a payment and send the browser to the gateway."""
    dossier = own_dossier(request.user, pk)
    try:
        attempt = services.start_payment(
            dossier=dossier,
            payer=request.user,
            idempotency_key=request.POST.get("idempotency_key", ""),
            payer_ip=client_address(request),
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("payments:dossier", dossier.pk)
    if attempt.state != AttemptState.PENDING:
        messages.info(request, _("This payment was already completed: see its result below."))
        return redirect("payments:dossier", dossier.pk)
    gateway = gateways.get(attempt.gateway)
    return_url = absolute_url(reverse("payments:return", args=[attempt.gateway]))
    return redirect(gateway.payment_url(attempt, return_url=return_url))


@login_required
@never_cache
@require_GET
def browser_return(request, gateway):
    """The payer's browser back from the gateway. Display only: what the portal recorded (from the signed
    notification) is the truth; what the browser carries is shown as the bank's word, never saved."""
    if gateway not in gateways.PROVIDERS:
        raise Http404
    notification = gateways.get(gateway).parse_notification(request.GET)
    attempt = (
        PaymentAttempt.objects.filter(
            gateway=gateway, txn_ref=notification.txn_ref, dossier__in=Dossier.objects.owned_by(request.user)
        )
        .select_related("dossier__procedure_version")
        .first()
        if notification.txn_ref
        else None
    )
    if not notification.valid_signature or attempt is None:
        return render(request, "payments/return.html", {"unreadable": True}, status=400)
    return render(
        request,
        "payments/return.html",
        {
            "attempt": attempt,
            "dossier": attempt.dossier,
            "bank_answer": BANK_ANSWERS.get(notification.response_code, _("The bank refused the payment.")),
            "bank_says_paid": notification.succeeded,
            "can_pay": selectors.payable(attempt.dossier) and attempt.state != AttemptState.PENDING,
            "payment_key": new_payment_key(),
        },
    )


@csrf_exempt
@accepts_any_input
@never_cache
@require_GET
def ipn(request, gateway):
    """The gateway's server-to-server notification (IPN): answered with {"RspCode", "Message"}. Whatever
    arrives is logged (a NUL or invalid UTF-8 too, made storable by the service) and answered by protocol."""
    answer = services.handle_notification(gateway_code=gateway, params=request.GET)
    return JsonResponse(answer.as_json())


@login_required
@require_GET
@logs_document_access
def receipt(request, pk):
    attempt = (
        PaymentAttempt.objects.visible_to(request.user)
        .filter(pk=pk, state__in=MONEY_RECEIVED)
        .select_related("dossier__procedure_version__procedure", "dossier__receiving_agency__parent")
        .first()
    )
    if attempt is None:
        raise Http404
    content, name = receipts.receipt_pdf(attempt), f"bien-nhan-{attempt.txn_ref}.pdf"
    _record(request, DocumentAccess.What.RECEIPT, name, attempt.dossier)
    return private_download(content, filename=name)


def _record(request, what: str, file_name: str, dossier: Dossier) -> None:
    record_request_access(request, what=what, file_name=file_name, dossier=dossier)


# --- staff ----------------------------------------------------------------------------------------------
def _visible_dossier(user, pk) -> Dossier:
    dossier = (
        Dossier.objects.visible_to(user)
        .select_related("procedure_version__procedure", "receiving_agency", "handling_agency")
        .filter(pk=pk)
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


def _staff_page(request, dossier, *, exempt_form=None, desk_form=None, status=200):
    attempts = selectors.attempts_of(dossier)
    desk_clerk = policies.may_take_desk_payment(request.user, dossier)
    can_settle = desk_clerk and selectors.payable(dossier)
    initial = {"expected_version": dossier.lock_version}
    return render(
        request,
        "payments/staff_dossier.html",
        {
            "dossier": dossier,
            "version": dossier.procedure_version,
            "lines": selectors.fee_lines(dossier),
            "attempts": attempts,
            "notifications": selectors.notifications_of(attempts),
            "can_settle": can_settle,
            "exempt_form": exempt_form or ExemptForm(initial=initial, auto_id="id_exempt_%s"),
            "desk_form": desk_form or DeskPaymentForm(initial=initial, auto_id="id_desk_%s"),
        },
        status=status,
    )


@staff_only
@require_GET
def staff_dossier(request, pk):
    return _staff_page(request, _visible_dossier(request.user, pk))


STAFF_ACTIONS = {
    "exempt": (
        ExemptForm,
        ServiceAction(
            services.exempt_fees,
            "clerk",
            ("reason",),
            gettext_lazy("The fees were exempted; the reason is in the dossier's history."),
        ),
    ),
    "desk": (
        DeskPaymentForm,
        ServiceAction(
            services.record_desk_payment,
            "clerk",
            ("receipt_number",),
            gettext_lazy("The payment at the desk was recorded."),
        ),
    ),
}


@staff_only
@require_POST
def staff_action(request, pk, action):
    """Exempt the fees (with the reason) or record a payment made at the desk."""
    dossier = _visible_dossier(request.user, pk)
    if action not in STAFF_ACTIONS:
        raise Http404
    form_class, perform = STAFF_ACTIONS[action]
    form = form_class(request.POST, auto_id=f"id_{action}_%s")
    forms = {f"{action}_form": form}
    if not form.is_valid():
        messages.error(request, _("Check what you entered: nothing was changed."))
        return _staff_page(request, dossier, status=400, **forms)
    try:
        messages.success(
            request, perform(request.user, dossier, form.cleaned_data, form.cleaned_data["expected_version"])
        )
    except dossier_services.DossierChanged as changed:
        messages.error(request, str(changed))
        return _staff_page(request, _visible_dossier(request.user, pk), status=409, **forms)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return _staff_page(request, _visible_dossier(request.user, pk), status=400, **forms)
    return redirect("payments:staff_dossier", dossier.pk)


@login_required
@require_GET
@logs_document_access
def voucher(request, pk):
    """The refund voucher: finance staff, and the staff who may see the dossier."""
    refunds = Refund.objects.select_related(
        "attempt", "dossier__procedure_version__procedure", "dossier__receiving_agency__parent"
    )
    if not reconciliation.can_reconcile(request.user):
        if not request.user.is_staff_role:
            raise Http404
        refunds = refunds.filter(dossier__in=Dossier.objects.visible_to(request.user))
    refund = refunds.filter(pk=pk).first()
    if refund is None:
        raise Http404
    content, name = receipts.voucher_pdf(refund), f"de-nghi-hoan-tra-{refund.voucher_number}.pdf"
    _record(request, DocumentAccess.What.VOUCHER, name, refund.dossier)
    return private_download(content, filename=name)


# --- finance: reconciliation ----------------------------------------------------------------------------
def finance_only(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not reconciliation.can_reconcile(request.user):
            raise PermissionDenied(_("Only finance staff reconcile payments."))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


RECONCILIATION_PAGE_REFUNDS = 50


def _reconciliation_page(request, form, upload_form=None, status=200):
    day, gateway = form.chosen()
    report = reconciliation.build_report(gateway, day)
    needing_attention = selectors.refunds_needing_attention(RECONCILIATION_PAGE_REFUNDS)
    flagged = selectors.flagged_payments(day, gateway)
    return render(
        request,
        "payments/reconciliation.html",
        {
            "form": form,
            "day": day,
            "gateway": gateway,
            "report": report,
            "upload_form": upload_form
            or SettlementUploadForm(initial={"day": day, "gateway": gateway}, auto_id="id_upload_%s"),
            "refunds": needing_attention,
            "flagged": flagged,
            "sandbox_file_url": reverse("sandbox_bank:settlement", args=[day.isoformat()])
            if gateway == "sandbox" and gateway in gateways.enabled_codes()
            else "",
            "query": f"day={day.isoformat()}&gateway={gateway}",
            "is_finance": request.user.role == Role.FINANCE,
        },
        status=status,
    )


@finance_only
@require_GET
def reconciliation_page(request):
    """Per day and gateway: the portal's totals against the gateway's settlement file, every mismatch."""
    form = ReconciliationForm(request.GET if "day" in request.GET else None)
    return _reconciliation_page(request, form, status=400 if form.is_bound and form.errors else 200)


@finance_only
@require_POST
def reconciliation_import(request):
    upload = SettlementUploadForm(request.POST, request.FILES, auto_id="id_upload_%s")
    if upload.is_valid():
        day, gateway = upload.cleaned_data["day"], upload.cleaned_data["gateway"]
        try:
            run = reconciliation.import_settlement_file(
                gateway=gateway, day=day, uploaded=upload.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            upload.add_error("file", error)
        else:
            messages.success(
                request,
                _("The settlement file was imported: %(count)s mismatch(es).")
                % {"count": run.mismatch_count},
            )
            return redirect(f"{reverse('payments:reconciliation')}?day={day.isoformat()}&gateway={gateway}")
    form = ReconciliationForm(
        {"day": request.POST.get("day", ""), "gateway": request.POST.get("gateway", "")}
    )
    return _reconciliation_page(request, form, upload_form=upload, status=400)


@finance_only
@require_GET
def reconciliation_xlsx(request):
    day, gateway = ReconciliationForm(request.GET).chosen()
    content = reconciliation.workbook(reconciliation.build_report(gateway, day))
    return private_download(content, filename=f"doi-soat-{gateway}-{day:%Y%m%d}.xlsx", content_type=XLSX)


@finance_only
@require_POST
def refund_retry(request, pk):
    refund = Refund.objects.filter(pk=pk).first()
    if refund is None:
        raise Http404
    try:
        services.retry_refund(refund=refund, by=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request, _("The refund %(number)s was sent again.") % {"number": refund.voucher_number}
        )
    day, gateway = ReconciliationForm(request.POST).chosen()
    return redirect(f"{reverse('payments:reconciliation')}?day={day.isoformat()}&gateway={gateway}")
