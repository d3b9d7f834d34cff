"""The public catalogue's pages. They read from the replica when there is one (common/replica.py): an entry
published a moment ago may show a moment later."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse

from common.downloads import sandboxed
from common.replica import reads_lag_tolerant

from . import selectors
from .forms import CatalogueSearchForm
from .models import FORM_TEMPLATE_TYPES, ProcedureVersion, RequiredDocument, VersionStatus

PUBLIC_STATUSES = [VersionStatus.PUBLISHED, VersionStatus.ARCHIVED]


@reads_lag_tolerant
def catalogue(request):
    form = CatalogueSearchForm(request.GET or None)
    versions = selectors.published_procedures(form.to_filters())
    page = Paginator(versions, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # A refused filter (a search text over the length limit, an unknown field) is shown beside its box.
    return render(
        request,
        "procedures/catalogue.html",
        {"form": form, "page": page, "query_string": query.urlencode()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _file_online_url(version: ProcedureVersion) -> str | None:
    """The online-filing entry point, once the dossiers app provides one."""
    try:
        return reverse("dossiers:start", args=[version.procedure.national_code])
    except NoReverseMatch:
        return None


@reads_lag_tolerant
def procedure_detail(request, national_code):
    version = selectors.published_version_of(national_code)
    if version is None:
        raise Http404
    return render(
        request, "procedures/detail.html", {"version": version, "file_online_url": _file_online_url(version)}
    )


@reads_lag_tolerant
def procedure_version_detail(request, national_code, version_number):
    """An earlier version stays readable: a dossier filed under it links here."""
    version = get_object_or_404(
        ProcedureVersion.objects.select_related("procedure", "field").prefetch_related(
            "agencies", "fees", "documents"
        ),
        procedure__national_code=national_code,
        version_number=version_number,
        status__in=PUBLIC_STATUSES,
    )
    return render(request, "procedures/detail.html", {"version": version, "file_online_url": None})


@reads_lag_tolerant
def form_template(request, pk):
    """The blank form of a required document, for the applicant to fill in. Form templates of public
    entries (published, or archived but kept for the dossiers filed under them) are public documents;
    drafts' and entries in review are not (404). Served as a download of a known type, named after the
    document, never as a page of the portal."""
    document = get_object_or_404(RequiredDocument, pk=pk, version__status__in=PUBLIC_STATUSES)
    if not document.form_template:
        raise Http404
    try:
        handle = document.form_template.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.form_template_download_name,
        content_type=FORM_TEMPLATE_TYPES.get(document.form_template_extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return sandboxed(response)  # an uploaded file (by catalogue admins): never a page of the portal
