"""The sandbox national portal under /national-portal-sandbox/: its API over HTTP (the same handler the
embedded default calls in process) and the administrators' page — the dossiers as the national portal holds
them, the differences from ours, and the switches (down, failing share, clear)."""

import functools
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import protocol, selectors, services
from .forms import DifferencesFilterForm, FailuresForm
from .models import SandboxSettings

SANDBOX_PATH = "/national-portal-sandbox/"
DOSSIERS_PER_PAGE = 50
MISSING_SHOWN = 50
DOWN_MESSAGE = "Hệ thống tạm ngừng hoạt động"  # the national portal's own words, not our UI


def sandbox_enabled() -> bool:
    """On for the embedded default (adapter "sandbox"), and while the "http" adapter points at it."""
    config = getattr(settings, "NATIONAL_PORTAL", None) or {}
    return config.get("ADAPTER", "sandbox") == "sandbox" or SANDBOX_PATH in str(config.get("BASE_URL", ""))


def can_operate_sandbox(user) -> bool:
    """Administrators only (the admin site's staff flag): the page shows every applicant's dossier."""
    return user.is_authenticated and user.is_active and user.is_staff


def sandbox_only(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not sandbox_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def administrators_only(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_operate_sandbox(request.user):
            raise PermissionDenied(_("Only administrators use the sandbox national portal."))
        return view(request, *args, **kwargs)

    return sandbox_only(login_required(wrapper))


def _api(path: str):
    @csrf_exempt
    @sandbox_only
    @require_POST
    def view(request):
        try:
            body = json.loads(request.body)
        except (ValueError, RecursionError):
            body = None  # the handler answers 400 with the invalid-data code, and logs the call
        try:
            status, answer = protocol.handle(path, body)
        except protocol.SandboxUnavailable:
            status, answer = 503, {"error_code": protocol.error_code("transient"), "message": DOWN_MESSAGE}
        return JsonResponse(answer, status=status, json_dumps_params={"ensure_ascii": False})

    return view


api_login = _api("login")
api_service = _api("service")


@administrators_only
@never_cache
@require_GET
def index(request):
    filters = DifferencesFilterForm(request.GET)
    only_differing = filters.is_valid() and filters.cleaned_data["only_differing"]
    comparisons = selectors.compared_list(only_differing=only_differing)
    page = Paginator(comparisons, DOSSIERS_PER_PAGE).get_page(request.GET.get("page"))
    missing = selectors.ours_missing_nationally()
    sandbox = SandboxSettings.load()
    return render(
        request,
        "national_portal_sandbox/index.html",
        {
            "sandbox": sandbox,
            "failures_form": FailuresForm(
                initial={
                    "failure_percent": round(sandbox.failure_rate * 100),
                    "session_ttl_seconds": sandbox.session_ttl_seconds,
                }
            ),
            "filters": filters,
            "page": page,
            "query": "only_differing=on" if only_differing else "",
            "missing": list(missing[:MISSING_SHOWN]),
            "missing_count": missing.count(),
            "calls": selectors.recent_calls(),
        },
    )


@administrators_only
@never_cache
@require_GET
def dossier(request, code: str):
    comparison = selectors.compared_dossier(code)
    if comparison is None:
        raise Http404
    national = comparison.national
    return render(
        request,
        "national_portal_sandbox/dossier.html",
        {
            "comparison": comparison,
            "national": national,
            "fields": selectors.display_fields(national) if national else [],
            "steps": selectors.national_steps(national) if national else [],
            "calls": selectors.recent_calls(dossier_code=code),
        },
    )


@administrators_only
@require_POST
def availability(request):
    down = request.POST.get("down") == "1"
    services.set_availability(down=down)
    if down:
        messages.warning(request, _("The sandbox national portal is down: every call fails."))
    else:
        messages.success(request, _("The sandbox national portal is back up."))
    return redirect("national_portal_sandbox:index")


@administrators_only
@require_POST
def failures(request):
    form = FailuresForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a share from 0 to 100 and a session lifetime of at least 1 second."))
        return redirect("national_portal_sandbox:index")
    services.set_failures(
        failure_rate=form.cleaned_data["failure_percent"] / 100,
        session_ttl_seconds=form.cleaned_data["session_ttl_seconds"],
    )
    messages.success(request, _("Saved."))
    return redirect("national_portal_sandbox:index")


@administrators_only
@require_POST
def clear(request):
    services.clear_sandbox()
    messages.success(request, _("The sandbox national portal was cleared."))
    return redirect("national_portal_sandbox:index")
