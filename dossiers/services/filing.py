"""Filing: a citizen's draft and its files, the checks before filing, submitting; a clerk registering a
dossier brought to the desk or sent by post; discarding a draft; withdrawing before a decision."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.types import Actor
from common import clock
from procedures import selectors as catalogue
from procedures.models import (
    Agency,
    DocumentKind,
    GovernmentLevel,
    ProcedureFee,
    ProcedureVersion,
    RequiredDocument,
    VersionStatus,
)

from .. import codes, fee_lines, policies, selectors, working_days
from ..models import (
    Channel,
    Dossier,
    DossierDocument,
    DossierEvent,
    ReturnChannel,
    RuleSet,
    State,
    StoredFile,
)
from ..uploads import check_upload
from .base import changing, locked, require

Action = DossierEvent.Action
PURPOSE_MAX_LENGTH = 2000


class AssuranceTooLow(ValidationError):
    """The sign-in is weaker than the procedure version requires to file online (`required_loa`): the
    message says plainly how the citizen raises it (VNeID level 2: identity verified in person)."""

    def __init__(self, *, required: int, current: int) -> None:
        self.required, self.current = required, current
        if current > 0:
            reason = _("The VNeID account you signed in with is at level %(level)s.") % {"level": current}
        else:
            reason = _("You signed in with a portal password, not through VNeID.")
        if required >= 2:
            need = _(
                "This procedure can be filed online only by a person signed in with a level-2 electronic "
                "identity account (VNeID level 2: identity verified in person)."
            )
            how = _(
                "To raise it to level 2: bring your chip-based ID card to the police of your commune or ward "
                "to have your identity verified, then activate level 2 in the VNeID app. Then sign in here "
                "again through VNeID."
            )
        else:
            need = _(
                "This procedure can be filed online only by a person signed in through the national "
                "electronic identity service (VNeID)."
            )
            how = _(
                "Sign in here again through VNeID. No VNeID account yet? Register in the VNeID app with "
                "your personal identification number."
            )
        desk = _("You can also file it at the one-stop-shop desk with your ID card.")
        self.parts = [f"{need} {reason}", str(how), str(desk)]  # a paragraph each on a page
        super().__init__(" ".join(self.parts), code="assurance_too_low")


def check_assurance(version: ProcedureVersion, assurance: int) -> None:
    """Refuse online filing below the version's required level of assurance (issue 13, item 4)."""
    if not policies.assurance_suffices(version, assurance):
        raise AssuranceTooLow(required=version.required_loa, current=assurance)


def receiving_agencies_for(version: ProcedureVersion) -> list[Agency]:
    return list(version.agencies.filter(is_legacy=False))


def last_filing_of(version: ProcedureVersion, applicant: Actor) -> Dossier | None:
    """The applicant's last filed dossier of the same procedure (any version): what a repeat filing reuses."""
    return (
        Dossier.objects.filter(applicant=applicant, procedure_version__procedure_id=version.procedure_id)
        .exclude(state=State.DRAFT)
        .order_by("-submitted_at", "-created_at")
        .first()
    )


def preferred_agency(
    version: ProcedureVersion, applicant: Actor, agencies: list[Agency], last: Dossier | None = None
) -> Agency | None:
    """The office to offer first: the one of the applicant's last dossier of this procedure; else, for a
    procedure received at commune level, the commune office of the commune in the applicant's profile."""
    if last is not None and last.receiving_agency_id in {agency.pk for agency in agencies}:
        return next(agency for agency in agencies if agency.pk == last.receiving_agency_id)
    profile = getattr(applicant, "profile", None)
    commune = profile.commune if profile is not None and profile.commune_id else None
    if commune is None or GovernmentLevel.COMMUNE not in version.level_list:
        return None
    commune = commune.current()
    return next(
        (
            agency
            for agency in agencies
            if agency.kind == Agency.Kind.COMMUNE and agency.administrative_unit_id == commune.pk
        ),
        None,
    )


def repeat_prefill(version: ProcedureVersion, last: Dossier | None) -> dict[str, Any]:
    """What the applicant's last dossier of this procedure said that a new one would ask again: the request
    (and the answers its fees count, e.g. copies) and how the result came back."""
    if last is None:
        return {}
    old = last.form_data if isinstance(last.form_data, dict) else {}
    counted = {fee.quantity_field for fee in version.fees.all() if fee.quantity_field}
    form_data = {key: old[key] for key in ["purpose", *sorted(counted)] if old.get(key) not in (None, "")}
    data: dict[str, Any] = {"form_data": form_data} if form_data else {}
    if last.return_channel in version.return_channels:
        data["return_channel"] = last.return_channel
        if last.delivery_address:
            data["delivery_address"] = last.delivery_address
    return data


