"""The catalogue advisor's pages (procedures/advisor.py): one per agency for its staff, and the province's
for catalogue admins. In portal, above both apps: the catalogue's rule meets the dossiers' counts."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common import clock
from common.decorators import staff_only
from common.replica import reads_lag_tolerant
from dossiers import policies as dossier_policies
from dossiers import selectors as dossier_selectors
from procedures import advisor
from procedures import selectors as catalogue
from procedures.models import Agency
from procedures.services import can_edit_catalogue, can_publish_catalogue


def _catalogue_admin(user) -> bool:
    return user.is_superuser or can_edit_catalogue(user) or can_publish_catalogue(user)


def _page(request, *, agency, share, shares):
    today = clock.localdate()
    versions = list(advisor.candidate_versions(agency))
    counts = dossier_selectors.dossiers_per_procedure(
        [version.procedure_id for version in versions], since=advisor.period_start(today), agency=agency
    )
    current = advisor.current_target(share.targets, today.year)
    return render(
        request,
        "portal/catalogue_advisor.html",
        {
            "agency": agency,
            "share": share,
            "shares": shares,
            "current": current,
            "year": today.year,
            "to_target": advisor.procedures_to_target(share.full_process, share.total, current.target)
            if current
            else 0,
            "candidates": advisor.rank_candidates(versions, counts),
            "since": advisor.period_start(today),
            "is_catalogue_admin": _catalogue_admin(request.user),
        },
    )


@require_GET
@staff_only
@reads_lag_tolerant
def province_advisor(request):
    """The province: its share against the targets, each agency's, and the candidates of every agency."""
    if not _catalogue_admin(request.user):
        raise PermissionDenied
    report = catalogue.full_process_report()
    return _page(request, agency=None, share=report, shares=report.shares)


@require_GET
@staff_only
@reads_lag_tolerant
def agency_advisor(request, agency_code):
    """One agency, for its staff and the catalogue admins; any other agency does not exist for them."""
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None or not (
        dossier_policies.works_at(request.user, agency) or _catalogue_admin(request.user)
    ):
        raise Http404
    return _page(request, agency=agency, share=advisor.agency_share(agency), shares=[])
