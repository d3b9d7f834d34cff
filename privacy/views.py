from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import clock
from common.decorators import citizen_only, staff_only
from common.downloads import XLSX, private_download

from . import policies, register_export, selectors, services
from .forms import ChannelsForm, CorrectionRequestForm, DeleteAccountForm, HandleCorrectionForm
from .middleware import NEW_NOTICE_SESSION_KEY
from .models import Consent, CorrectionRequest


@require_GET
def notice(request):
    """The privacy notice in force: public."""
    return render(request, "privacy/notice.html", {"notice": selectors.current_notice()})


@citizen_only
@require_http_methods(["GET", "POST"])
def accept(request):
    """Accept the notice in force (a new version since the citizen's last consent)."""
    notice = selectors.current_notice()
    if notice is None:
        raise Http404
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if request.method == "POST":
        services.record_notice_consent(user=request.user, how=Consent.How.RECONSENT)
        request.session.pop(NEW_NOTICE_SESSION_KEY, None)
        messages.success(request, _("Thank you: your consent to the privacy notice was recorded."))
        return redirect(next_url or "privacy:my_data")
    last = selectors.last_notice_consent(request.user)
    context = {"notice": notice, "last": last, "next": next_url}
    return render(request, "privacy/accept.html", context)


def _my_data_page(request, *, channels_form=None, status=200):
    user = request.user
    profile = getattr(user, "profile", None)
    if channels_form is None and profile is not None:
        channels_form = ChannelsForm(
            initial={"notify_by_email": profile.notify_by_email, "notify_by_sms": profile.notify_by_sms}
        )
    context = {
        "notice": selectors.current_notice(),
        "last_consent": selectors.last_notice_consent(user),
        "channels_form": channels_form,
        "corrections": selectors.correction_requests_of(user)[:20],
        "consents": Consent.objects.filter(user=user).select_related("notice")[:20],
        "today": clock.localdate(),
    }
    return render(request, "privacy/my_data.html", context, status=status)


@citizen_only
@require_GET
@never_cache
def my_data(request):
    """ "Dữ liệu của tôi": download everything, optional channels, correction requests, account deletion."""
    return _my_data_page(request)


@citizen_only
@require_POST
def download(request):
    try:
        archive = services.export_my_data(user=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("privacy:my_data")
    from django.http import FileResponse

    name = f"du-lieu-cua-toi-{clock.localdate():%Y%m%d}.zip"
    response = FileResponse(archive.file, as_attachment=True, filename=name, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@citizen_only
@require_POST
def channels(request):
    form = ChannelsForm(request.POST)
    if not form.is_valid():
        return _my_data_page(request, channels_form=form, status=400)
    try:
        services.set_optional_channels(
            user=request.user,
            email=form.cleaned_data["notify_by_email"],
            sms=form.cleaned_data["notify_by_sms"],
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("privacy:my_data")
    messages.success(request, _("Your choice of notices was saved."))
    return redirect("privacy:my_data")


@citizen_only
@require_http_methods(["GET", "POST"])
def request_correction(request):
    form = CorrectionRequestForm(request.POST or None, dossiers=selectors.correctable_dossiers(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_correction(
                user=request.user,
                subject=data["subject"],
                dossier=data.get("dossier"),
                requested_change=data["requested_change"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Your request no. %(number)s was received. The answer is due by %(date)s.")
                % {"number": created.pk, "date": created.deadline.strftime("%d/%m/%Y")},
            )
            return redirect("privacy:my_data")
    status = 400 if request.method == "POST" else 200
    return render(request, "privacy/correction_form.html", {"form": form}, status=status)


@citizen_only
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None)
    has_password = request.user.has_usable_password()
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_account(
                user=request.user, password=form.cleaned_data["password"], phrase=form.cleaned_data["phrase"]
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            from django.contrib.auth import logout

            logout(request)
            return render(request, "privacy/deleted.html")
    context = {"form": form, "has_password": has_password, "phrase": services.DELETION_PHRASE}
    return render(request, "privacy/delete_account.html", context, status=400 if form.errors else 200)


# --- staff ----------------------------------------------------------------------------------------------
def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Only staff who handle personal-data requests may open this page."))


@staff_only
@require_GET
def corrections(request):
    _require(policies.may_handle_corrections(request.user))
    rows = list(selectors.open_correction_requests()[:200])
    return render(request, "privacy/staff_corrections.html", {"rows": rows, "today": clock.localdate()})


@staff_only
@require_http_methods(["GET", "POST"])
def handle_correction(request, pk: int):
    _require(policies.may_handle_corrections(request.user))
    correction = get_object_or_404(CorrectionRequest.objects.select_related("user", "dossier"), pk=pk)
    form = HandleCorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.handle_correction(
                request=correction,
                staff=request.user,
                done=form.cleaned_data["outcome"] == "done",
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as error:
            for field, errors in (
                error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
            ):
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The answer was recorded and the citizen told."))
            return redirect("privacy:corrections")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "privacy/staff_correction.html", {"form": form, "correction": correction}, status=status
    )


@staff_only
@require_GET
def register(request):
    _require(policies.may_view_register(request.user))
    return render(request, "privacy/register.html", {"rows": selectors.register()})


@staff_only
@require_GET
def register_xlsx(request):
    _require(policies.may_view_register(request.user))
    content = register_export.workbook(selectors.register())
    return private_download(content, filename="so-dang-ky-xu-ly-du-lieu.xlsx", content_type=XLSX)
