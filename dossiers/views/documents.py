"""Files out of private storage. MEDIA_ROOT is never served: every file goes through here, and only to
the people `Dossier.objects.visible_to` names (the applicant, staff of the receiving and handling
agencies) or, for the personal data store, to its owner — and one stored file to whoever holds a live link
its owner made (`shared_file`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common import clock
from common.decorators import citizen_only
from common.downloads import user_file
from procedures.models import DocumentKind

from .. import selectors, services
from ..forms import ShareForm, StoredFileDescriptionForm
from ..models import DocumentAccess, Dossier, DossierDocument, StoredFile, StoredFileShare
from ..services.access_log import logs_document_access, record_request_access

FILES_PER_PAGE = 20


def _file_response(stored: StoredFile) -> FileResponse:
    """Uploaded content, served so it can never act as a page of the portal (common.downloads.user_file)."""
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return user_file(handle, filename=stored.original_name, content_type=stored.content_type)


def _logged_file_response(
    request, stored: StoredFile, what: str, dossier: Dossier | None = None, via: str = DocumentAccess.Via.WEB
) -> FileResponse:
    """The file, once who opened it is logged (services.access_log; the view carries @logs_document_access):
    if the row cannot be written, the file is not served."""
    response = _file_response(stored)
    try:
        record_request_access(
            request, what=what, file_name=stored.original_name, via=via, dossier=dossier, stored_file=stored
        )
    except BaseException:
        response.close()
        raise
    return response


@require_GET
@login_required
@logs_document_access
def document(request, pk):
    """A file attached to a dossier the person may see; for everyone else it does not exist (404)."""
    document = (
        DossierDocument.objects.filter(pk=pk, dossier__in=Dossier.objects.visible_to(request.user))
        .select_related("stored_file", "dossier")
        .first()
    )
    if document is None:
        raise Http404
    what = DocumentAccess.What.DOCUMENT
    return _logged_file_response(request, document.stored_file, what, document.dossier)


@require_GET
@login_required
@logs_document_access
def stored_file(request, pk):
    """A file from the signed-in person's own data store."""
    stored = _own_file(request, pk)
    return _logged_file_response(request, stored, DocumentAccess.What.STORED_FILE)


@citizen_only
def data_store(request):
    """Kho dữ liệu điện tử: every file the citizen uploaded or received, what it is, the dossiers it went
    into, and the links that share it."""
    files = (
        StoredFile.objects.filter(owner=request.user)
        .select_related("kind", "attested_by")
        .prefetch_related(
            Prefetch(
                "uses",
                queryset=DossierDocument.objects.filter(dossier__in=Dossier.objects.owned_by(request.user))
                .select_related("dossier__procedure_version", "required_document")
                .order_by("-added_at"),
            )
        )
    )
    page = Paginator(files.order_by("-uploaded_at", "-pk"), FILES_PER_PAGE).get_page(request.GET.get("page"))
    shares = selectors.live_shares(request.user)
    for stored in page:
        stored.live_shares = [
            {
                "share": share,
                "url": request.build_absolute_uri(reverse("dossiers:shared_file", args=[share.token])),
            }
            for share in shares.get(stored.pk, [])
        ]
    return render(
        request,
        "dossiers/citizen/data_store.html",
        {
            "page": page,
            "kinds": list(DocumentKind.objects.order_by("name")),
            "share_form": ShareForm(),
            "today": timezone.localdate(clock.now()),
        },
    )


def _own_file(request, pk) -> StoredFile:
    stored = StoredFile.objects.filter(pk=pk, owner=request.user).first()
    if stored is None:
        raise Http404
    return stored


def _back_to_store(request, stored: StoredFile):
    page = request.POST.get("page", "")
    query = f"?page={page}" if page.isdigit() else ""
    return redirect(reverse("dossiers:data_store") + query + f"#file-{stored.pk}")


@require_POST
@citizen_only
def describe_file(request, pk):
    """The owner says what an uploaded paper is (kind, issuer, number, validity)."""
    stored = _own_file(request, pk)
    form = StoredFileDescriptionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back_to_store(request, stored)
    try:
        services.describe_stored_file(stored_file=stored, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved: %(name)s.") % {"name": stored.original_name})
    return _back_to_store(request, stored)


@require_POST
@citizen_only
def share_file(request, pk):
    """A time-limited link to one paper, for someone without access to the portal (a bank, an employer)."""
    stored = _own_file(request, pk)
    form = ShareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how long the link works: 1, 7 or 30 days."))
        return _back_to_store(request, stored)
    try:
        share = services.share_stored_file(
            stored_file=stored, by=request.user, days=form.cleaned_data["days"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Link created for “%(name)s”, valid until %(time)s. Copy it from the list below the file.")
            % {
                "name": stored.original_name,
                "time": date_format(timezone.localtime(share.expires_at), "H:i d/m/Y"),
            },
        )
    return _back_to_store(request, stored)


@require_POST
@citizen_only
def revoke_share(request, pk):
    share = (
        StoredFileShare.objects.filter(pk=pk, stored_file__owner=request.user)
        .select_related("stored_file")
        .first()
    )
    if share is None:
        raise Http404
    services.revoke_share(share=share, by=request.user)
    messages.success(request, _("The link no longer works."))
    return _back_to_store(request, share.stored_file)


@require_GET
@logs_document_access
def shared_file(request, token):
    """/dossiers/chia-se/<token>/: anyone holding a live link downloads that one file; an unknown token is
    404, an expired or revoked one 410, each with a page that says so."""
    share = selectors.share_by_token(token)
    if share is None:
        return render(request, "dossiers/shared_gone.html", {"reason": "unknown"}, status=404)
    if share.revoked_at is not None:
        return render(request, "dossiers/shared_gone.html", {"reason": "revoked"}, status=410)
    if not share.is_live(clock.now()):
        return render(request, "dossiers/shared_gone.html", {"reason": "expired", "share": share}, status=410)
    return serve_shared_file(request, share)


def serve_shared_file(request, share: StoredFileShare):
    """The one place a shared link hands over its file (the access log hooks in here)."""
    try:
        what, via = DocumentAccess.What.SHARE_LINK, DocumentAccess.Via.SHARE
        return _logged_file_response(request, share.stored_file, what, via=via)
    except Http404:
        return render(request, "dossiers/shared_gone.html", {"reason": "unknown"}, status=404)
