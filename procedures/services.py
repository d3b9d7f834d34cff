"""Use cases of the catalogue: draft, review, publish, archive, new version. One transaction each."""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from common import clock

from . import selectors
from .models import (
    Agency,
    CatalogueWord,
    Procedure,
    ProcedureFee,
    ProcedureVersion,
    RequiredDocument,
    VersionStatus,
)
from .selectors import open_version_of

if TYPE_CHECKING:  # accounts sits above procedures: a type-only import
    from accounts.types import Actor


def can_edit_catalogue(user: "Actor") -> bool:
    return user.is_active and user.has_perm("procedures.change_procedureversion")


def can_publish_catalogue(user: "Actor") -> bool:
    return user.is_active and user.has_perm("procedures.publish_procedureversion")


def is_own_work(user: "Actor", version: ProcedureVersion) -> bool:
    """The user drafted or submitted this version."""
    return user.pk is not None and user.pk in {version.created_by_id, version.submitted_by_id}


def four_eyes_forbid_publishing(user: "Actor", version: ProcedureVersion) -> bool:
    """Four eyes (CATALOGUE_FOUR_EYES, on by default): whoever drafted or submitted a version may not be
    the one who publishes it; a second reviewer must."""
    return settings.CATALOGUE_FOUR_EYES and is_own_work(user, version)


