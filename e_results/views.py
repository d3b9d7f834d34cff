"""The public verification page (/xac-thuc/), the staff's "sign again", the signed file, and the sandbox
timestamp authority (RFC 3161 over HTTP) of the embedded default."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from common.downloads import user_file
from common.http import client_ip
from dossiers.models import DocumentAccess, Dossier
from dossiers.services.access_log import logs_document_access, record_request_access

from . import selectors, services, signing, verification
from .forms import VerifyUploadForm
from .models import SignedResult

UPLOAD_WINDOW_SECONDS = 600
MAX_TSA_REQUEST_BYTES = 16 * 1024


def upload_allowed(request) -> bool:
    """Counts one verification upload for the client; False past the limit in the current 10 minutes."""
    key = f"e-result-verify:{client_ip(request)}"
    cache.add(key, 0, timeout=UPLOAD_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=UPLOAD_WINDOW_SECONDS)
        count = 1
    return count <= settings.E_RESULTS_UPLOADS_PER_ADDRESS


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    """Xác thực kết quả điện tử: upload the PDF (its signature is checked) or open the QR link (the code
    shows what the portal issued under it)."""
    context = {"form": VerifyUploadForm(), "report": None, "issued": None, "limited": False}
    status = 200
    code = request.GET.get("code", "")
    if code:
        context["code_given"] = True
        context["issued"] = selectors.by_verification_code(code)
        if context["issued"] is None:
            status = 404
    if request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        context["form"] = form
        if not upload_allowed(request):
            context["limited"] = True
            status = 429
        elif not form.is_valid():
            status = 400
        else:
            try:
                report = verification.verify_pdf(form.cleaned_data["pdf"])
            except verification.NotAPdf:
                form.add_error(
                    "pdf", _("This PDF cannot be read or contains content the portal does not open.")
                )
                status = 400
            else:
                context["report"] = report
                context["issued"] = selectors.by_sha256(report.sha256)
    return render(request, "e_results/verify.html", context, status=status)


@require_POST
@login_required
def sign_again(request, pk):
    result = get_object_or_404(
        SignedResult.objects.select_related("dossier"),
        pk=pk,
        dossier__in=Dossier.objects.visible_to(request.user),
    )
    try:
        result = services.retry_signing(signed_result=result, by=request.user)
    except PermissionDenied as refused:
        raise Http404 from refused
    if result.status == SignedResult.Status.SIGNED:
        messages.success(request, _("The result is signed."))
    else:
        messages.error(request, _("The result could not be signed yet. Try again later or call the IT desk."))
    return redirect("staff:detail", pk=result.dossier_id)


@login_required
@logs_document_access
def signed_file(request, pk):
    result = (
        SignedResult.objects.filter(
            pk=pk, signed_file__isnull=False, dossier__in=Dossier.objects.visible_to(request.user)
        )
        .select_related("signed_file", "dossier")
        .first()
    )
    if result is None:
        raise Http404
    try:
        handle = result.signed_file.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    record_request_access(
        request,
        what=DocumentAccess.What.RESULT,
        file_name=result.signed_file.original_name,
        dossier=result.dossier,
        stored_file=result.signed_file,
    )
    return user_file(handle, filename=result.signed_file.original_name, content_type="application/pdf")


@csrf_exempt
@require_POST
def sandbox_tsa(request):
    """The sandbox TSA: a TimeStampReq in, a TimeStampResp out, signed with the sandbox TSA key."""
    from asn1crypto import tsp

    if settings.E_RESULTS_TRUST_ROOTS:
        raise Http404  # real trust roots: no sandbox TSA
    body = request.body[: MAX_TSA_REQUEST_BYTES + 1]
    if len(body) > MAX_TSA_REQUEST_BYTES:
        return HttpResponseBadRequest("request too large")
    try:
        timestamp_request = tsp.TimeStampReq.load(body)
        timestamp_request.native  # noqa: B018 (parses everything now: bad input is a 400, not a 500)
        answer = signing.sandbox_timestamper().request_tsa_response(timestamp_request)
    except (ValueError, TypeError, KeyError):
        return HttpResponseBadRequest("malformed TimeStampReq")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return HttpResponse(answer.dump(), content_type="application/timestamp-reply")