def applicant_prefill(user: Actor) -> dict[str, Any]:
    """What the portal already knows: the profile first, the last dossier for what the profile lacks."""
    data = {"applicant_name": user.full_name, "applicant_email": user.email}
    last = Dossier.objects.filter(applicant=user).exclude(state=State.DRAFT).order_by("-created_at").first()
    if last is not None:
        data.update(
            applicant_name=last.applicant_name or data["applicant_name"],
            applicant_id_number=last.applicant_id_number,
            applicant_phone=last.applicant_phone,
            applicant_address=last.applicant_address,
            delivery_address=last.delivery_address,
        )
    profile = getattr(user, "profile", None)
    if profile is not None:
        for key, value in {
            # An enterprise's account files for the enterprise: its name and tax code head the applicant.
            "applicant_name": _("%(name)s (tax code %(tax_code)s)")
            % {"name": profile.organisation_name, "tax_code": profile.tax_code}
            if profile.is_enterprise
            else profile.full_name,
            "applicant_id_number": profile.personal_id,
            "applicant_phone": profile.phone,
            "applicant_address": profile.address,
        }.items():
            if value:
                data[key] = value
        data.setdefault("delivery_address", profile.address)
    return data


def start_draft(
    *,
    version: ProcedureVersion,
    applicant: Actor,
    receiving_agency: Agency | None = None,
    form_data: dict[str, Any] | None = None,
    assurance: int = 0,
) -> Dossier:
    """A citizen starts filing: a draft under the published version, prefilled from what is known (the
    profile, and for a repeat filing the request, the office and the return of the last one).
    `assurance`: the level of assurance of the sign-in (0 when not given: a forgotten argument refuses a
    procedure that needs VNeID rather than letting it through)."""
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("This procedure is not open for filing."))
    check_assurance(version, assurance)
    agencies = receiving_agencies_for(version)
    last = last_filing_of(version, applicant)
    if receiving_agency is None:
        receiving_agency = preferred_agency(version, applicant, agencies, last) or (
            agencies[0] if agencies else None
        )
    if receiving_agency not in agencies:
        raise ValidationError(_("Choose one of the agencies that handle this procedure."))
    channels = version.return_channels
    known = {**applicant_prefill(applicant), **repeat_prefill(version, last)}
    known.setdefault("return_channel", ReturnChannel.ELECTRONIC if "electronic" in channels else channels[0])
    if form_data is not None:
        known["form_data"] = form_data
    with transaction.atomic():
        dossier = Dossier(
            procedure_version=version,
            applicant=applicant,
            channel=Channel.ONLINE,
            receiving_agency=receiving_agency,
            handling_agency=receiving_agency,
            **known,
        )
        dossier.save()
        return dossier


DRAFT_FIELDS = {
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "form_data",
    "receiving_agency",
    "return_channel",
    "delivery_address",
}


WIZARD_STEPS = ("applicant", "details", "documents", "delivery")


def update_draft(*, dossier: Dossier, by: Actor, saved_step: str = "", **changes: Any) -> Dossier:
    """Save what the applicant typed on one wizard page (`saved_step`: the page, so the step list shows
    it done); a draft is kept between visits."""
    require(policies.is_owner(by, dossier))
    unknown = set(changes) - DRAFT_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if saved_step and saved_step not in WIZARD_STEPS:
        raise ValueError(f"Not a wizard step: {saved_step!r}")
    with locked(dossier) as dossier:
        if dossier.state != State.DRAFT:
            raise ValidationError(_("Only a draft can be changed."))
        if "receiving_agency" in changes:
            if changes["receiving_agency"] not in receiving_agencies_for(dossier.procedure_version):
                raise ValidationError(_("Choose one of the agencies that handle this procedure."))
            changes["handling_agency"] = changes["receiving_agency"]
        if (
            "return_channel" in changes
            and changes["return_channel"] not in dossier.procedure_version.return_channels
        ):
            raise ValidationError(_("This procedure does not return results that way."))
        for name, value in changes.items():
            setattr(dossier, name, value)
        if saved_step and saved_step not in dossier.steps_saved:
            dossier.steps_saved = [*dossier.steps_saved, saved_step]
        dossier.save()
        return dossier


def check_slot(dossier: Dossier, required_document: RequiredDocument | None) -> None:
    if required_document is not None and required_document.version_id != dossier.procedure_version_id:
        raise ValidationError(_("This document is not part of this procedure."))