def four_eyes_message() -> str:
    return _(
        "You drafted or submitted this version: under the four-eyes rule, another catalogue reviewer must "
        "publish it."
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _lock(version: ProcedureVersion) -> ProcedureVersion:
    return ProcedureVersion.objects.select_for_update().get(pk=version.pk)


def create_new_version(*, version: ProcedureVersion, by: "Actor") -> ProcedureVersion:
    """Copy an entry into a new draft: published and archived versions are never edited in place."""
    _require(can_edit_catalogue(by), _("You may not edit the catalogue."))
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
        open_draft = open_version_of(procedure.national_code)
        if open_draft is not None:
            raise ValidationError(
                _("Version %(number)s of this procedure is still being edited or reviewed: finish it first.")
                % {"number": open_draft.version_number}
            )
        number = (procedure.versions.aggregate(n=Max("version_number"))["n"] or 0) + 1
        source = ProcedureVersion.objects.get(pk=version.pk)
        agencies = list(source.agencies.all())
        fees = list(source.fees.all())
        documents = list(source.documents.all())

        draft = source
        draft.pk = None
        draft._state.adding = True
        draft.version_number = number
        for name in ("submitted_by", "reviewed_by", "submitted_at", "published_at", "archived_at"):
            setattr(draft, name, None)
        draft.change_note = draft.review_note = ""
        draft.created_by = by
        # The status field is protected against assignment; a copy starts as a fresh draft.
        draft.__dict__["status"] = VersionStatus.DRAFT
        draft.save()
        draft.agencies.set(agencies)
        for row in fees + documents:
            row.pk = None
            row._state.adding = True
            row.version = draft
        ProcedureFee.objects.bulk_create(fees)
        RequiredDocument.objects.bulk_create(documents)
        return draft


def submit_for_review(*, version: ProcedureVersion, by: "Actor", change_note: str = "") -> ProcedureVersion:
    """An editor hands a complete draft to a reviewer; an entry never goes public unreviewed."""
    _require(can_edit_catalogue(by), _("You may not edit the catalogue."))
    with transaction.atomic():
        version = _lock(version)
        version.full_clean()
        if not version.agencies.exists():
            raise ValidationError(_("Name at least one agency that decides this procedure."))
        if not version.documents.exists():
            raise ValidationError(_("List the documents the applicant must provide."))
        version.submit_for_review()
        version.submitted_by = by
        version.submitted_at = clock.now()
        if change_note:
            version.change_note = change_note
        version.save()
        return version


def send_back_to_draft(*, version: ProcedureVersion, by: "Actor", note: str) -> ProcedureVersion:
    _require(can_publish_catalogue(by), _("Only a catalogue reviewer may send an entry back."))
    if not note.strip():
        raise ValidationError(_("Say what must change before the entry can be published."))
    with transaction.atomic():
        version = _lock(version)
        version.send_back()
        version.review_note = note.strip()
        version.reviewed_by = by
        version.save()
        return version


def publish(*, version: ProcedureVersion, by: "Actor") -> ProcedureVersion:
    """Publish a reviewed version; the version it replaces is archived but stays readable, because
    dossiers filed under it keep pointing at it. Refused to whoever drafted or submitted it (four eyes)."""
    _require(can_publish_catalogue(by), _("Only a catalogue reviewer may publish."))
    with transaction.atomic():
        Procedure.objects.select_for_update().get(pk=version.procedure_id)
        version = _lock(version)
        _require(not four_eyes_forbid_publishing(by, version), four_eyes_message())
        now = clock.now()
        for previous in ProcedureVersion.objects.select_for_update().filter(
            procedure_id=version.procedure_id, status=VersionStatus.PUBLISHED
        ):
            previous.archive()
            previous.archived_at = now
            previous.save()
        version.publish()
        version.reviewed_by = by
        version.published_at = now
        version.save()
        transaction.on_commit(refresh_search_vocabulary)
        return version


def archive(*, version: ProcedureVersion, by: "Actor") -> ProcedureVersion:
    """Withdraw a published entry from the public catalogue (e.g. the procedure was abolished)."""
    _require(can_publish_catalogue(by), _("Only a catalogue reviewer may archive."))
    with transaction.atomic():
        version = _lock(version)
        version.archive()
        version.archived_at = clock.now()
        version.save()
        transaction.on_commit(refresh_search_vocabulary)
        return version


def attach_form_template(*, document: RequiredDocument, form: File, by: "Actor") -> RequiredDocument:
    """Give a required document of a draft its blank form (the "Tờ khai … theo mẫu" an applicant fills
    in); a published version's documents are frozen, like the rest of it."""
    _require(can_edit_catalogue(by), _("You may not edit the catalogue."))
    with transaction.atomic():
        version = _lock(document.version)
        if not version.is_editable:
            raise ValidationError(
                _("Only a draft can be edited: to change this entry, create a new version.")
            )
        document = RequiredDocument.objects.get(pk=document.pk)
        document.form_template = form
        document.full_clean(exclude=["version"])
        document.save(update_fields=["form_template"])
        return document


def refresh_search_vocabulary() -> int:
    """Keep the word list of published entries in step with the catalogue, and have the public catalogue
    pages kept in the cache read anew (run after every change to what is published); returns the word
    count."""
    words: set[str] = set()
    for text in ProcedureVersion.objects.published().values_list("search_text", flat=True).iterator():
        words.update(w for w in text.split() if 1 < len(w) <= 60 and not w.isdigit())
    with transaction.atomic():
        existing = set(CatalogueWord.objects.values_list("word", flat=True))
        stale = sorted(existing - words)
        for start in range(0, len(stale), 500):
            CatalogueWord.objects.filter(word__in=stale[start : start + 500]).delete()
        CatalogueWord.objects.bulk_create(
            [CatalogueWord(word=w) for w in sorted(words - existing)], ignore_conflicts=True, batch_size=500
        )
    selectors.forget_catalogue_pages()
    return len(words)


def add_draft(
    *,
    version: ProcedureVersion,
    national_code: str,
    by: "Actor | None" = None,
    agencies: Iterable[Agency] | None = None,
    fees: Sequence[ProcedureFee] = (),
    documents: Sequence[RequiredDocument] = (),
) -> ProcedureVersion:
    """Save an entry typed in the admin or read from an import as a new draft: a new procedure for a new
    national code, the next version number for a known one. Like create_new_version, refused while that
    procedure already has a draft or a version in review. `by=None` is a system import (manage.py)."""
    if by is not None:
        _require(can_edit_catalogue(by), _("You may not edit the catalogue."))
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().filter(national_code=national_code).first()
        if procedure is None:
            procedure = Procedure(national_code=national_code)
            procedure.full_clean()
            procedure.save()
        open_version = open_version_of(national_code)
        if open_version is not None:
            raise ValidationError(
                _("Version %(number)s of this procedure is still being edited or reviewed: finish it first.")
                % {"number": open_version.version_number}
            )
        version.procedure = procedure
        version.version_number = (procedure.versions.aggregate(n=Max("version_number"))["n"] or 0) + 1
        version.created_by = by
        version.full_clean()
        version.save()
        if agencies is not None:
            version.agencies.set(agencies)
        rows: list[ProcedureFee | RequiredDocument] = [*fees, *documents]
        for row in rows:
            row.version = version
        ProcedureFee.objects.bulk_create(fees)
        RequiredDocument.objects.bulk_create(documents)
        return version
