"""Who opened my documents: the applicant's list for one dossier (the dossier page shows the latest ones),
the list for the files of their data store opened outside a dossier, and the auditors' CSV export of a
period (dossiers.access_export)."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common import clock
from common.decorators import citizen_only, staff_only

from .. import policies, selectors
from ..access_export import csv_lines
from ..models import DocumentAccess
from ..staff_forms import AccessExportForm

ACCESSES_PER_PAGE = 50


def labelled(rows, viewer) -> list[DocumentAccess]:
    """The rows with who opened each file as the data subject reads it (`DocumentAccess.opener_for`)."""
    rows = list(rows)
    for row in rows:
        row.opener = row.opener_for(viewer)
    return rows


def _page(request, rows):
    page = Paginator(rows, ACCESSES_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = labelled(page.object_list, request.user)
    return page


@require_GET
@citizen_only
def dossier_accesses(request, pk):
    """Ai đã xem giấy tờ của tôi: every file of the dossier opened, newest first."""
    dossier = selectors.own_dossier(request.user, pk)
    page = _page(request, DocumentAccess.objects.of_dossier(dossier))
    return render(request, "dossiers/citizen/accesses.html", {"dossier": dossier, "page": page})


@require_GET
@citizen_only
def data_store_accesses(request):
    """The files of the citizen's data store opened outside a dossier: by them, or through a shared link."""
    page = _page(request, DocumentAccess.objects.of_data_store(request.user))
    return render(request, "dossiers/citizen/accesses.html", {"dossier": None, "page": page})


@require_GET
@staff_only
def access_export(request):
    """The auditors' export: a period (at most a year) and an agency, as CSV streamed row by row."""
    if not policies.may_audit_document_accesses(request.user):
        raise PermissionDenied(_("Only the portal's auditors export who opened which file."))
    form = AccessExportForm(request.GET or None, initial=_this_month())
    if not form.is_valid():
        status = 400 if request.GET else 200
        return render(request, "dossiers/staff/access_export.html", {"form": form}, status=status)
    first, last = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    agency = form.cleaned_data["agency"]
    response = StreamingHttpResponse(csv_lines(first, last, agency), content_type="text/csv; charset=utf-8")
    scope = agency.code if agency is not None else "tat-ca"
    name = f"nhat-ky-mo-giay-to-{scope}-{first:%Y%m%d}-{last:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _this_month() -> dict:
    today = clock.localdate()
    return {"date_from": today.replace(day=1), "date_to": today}