def store_upload(
    *,
    owner: Actor,
    uploaded: UploadedFile,
    by: Actor,
    label: str = "",
    kind: DocumentKind | None = None,
    source: str = StoredFile.Source.UPLOADED,
    attested_by: Actor | None = None,
    attested_at: datetime.datetime | None = None,
    issuer: str = "",
) -> StoredFile:
    """Check the file (dossiers.uploads) and keep it in the owner's data store, named after what its
    content is: the stored extension and the download name never come from the browser's file name.
    `kind`: the document kind of the slot it was uploaded for; a digitised copy names its attestation."""
    checked = check_upload(uploaded)
    stored = StoredFile(
        owner=owner,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        label=label[:500],
        uploaded_by=by,
        kind=kind,
        source=source,
        attested_by=attested_by,
        attested_at=attested_at,
        issuer=issuer[:255],
    )
    stored.file.save(f"upload{checked.extension}", uploaded, save=False)
    stored.save()
    return stored


# Which files may be added to a dossier in which state.
EDITABLE_IN = {
    DossierDocument.Kind.APPLICATION: State.DRAFT,
    DossierDocument.Kind.SUPPLEMENT: State.SUPPLEMENT_REQUESTED,
}


def check_editable(dossier: Dossier, kind: str) -> None:
    if EDITABLE_IN.get(DossierDocument.Kind(kind)) != dossier.state:
        raise ValidationError(_("Documents cannot be added to the dossier now."))


def attach_upload(
    *,
    dossier: Dossier,
    required_document: RequiredDocument | None,
    uploaded: UploadedFile,
    by: Actor,
    kind: str = DossierDocument.Kind.APPLICATION,
) -> DossierDocument:
    """Add an uploaded file to a dossier; it also goes into the applicant's data store for reuse."""
    require(policies.is_owner(by, dossier) or policies.acts_for_receiving_agency(by, dossier))
    check_slot(dossier, required_document)
    with locked(dossier) as dossier:
        check_editable(dossier, kind)
        return add_to_slot(
            dossier=dossier, required_document=required_document, uploaded=uploaded, by=by, kind=kind
        )


def add_to_slot(
    *,
    dossier: Dossier,
    required_document: RequiredDocument | None,
    uploaded: UploadedFile,
    by: Actor,
    kind: str = DossierDocument.Kind.APPLICATION,
    **stored_fields: Any,
) -> DossierDocument:
    """An uploaded file into a slot of a dossier the caller holds (locked, checked): stored in the
    applicant's data store — the uploader's when the applicant has no account — with the slot's name and
    document kind. `stored_fields`: the source and attestation of a digitised copy."""
    stored = store_upload(
        owner=dossier.applicant or by,
        uploaded=uploaded,
        by=by,
        label=required_document.name if required_document else "",
        kind=required_document.kind if required_document else None,
        **stored_fields,
    )
    return DossierDocument.objects.create(
        dossier=dossier, required_document=required_document, stored_file=stored, kind=kind, added_by=by
    )


def count_reuse(stored_file: StoredFile) -> None:
    """One more dossier took this paper from the store (in the caller's transaction, by F(): two filings
    at once both count)."""
    StoredFile.objects.filter(pk=stored_file.pk).update(reuse_count=F("reuse_count") + 1)


def reuse_stored_file(
    *,
    dossier: Dossier,
    required_document: RequiredDocument | None,
    stored_file: StoredFile,
    by: Actor,
    kind: str = DossierDocument.Kind.APPLICATION,
) -> DossierDocument:
    """One click instead of a second upload: a file the applicant already has in their data store, still
    valid; each reuse is counted on the stored file (the scorecard's Decision 766 group 4)."""
    require(policies.is_owner(by, dossier))
    check_slot(dossier, required_document)
    if stored_file.owner_id != dossier.applicant_id:
        raise PermissionDenied(_("This file is not in your data store."))
    if not stored_file.is_valid_on(timezone.localdate(clock.now())):
        raise ValidationError(
            _("“%(name)s” expired on %(date)s: upload a valid one.")
            % {"name": stored_file.original_name, "date": f"{stored_file.valid_until:%d/%m/%Y}"}
        )
    with locked(dossier) as dossier:
        check_editable(dossier, kind)
        existing = dossier.documents.filter(
            stored_file=stored_file, required_document=required_document, kind=kind
        ).first()
        if existing is not None:
            return existing
        document = DossierDocument.objects.create(
            dossier=dossier,
            required_document=required_document,
            stored_file=stored_file,
            kind=kind,
            reused=True,
            added_by=by,
        )
        count_reuse(stored_file)
        return document


