"""Files out of private storage. MEDIA_ROOT is never served: every file goes through here, and only to
the people `Dossier.objects.visible_to` names (the applicant, staff of the receiving and handling
agencies) or, for the personal data store, to its owner."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.decorators import citizen_only
from common.downloads import user_file

from ..models import Dossier, DossierDocument, StoredFile

FILES_PER_PAGE = 20


def _file_response(stored: StoredFile) -> FileResponse:
    """Uploaded content, served so it can never act as a page of the portal (common.downloads.user_file)."""
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return user_file(handle, filename=stored.original_name, content_type=stored.content_type)


@require_GET
@login_required
def document(request, pk):
    """A file attached to a dossier the person may see; for everyone else it does not exist (404)."""
    document = (
        DossierDocument.objects.filter(pk=pk, dossier__in=Dossier.objects.visible_to(request.user))
        .select_related("stored_file")
        .first()
    )
    if document is None:
        raise Http404
    return _file_response(document.stored_file)


@require_GET
@login_required
def stored_file(request, pk):
    """A file from the signed-in person's own data store."""
    stored = StoredFile.objects.filter(pk=pk, owner=request.user).first()
    if stored is None:
        raise Http404
    return _file_response(stored)


@citizen_only
def data_store(request):
    """Kho dữ liệu điện tử: every file the citizen uploaded or received, and the dossiers it went into."""
    files = StoredFile.objects.filter(owner=request.user).prefetch_related(
        Prefetch(
            "uses",
            queryset=DossierDocument.objects.filter(dossier__in=Dossier.objects.owned_by(request.user))
            .select_related("dossier__procedure_version", "required_document")
            .order_by("-added_at"),
        )
    )
    page = Paginator(files.order_by("-uploaded_at", "-pk"), FILES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "dossiers/citizen/data_store.html", {"page": page})
