from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts import services as accounts_services
from common.replica import reads_lag_tolerant
from dossiers import selectors as dossier_selectors
from procedures import selectors as catalogue
from procedures.models import Field, ProcedureVersion
from procedures.services import can_edit_catalogue, can_publish_catalogue

from . import metrics as portal_metrics
from .health import health_report


@reads_lag_tolerant
def home(request):
    fields = Field.objects.all()
    published = ProcedureVersion.objects.published()
    return render(
        request,
        "portal/home.html",
        {
            "fields": fields,
            "procedure_count": published.count(),
            "full_process_count": published.filter(service_level="full").count(),
        },
    )


@login_required
def dashboard(request):
    user = request.user
    return render(
        request,
        "portal/dashboard.html",
        {
            "profile": getattr(user, "profile", None) if user.is_citizen else None,
            "latest_dossiers": list(dossier_selectors.my_dossiers(user)[:5]) if user.is_citizen else [],
            "memberships": user.memberships.select_related("agency") if user.is_staff_role else [],
            "can_edit_catalogue": can_edit_catalogue(user),
        },
    )


@login_required
@reads_lag_tolerant
def full_process_share(request):
    """Decree 42/2022 targets: the catalogue's full-process share per agency and level."""
    if not (can_edit_catalogue(request.user) or can_publish_catalogue(request.user)):
        raise PermissionDenied
    return render(request, "portal/full_process_share.html", {"report": catalogue.full_process_report()})


@require_POST
def set_language(request):
    """Django's language switch, which also remembers the choice on the account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        accounts_services.set_preferred_language(user=request.user, language=language)
    return response


@never_cache
def healthz(request):
    status, report = health_report()
    return JsonResponse(report, status=status)


@never_cache
def metrics(request):
    """Prometheus's scrape: for METRICS_TOKEN or METRICS_ALLOWED_IPS only; a 404 to anyone else, so the
    endpoint is not even known to exist."""
    if request.method not in {"GET", "HEAD"} or not portal_metrics.metrics_allowed(request):
        raise Http404
    body, content_type = portal_metrics.exposition()
    return HttpResponse(body, content_type=content_type)