def remove_document(*, document: DossierDocument, by: Actor) -> None:
    require(policies.is_owner(by, document.dossier))
    with locked(document.dossier) as dossier:
        if EDITABLE_IN.get(DossierDocument.Kind(document.kind)) != dossier.state:
            raise ValidationError(_("This document can no longer be removed."))
        document.delete()


def purpose_of(dossier: Dossier) -> str:
    form_data = dossier.form_data if isinstance(dossier.form_data, dict) else {}
    return str(form_data.get("purpose") or "").strip()


def problems_before_submit(dossier: Dossier, fees: list[ProcedureFee] | None = None) -> list[str]:
    """Everything the rules can check before filing, so a dossier is not sent back for it. `submit`
    refuses while this list is not empty; the review page shows the same list. `fees`: the version's
    fees when the caller already read them."""
    if fees is None:
        fees = catalogue.fees_of(dossier.procedure_version)
    problems = []
    if not dossier.applicant_name.strip():
        problems.append(_("Enter the applicant's full name."))
    if not (dossier.applicant_phone or dossier.applicant_email):
        problems.append(_("Give a phone number or an email address so the agency can reach you."))
    purpose = purpose_of(dossier)
    if not purpose:
        problems.append(_("Say what you are asking for (step “Your request”)."))
    elif len(purpose) > PURPOSE_MAX_LENGTH:
        problems.append(_("Say what you are asking for in at most 2,000 characters."))
    for question in fee_lines.questions(fees):
        if fee_lines.answer_of(dossier.form_data, question.field) is None:
            problems.append(_("Answer “%(question)s” (step “Your request”).") % {"question": question.label})
    if dossier.return_channel == ReturnChannel.POST and not dossier.delivery_address.strip():
        problems.append(_("Enter the address the result should be posted to."))
    documents = selectors.documents(dossier)
    attached = {doc.required_document_id for doc in documents if doc.kind == DossierDocument.Kind.APPLICATION}
    for required in catalogue.required_documents_of(dossier.procedure_version):
        if required.is_required and required.pk not in attached:
            problems.append(_("Missing document: %(name)s.") % {"name": required.name})
    for document in documents:
        stored = document.stored_file
        if not stored.size or not stored.file.storage.exists(stored.file.name):
            problems.append(
                _("The file “%(name)s” cannot be read: attach it again.") % {"name": stored.original_name}
            )
    return problems


def _fee_total(dossier: Dossier, fees: list[ProcedureFee] | None = None) -> int:
    """The catalogue's fees for this dossier: online discount, and the lines its form answers call for."""
    if fees is None:
        fees = list(dossier.procedure_version.fees.all())
    online = dossier.channel == Channel.ONLINE
    return fee_lines.total(fee_lines.lines(fees, online=online, form_data=dossier.form_data))


def _assign_code(dossier: Dossier, now: datetime.datetime) -> None:
    day = timezone.localtime(now).date()
    rule_set = RuleSet.in_force_on(day)
    sequence = codes.next_sequence(agency_code=dossier.receiving_agency.code, day=day)
    dossier.code = codes.format_code(
        rule_set.dossier_code_pattern, agency_code=dossier.receiving_agency.code, day=day, sequence=sequence
    )


def start_intake_clock(dossier: Dossier, now: datetime.datetime) -> None:
    """The one-stop shop answers within 8 working hours (Decree 45/2020) of a dossier it can act on: when
    the fees are due at filing, that is from the payment (or exemption), not from the click on "submit"."""
    if dossier.fees_ready_for_receipt():
        dossier.intake_deadline = working_days.add_working_hours(now, settings.INTAKE_ANSWER_WORKING_HOURS)
    else:
        dossier.intake_deadline = None


def _file(dossier: Dossier, now: datetime.datetime, fees: list[ProcedureFee] | None = None) -> None:
    """What filing sets, online or at the desk: the code, the time, the fees, the 8-hour answer clock. The
    desk gets the same answer time as online: receiving at once is "on time", leaving it in the tray late."""
    _assign_code(dossier, now)
    dossier.submitted_at = now
    dossier.fee_total = _fee_total(dossier, fees)
    start_intake_clock(dossier, now)


def _already_submitted() -> str:
    return _("This dossier has already been submitted.")


class AlreadyFiled(ValidationError):
    """The dossier is no longer a draft: filed already (a second click, another tab)."""

    def __init__(self) -> None:
        super().__init__(_already_submitted())


