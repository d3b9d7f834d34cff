"""The public catalogue's pages. They read from the replica when there is one (common/replica.py): an entry
published a moment ago may show a moment later. The catalogue page and a procedure's page are the same for
every visitor: their content is kept in the cache until the catalogue changes (a publish or an archive
commits) or CATALOGUE_PAGE_CACHE_SECONDS pass, the staleness left for what changes outside the services
(an agency's name or address edited in the admin)."""

from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.downloads import sandboxed
from common.kept import kept
from common.replica import reads_lag_tolerant

from . import selectors
from .forms import CatalogueSearchForm
from .models import FORM_TEMPLATE_TYPES, ProcedureVersion, RequiredDocument, VersionStatus
from .text import fold

PUBLIC_STATUSES = [VersionStatus.PUBLISHED, VersionStatus.ARCHIVED]


class PublicContent(NamedTuple):
    """A catalogue page's own part (the layout around it is the visitor's: signed in or not)."""

    title: str
    html: str
    status: int


def _public_page(request, parts: tuple, build: Callable[[], PublicContent]):
    """The page's content from the cache, or built and kept there when it is a 200 (a refused search and a
    404 are built each time)."""
    content = kept(
        "procedures:page",
        (get_language(), selectors.catalogue_generation(), parts),
        build,
        settings.CATALOGUE_PAGE_CACHE_SECONDS,
        keep=lambda built: built.status == 200,
    )
    return render(
        request,
        "procedures/public_page.html",
        {"title": content.title, "content": content.html},
        status=content.status,
    )


SEARCH_PARAMETERS = (*CatalogueSearchForm.base_fields, "page")


@reads_lag_tolerant
def catalogue(request):
    def build() -> PublicContent:
        form = CatalogueSearchForm(request.GET or None)
        versions = selectors.published_procedures(form.to_filters())
        page = Paginator(versions, 20).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        html = render_to_string(
            "procedures/_catalogue.html",
            {"form": form, "page": page, "query_string": query.urlencode()},
            request,
        )
        # A refused filter (a search text over the length limit, an unknown field) is shown beside its box.
        status = 400 if form.is_bound and not form.is_valid() else 200
        return PublicContent(str(_("Procedures")), html, status)

    asked = tuple(
        (name, tuple(request.GET.getlist(name))) for name in SEARCH_PARAMETERS if name in request.GET
    )
    return _public_page(request, ("catalogue", asked), build)


SUGGESTIONS_MIN_LENGTH = 2


@require_GET
@reads_lag_tolerant
def suggestions(request):
    """The procedures matching what is being typed in a field that names one (`common.forms.SuggestInput`):
    {"suggestions": ["1.001193 — Đăng ký khai sinh", …]}, the catalogue search's best matches, kept in the
    cache like the catalogue's pages."""
    text = " ".join(request.GET.get("q", "").split())[: selectors.SEARCH_MAX_LENGTH]
    if len(text) < SUGGESTIONS_MIN_LENGTH:
        return JsonResponse({"suggestions": []})
    labels = kept(
        "procedures:suggestions",
        (selectors.catalogue_generation(), fold(text)),
        lambda: [version.code_and_name() for version in selectors.procedures_matching(text)],
        settings.CATALOGUE_PAGE_CACHE_SECONDS,
    )
    return JsonResponse({"suggestions": labels})


def _file_online_url(version: ProcedureVersion) -> str | None:
    """The online-filing entry point, once the dossiers app provides one."""
    try:
        return reverse("dossiers:start", args=[version.procedure.national_code])
    except NoReverseMatch:
        return None


@reads_lag_tolerant
def procedure_detail(request, national_code):
    def build() -> PublicContent:
        version = selectors.published_version_of(national_code)
        if version is None:
            raise Http404
        context = {"version": version, "file_online_url": _file_online_url(version)}
        return PublicContent(version.name, render_to_string("procedures/_detail.html", context, request), 200)

    return _public_page(request, ("detail", national_code), build)


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
