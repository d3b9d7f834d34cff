"""The staff page of the national portal sync: per agency and period the synced share and the lag, what is
still waiting, the rows refused for good (with "Thử lại") and the mapping table. Staff see the agencies they
work for (superusers all); another agency's rows do not exist for them."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common import clock
from common.decorators import staff_only
from dossiers import policies

from . import selectors, services
from .forms import HealthPeriodForm
from .models import StatusMapping, SyncItem


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": seconds}
    return _("%(seconds)d s") % {"seconds": seconds}


@require_GET
@staff_only
def health(request):
    agencies = selectors.agencies_for(request.user)
    form = HealthPeriodForm(request.GET or None, agencies=agencies)
    agency, start, end = form.chosen()
    context = {"form": form, "agency": agency, "start": start, "end": end}
    if agency is not None:
        since, until = clock.day_bounds(start, end)
        backlog = selectors.backlog(agency)
        lag = selectors.sync_lag(agency, since, until)
        mappings = selectors.mappings()
        oldest = (
            (clock.now() - backlog.oldest_pending_at).total_seconds() if backlog.oldest_pending_at else None
        )
        context.update(
            ratio=selectors.sync_ratio(agency, since, until),
            lag=lag,
            lag_p50=duration_text(lag.p50),
            lag_p95=duration_text(lag.p95),
            backlog=backlog,
            oldest_pending=duration_text(oldest),
            failed=selectors.failed_items(agency),
            mappings=mappings,
            unmapped=[
                StatusMapping(kind=kind, value=value).our_label
                for kind, value in selectors.unmapped_values(mappings)
            ],
        )
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "national_sync/health.html", context, status=status)


@require_POST
@staff_only
def retry(request, pk):
    item = SyncItem.objects.select_related("dossier__receiving_agency").filter(pk=pk).first()
    if item is None or not policies.works_at(request.user, item.dossier.receiving_agency):
        raise Http404
    agency = item.dossier.receiving_agency
    if services.retry(items=SyncItem.objects.filter(pk=item.pk)):
        messages.success(
            request, _("The change of dossier %(code)s will be sent again.") % {"code": item.dossier.code}
        )
    else:
        messages.info(request, _("This change is no longer waiting to be sent again."))
    return redirect(f"{reverse('national_sync:health')}?agency={agency.code}")