def submit(*, dossier: Dossier | int, by: Actor, assurance: int = 0) -> Dossier:
    """File the dossier (or the dossier of that id): it gets its code and the one-stop shop must answer
    within 8 working hours. Only its owner may (PermissionDenied), only a draft (AlreadyFiled), and only
    once nothing is missing (ValidationError listing the problems). `assurance`: the sign-in's level of
    assurance, checked here against the dossier's version (the sign-in may be another one than the one
    that started the draft). The row is read once, locked, with the agency its code is made from."""
    with changing(
        dossier, may=lambda locked: policies.is_owner(by, locked), related=("receiving_agency",)
    ) as change:
        dossier = change.dossier
        if dossier.state != State.DRAFT:
            raise AlreadyFiled
        if by.pk == dossier.applicant_id:
            dossier.applicant = by  # the notice's recipient, without reading them again
        check_assurance(dossier.procedure_version, assurance)
        fees = catalogue.fees_of(dossier.procedure_version)
        problems = problems_before_submit(dossier, fees)
        if problems:
            raise ValidationError(problems)
        change.proceed(dossier.submit, _already_submitted())
        _file(dossier, change.now, fees)
        change.record(Action.SUBMIT, actor=by, to_agency=dossier.receiving_agency)
        return dossier


def register_at_desk(
    *,
    version: ProcedureVersion,
    clerk: Actor,
    receiving_agency: Agency,
    channel: str,
    applicant: Actor | None = None,
    details: dict[str, Any],
    uploads: Any = (),
    attested: bool = False,
) -> Dossier:
    """A clerk records a dossier brought to the desk or sent by post, on the applicant's behalf.
    `uploads`: (required document or None, uploaded file) pairs, attached before the dossier is filed;
    `attested`: the clerk attests the scans match the originals (digitised copies, in the applicant's
    data store). Not gated by the version's `required_loa`: the clerk checks the applicant's ID card."""
    require(policies.may_register_at(clerk, receiving_agency))
    if channel not in {Channel.DESK, Channel.POST}:
        raise ValidationError(_("A clerk registers dossiers brought to the desk or sent by post."))
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("This procedure is not open for filing."))
    if not details.get("applicant_name", "").strip():
        raise ValidationError(_("Enter the applicant's full name."))
    allowed = {key: value for key, value in details.items() if key in DRAFT_FIELDS - {"receiving_agency"}}
    with transaction.atomic():
        draft = Dossier(
            procedure_version=version,
            applicant=applicant,
            filed_by=clerk,
            channel=channel,
            receiving_agency=receiving_agency,
            handling_agency=receiving_agency,
            **allowed,
        )
        draft.save()
        _attach_scans(draft, uploads, clerk=clerk, attested=attested)
        with changing(draft) as change:
            dossier = change.dossier
            change.proceed(dossier.submit, _already_submitted())
            _file(dossier, change.now)
            change.record(Action.REGISTER_AT_DESK, actor=clerk, agency=receiving_agency)
            return dossier


def _attach_scans(draft: Dossier, uploads: Any, *, clerk: Actor, attested: bool) -> None:
    """The papers scanned at the desk, into the applicant's data store (the clerk's when they have no
    account); attested by the clerk, they are digitised copies (who, when)."""
    attestation: dict[str, Any] = (
        {"source": StoredFile.Source.DIGITISED, "attested_by": clerk, "attested_at": clock.now()}
        if attested
        else {}
    )
    for required_document, uploaded in uploads:
        check_slot(draft, required_document)
        add_to_slot(
            dossier=draft, required_document=required_document, uploaded=uploaded, by=clerk, **attestation
        )


def withdraw(*, dossier: Dossier, by: Actor, reason: str = "") -> Dossier:
    """The applicant withdraws the request before a decision."""
    require(policies.is_owner(by, dossier))
    with changing(dossier) as change:
        dossier = change.dossier
        change.close(dossier.withdraw, _("A dossier can be withdrawn only before a decision."), reason)
        change.record(Action.WITHDRAW, actor=by, note=reason.strip())
        return dossier


def discard_draft(*, dossier: Dossier, by: Actor) -> None:
    """The applicant throws away a dossier never filed. Nothing was sent, so nothing is audited; the files
    stay in their data store for the next dossier. A dossier with an audit trail is never deleted (its
    events are append-only and PROTECT it): only submit writes the first event, and it leaves the draft."""
    require(policies.is_owner(by, dossier))
    with locked(dossier) as dossier:
        if dossier.state != State.DRAFT or dossier.events.exists():
            raise ValidationError(_("Only a dossier that was never filed can be deleted."))
        dossier.delete()
