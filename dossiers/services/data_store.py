"""The citizen's data store (kho dữ liệu điện tử, issue 16): what a stored paper is (kind, issuer, number,
validity), taking the store's papers into a new filing in one click, sharing one paper by a time-limited link,
the desk's digitised copies (attested by the clerk) and the agency's signed results landing in the store."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.types import Actor
from common import clock
from procedures.models import DocumentKind, RequiredDocument

from .. import document_kinds, policies
from ..models import Dossier, DossierDocument, StoredFile, StoredFileShare
from .base import locked, require
from .filing import add_to_slot, check_editable, check_slot, count_reuse

SHARE_DAYS = (1, 7, 30)  # what the data store page offers; at most StoredFileShare.MAX_DAYS
ISSUER_MAX_LENGTH = StoredFile._meta.get_field("issuer").max_length
NUMBER_MAX_LENGTH = StoredFile._meta.get_field("number").max_length


def describe_stored_file(
    *,
    stored_file: StoredFile,
    by: Actor,
    kind: DocumentKind | None,
    issuer: str = "",
    number: str = "",
    valid_until: datetime.date | None = None,
) -> StoredFile:
    """The owner says what an uploaded paper is. A result or a digitised copy is the agency's word: its
    owner cannot change it."""
    if stored_file.owner_id != by.pk:
        raise PermissionDenied(_("This file is not in your data store."))
    if stored_file.is_agency_issued:
        raise ValidationError(_("Results and copies digitised at the desk are described by the agency."))
    with transaction.atomic():
        stored = StoredFile.objects.select_for_update().get(pk=stored_file.pk)
        stored.kind = kind
        stored.issuer = issuer.strip()[:ISSUER_MAX_LENGTH]
        stored.number = number.strip()[:NUMBER_MAX_LENGTH]
        stored.valid_until = valid_until
        stored.save(update_fields=["kind", "issuer", "number", "valid_until"])
        return stored


def attach_from_store(
    *, dossier: Dossier, picks: Sequence[tuple[RequiredDocument, StoredFile]], by: Actor
) -> list[DossierDocument]:
    """ "Dùng các giấy tờ này": the papers the documents step offered from the store, each into its slot, in
    one transaction (all or none). A slot already filled is left as it is; each reuse is counted."""
    require(policies.is_owner(by, dossier))
    today = timezone.localdate(clock.now())
    for required_document, stored in picks:
        check_slot(dossier, required_document)
        if stored.owner_id != dossier.applicant_id:
            raise PermissionDenied(_("This file is not in your data store."))
        if not stored.is_valid_on(today):
            raise ValidationError(
                _("“%(name)s” expired on %(date)s: upload a valid one.")
                % {"name": stored.original_name, "date": f"{stored.valid_until:%d/%m/%Y}"}
            )
    added = []
    with locked(dossier) as dossier:
        check_editable(dossier, DossierDocument.Kind.APPLICATION)
        filled = set(
            dossier.documents.filter(kind=DossierDocument.Kind.APPLICATION).values_list(
                "required_document_id", flat=True
            )
        )
        for required_document, stored in picks:
            if required_document.pk in filled:
                continue
            added.append(
                DossierDocument.objects.create(
                    dossier=dossier,
                    required_document=required_document,
                    stored_file=stored,
                    reused=True,
                    added_by=by,
                )
            )
            filled.add(required_document.pk)
            count_reuse(stored)
    return added


def share_stored_file(*, stored_file: StoredFile, by: Actor, days: int) -> StoredFileShare:
    """A link to one paper that anyone holding it may download for `days` days (1 to 30), until revoked."""
    if stored_file.owner_id != by.pk:
        raise PermissionDenied(_("This file is not in your data store."))
    if not 1 <= days <= StoredFileShare.MAX_DAYS:
        raise ValidationError(
            _("A link can be valid for 1 to %(days)s days.") % {"days": StoredFileShare.MAX_DAYS}
        )
    now = clock.now()
    return StoredFileShare.objects.create(
        stored_file=stored_file, created_by=by, created_at=now, expires_at=now + datetime.timedelta(days=days)
    )


def revoke_share(*, share: StoredFileShare, by: Actor) -> StoredFileShare:
    """The owner ends a link at once; revoking twice changes nothing."""
    if share.stored_file.owner_id != by.pk:
        raise PermissionDenied(_("This file is not in your data store."))
    StoredFileShare.objects.filter(pk=share.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
    share.refresh_from_db()
    return share


def digitise_document(
    *,
    dossier: Dossier,
    required_document: RequiredDocument | None,
    uploaded: UploadedFile,
    clerk: Actor,
    attested: bool,
) -> DossierDocument:
    """Số hóa tại bộ phận một cửa: the clerk scans the paper brought to the desk into its slot and attests
    the copy matches the original (who, when: on the stored file). It goes into the applicant's data store
    as "digitised" (Decree 45/2020 art. 25: a copy digitised and attested at intake is reused later)."""
    require(policies.may_digitise(clerk, dossier))
    if not attested:
        raise ValidationError(_("Tick “I attest this copy matches the original” to digitise it."))
    check_slot(dossier, required_document)
    with locked(dossier) as dossier:
        require(policies.may_digitise(clerk, dossier))  # on the locked row: the state may have moved on
        return add_to_slot(
            dossier=dossier,
            required_document=required_document,
            uploaded=uploaded,
            by=clerk,
            source=StoredFile.Source.DIGITISED,
            attested_by=clerk,
            attested_at=clock.now(),
        )


def prepare_result_file(
    *,
    owner: Actor,
    content: bytes,
    name: str,
    label: str,
    issuer: str,
    number: str,
    content_type: str = "application/pdf",
    paper_name: str = "",
) -> StoredFile:
    """A result an agency issued (e.g. the signed e-result), for the applicant's data store as source
    "result" with its issuer and number, and the document kind `paper_name` (the catalogue's result name)
    is, so a later filing that asks for that kind takes it. The file is written now; the row is returned
    unsaved, for the caller to save in the same short transaction as its own row (and to delete the file
    if that fails)."""
    kind = document_kinds.kind_for_name(paper_name, DocumentKind.objects.all()) if paper_name else None
    stored = StoredFile(
        owner=owner,
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        label=label[:500],
        source=StoredFile.Source.RESULT,
        issuer=issuer[:ISSUER_MAX_LENGTH],
        number=number[:NUMBER_MAX_LENGTH],
        kind=kind,
    )
    stored.file.save(
        "result.pdf" if content_type == "application/pdf" else "result", ContentFile(content), save=False
    )
    return stored
