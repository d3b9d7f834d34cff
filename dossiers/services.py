"""Use cases of a dossier, one transaction each. Each locks the dossier row, checks who acts, calls the
state-machine transition, saves, and writes one audit row (the processing control slip)."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.models import Role
from procedures.models import Agency, ProcedureVersion, RequiredDocument, VersionStatus

from . import codes, notices, working_days
from .models import (
    CLOSED_STATES,
    Apology,
    Channel,
    Dossier,
    DossierDocument,
    DossierEvent,
    FeeSettlement,
    ReturnChannel,
    RuleSet,
    State,
    StoredFile,
    SupplementRequest,
    Timeliness,
)
from .uploads import check_upload


class DossierChanged(Exception):
    """Someone else acted on the dossier since this page was loaded: reload, nothing was applied."""

    def __str__(self):
        return _("This dossier was changed by someone else in the meantime. Reload the page and try again.")


# --- who may act ----------------------------------------------------------------------------------------
def is_member(user, agency: Agency | None) -> bool:
    return agency is not None and user.memberships.filter(agency=agency).exists()


def is_supervisor(user, agency: Agency | None) -> bool:
    return agency is not None and user.memberships.filter(agency=agency, is_supervisor=True).exists()


def is_owner(user, dossier: Dossier) -> bool:
    return user.is_authenticated and user.pk in {dossier.applicant_id, dossier.filed_by_id}


def acts_for_receiving_agency(user, dossier: Dossier) -> bool:
    return user.role == Role.CLERK and is_member(user, dossier.receiving_agency)


def acts_for_handling_agency(user, dossier: Dossier) -> bool:
    return user.role in {Role.OFFICER, Role.CLERK} and is_member(user, dossier.handling_agency)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this on this dossier."))


# --- helpers --------------------------------------------------------------------------------------------
def _lock(dossier: Dossier, expected_version: int | None) -> Dossier:
    # of=("self",): lock the dossier row only, not its procedure version (shared by every dossier of it).
    locked = (
        Dossier.objects.select_for_update(of=("self",)).select_related("procedure_version").get(pk=dossier.pk)
    )
    if expected_version is not None and locked.lock_version != expected_version:
        raise DossierChanged
    return locked


def _proceed(dossier: Dossier, transition, message: str, **kwargs) -> None:
    if not can_proceed(transition):
        raise ValidationError(message)
    transition(**kwargs)


def _timeliness(dossier: Dossier, at: datetime.datetime, intake: bool) -> str:
    if intake:
        if dossier.intake_deadline is None:
            return ""
        return Timeliness.ON_TIME if at <= dossier.intake_deadline else Timeliness.LATE
    if dossier.due_date is None:
        return ""
    day = timezone.localtime(at).date()
    if day < dossier.due_date:
        return Timeliness.EARLY
    return Timeliness.ON_TIME if day == dossier.due_date else Timeliness.LATE


def _record(
    dossier: Dossier,
    *,
    action: str,
    actor,
    from_state: str,
    note: str = "",
    agency: Agency | None = None,
    from_agency: Agency | None = None,
    to_agency: Agency | None = None,
    intake: bool = False,
    data: dict | None = None,
) -> DossierEvent:
    now = timezone.now()
    event = DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_state=from_state,
        to_state=dossier.state,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_role=getattr(actor, "role", "") or "",
        agency=agency,
        from_agency=from_agency,
        to_agency=to_agency,
        at=now,
        note=note,
        timeliness=_timeliness(dossier, now, intake),
        data=data or {},
    )
    notices.notify_applicant(event)  # the outbox rows, in this same transaction
    return event


def _save(dossier: Dossier) -> None:
    dossier.lock_version += 1
    dossier.save()


def _agency_of(user, *candidates: Agency | None) -> Agency | None:
    for agency in candidates:
        if agency is not None and is_member(user, agency):
            return agency
    return None


# --- filing ---------------------------------------------------------------------------------------------
def receiving_agencies_for(version: ProcedureVersion) -> list[Agency]:
    return list(version.agencies.filter(is_legacy=False))


def applicant_prefill(user) -> dict:
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
            "applicant_name": profile.full_name,
            "applicant_id_number": profile.personal_id,
            "applicant_phone": profile.phone,
            "applicant_address": profile.address,
        }.items():
            if value:
                data[key] = value
        data.setdefault("delivery_address", profile.address)
    return data


def start_draft(*, version: ProcedureVersion, applicant, receiving_agency: Agency | None = None) -> Dossier:
    """A citizen starts filing: a draft under the published version, prefilled from what is known."""
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("This procedure is not open for filing."))
    agencies = receiving_agencies_for(version)
    if receiving_agency is None:
        receiving_agency = agencies[0] if agencies else None
    if receiving_agency not in agencies:
        raise ValidationError(_("Choose one of the agencies that handle this procedure."))
    channels = version.return_channels
    with transaction.atomic():
        dossier = Dossier(
            procedure_version=version,
            applicant=applicant,
            channel=Channel.ONLINE,
            receiving_agency=receiving_agency,
            handling_agency=receiving_agency,
            return_channel=ReturnChannel.ELECTRONIC if "electronic" in channels else channels[0],
            **applicant_prefill(applicant),
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


def update_draft(*, dossier: Dossier, by, **changes) -> Dossier:
    """Save what the applicant typed on one wizard page; a draft is kept between visits."""
    _require(is_owner(by, dossier))
    unknown = set(changes) - DRAFT_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        dossier = _lock(dossier, None)
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
        dossier.save()
        return dossier


def _slot(dossier: Dossier, required_document: RequiredDocument | None) -> None:
    if required_document is not None and required_document.version_id != dossier.procedure_version_id:
        raise ValidationError(_("This document is not part of this procedure."))


def store_upload(*, owner, uploaded, by, label: str = "") -> StoredFile:
    checked = check_upload(uploaded)
    stored = StoredFile(
        owner=owner,
        original_name=uploaded.name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        label=label[:500],
        uploaded_by=by,
    )
    stored.file.save(uploaded.name, uploaded, save=False)
    stored.save()
    return stored


def attach_upload(
    *,
    dossier: Dossier,
    required_document: RequiredDocument | None,
    uploaded,
    by,
    kind=DossierDocument.Kind.APPLICATION,
) -> DossierDocument:
    """Add an uploaded file to a dossier; it also goes into the applicant's data store for reuse."""
    _require(is_owner(by, dossier) or acts_for_receiving_agency(by, dossier))
    _slot(dossier, required_document)
    editable = {
        DossierDocument.Kind.APPLICATION: [State.DRAFT],
        DossierDocument.Kind.SUPPLEMENT: [State.SUPPLEMENT_REQUESTED],
    }
    with transaction.atomic():
        dossier = _lock(dossier, None)
        if dossier.state not in editable.get(kind, []):
            raise ValidationError(_("Documents cannot be added to the dossier now."))
        owner = dossier.applicant or by
        stored = store_upload(
            owner=owner, uploaded=uploaded, by=by, label=required_document.name if required_document else ""
        )
        return DossierDocument.objects.create(
            dossier=dossier, required_document=required_document, stored_file=stored, kind=kind, added_by=by
        )


def reuse_stored_file(
    *,
    dossier: Dossier,
    required_document: RequiredDocument | None,
    stored_file: StoredFile,
    by,
    kind=DossierDocument.Kind.APPLICATION,
) -> DossierDocument:
    """One click instead of a second upload: a file the applicant already has in their data store."""
    _require(is_owner(by, dossier))
    _slot(dossier, required_document)
    if stored_file.owner_id != dossier.applicant_id:
        raise PermissionDenied(_("This file is not in your data store."))
    with transaction.atomic():
        dossier = _lock(dossier, None)
        allowed = State.DRAFT if kind == DossierDocument.Kind.APPLICATION else State.SUPPLEMENT_REQUESTED
        if dossier.state != allowed:
            raise ValidationError(_("Documents cannot be added to the dossier now."))
        existing = dossier.documents.filter(
            stored_file=stored_file, required_document=required_document, kind=kind
        )
        if existing.exists():
            return existing.first()
        return DossierDocument.objects.create(
            dossier=dossier,
            required_document=required_document,
            stored_file=stored_file,
            kind=kind,
            reused=True,
            added_by=by,
        )


def remove_document(*, document: DossierDocument, by) -> None:
    dossier = document.dossier
    _require(is_owner(by, dossier))
    with transaction.atomic():
        dossier = _lock(dossier, None)
        removable = (document.kind == DossierDocument.Kind.APPLICATION and dossier.state == State.DRAFT) or (
            document.kind == DossierDocument.Kind.SUPPLEMENT and dossier.state == State.SUPPLEMENT_REQUESTED
        )
        if not removable:
            raise ValidationError(_("This document can no longer be removed."))
        document.delete()


def problems_before_submit(dossier: Dossier) -> list[str]:
    """What the rules can check before filing, so a dossier is not sent back for it."""
    problems = []
    if not dossier.applicant_name.strip():
        problems.append(_("Enter the applicant's full name."))
    if not (dossier.applicant_phone or dossier.applicant_email):
        problems.append(_("Give a phone number or an email address so the agency can reach you."))
    if dossier.return_channel == ReturnChannel.POST and not dossier.delivery_address.strip():
        problems.append(_("Enter the address the result should be posted to."))
    attached = {
        doc.required_document_id
        for doc in dossier.documents.all()
        if doc.kind == DossierDocument.Kind.APPLICATION
    }
    for required in dossier.procedure_version.documents.all():
        if required.is_required and required.pk not in attached:
            problems.append(_("Missing document: %(name)s.") % {"name": required.name})
    for document in dossier.documents.select_related("stored_file"):
        stored = document.stored_file
        if not stored.size or not stored.file.storage.exists(stored.file.name):
            problems.append(
                _("The file “%(name)s” cannot be read: attach it again.") % {"name": stored.original_name}
            )
    return problems


def _online_fee_total(version: ProcedureVersion, channel: str) -> int:
    fees = version.fees.all()
    return sum(fee.online_amount if channel == Channel.ONLINE else fee.amount for fee in fees)


def _assign_code(dossier: Dossier, now: datetime.datetime) -> None:
    day = timezone.localtime(now).date()
    rule_set = RuleSet.in_force_on(day)
    sequence = codes.next_sequence(agency_code=dossier.receiving_agency.code, day=day)
    dossier.code = codes.format_code(
        rule_set.dossier_code_pattern, agency_code=dossier.receiving_agency.code, day=day, sequence=sequence
    )


def _start_intake_clock(dossier: Dossier, now: datetime.datetime) -> None:
    """The one-stop shop answers within 8 working hours (Decree 45/2020) of a dossier it can act on: when
    the fees are due at filing, that is from the payment (or exemption), not from the click on "submit"."""
    if dossier.fees_ready_for_receipt():
        dossier.intake_deadline = working_days.add_working_hours(now, settings.INTAKE_ANSWER_WORKING_HOURS)
    else:
        dossier.intake_deadline = None


def submit(*, dossier: Dossier, by) -> Dossier:
    """File the dossier: it gets its code and the one-stop shop must answer within 8 working hours."""
    _require(is_owner(by, dossier))
    with transaction.atomic():
        dossier = _lock(dossier, None)
        problems = problems_before_submit(dossier)
        if problems:
            raise ValidationError(problems)
        from_state = dossier.state
        _proceed(dossier, dossier.submit, _("This dossier has already been submitted."))
        now = timezone.now()
        _assign_code(dossier, now)
        dossier.submitted_at = now
        dossier.fee_total = _online_fee_total(dossier.procedure_version, dossier.channel)
        _start_intake_clock(dossier, now)
        _save(dossier)
        _record(dossier, action="submit", actor=by, from_state=from_state, to_agency=dossier.receiving_agency)
        return dossier


def register_at_desk(
    *,
    version: ProcedureVersion,
    clerk,
    receiving_agency: Agency,
    channel: str,
    applicant=None,
    details: dict,
    uploads=(),
) -> Dossier:
    """A clerk records a dossier brought to the desk or sent by post, on the applicant's behalf.
    `uploads`: (required document or None, uploaded file) pairs, attached before the dossier is filed."""
    _require(clerk.role == Role.CLERK and is_member(clerk, receiving_agency))
    if channel not in {Channel.DESK, Channel.POST}:
        raise ValidationError(_("A clerk registers dossiers brought to the desk or sent by post."))
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("This procedure is not open for filing."))
    if not details.get("applicant_name", "").strip():
        raise ValidationError(_("Enter the applicant's full name."))
    allowed = {key: value for key, value in details.items() if key in DRAFT_FIELDS - {"receiving_agency"}}
    with transaction.atomic():
        dossier = Dossier(
            procedure_version=version,
            applicant=applicant,
            filed_by=clerk,
            channel=channel,
            receiving_agency=receiving_agency,
            handling_agency=receiving_agency,
            **allowed,
        )
        dossier.save()
        for required_document, uploaded in uploads:
            _slot(dossier, required_document)
            stored = store_upload(
                owner=applicant or clerk,
                uploaded=uploaded,
                by=clerk,
                label=required_document.name if required_document else "",
            )
            DossierDocument.objects.create(
                dossier=dossier, required_document=required_document, stored_file=stored, added_by=clerk
            )
        dossier.submit()
        now = timezone.now()
        _assign_code(dossier, now)
        dossier.submitted_at = now
        # The same answer time as online (Decree 45/2020): receiving it right away is "on time", leaving it
        # in the tray past the 8 working hours is late, as for any other dossier.
        dossier.fee_total = _online_fee_total(version, channel)
        _start_intake_clock(dossier, now)
        _save(dossier)
        _record(
            dossier, action="register_at_desk", actor=clerk, from_state=State.DRAFT, agency=receiving_agency
        )
        return dossier


# --- one-stop shop: intake ------------------------------------------------------------------------------
def check_originals(
    *, dossier: Dossier, clerk, expected_version: int | None = None, note: str = ""
) -> Dossier:
    """Partial-service step: the clerk saw the originals / the applicant in person."""
    _require(acts_for_receiving_agency(clerk, dossier))
    with transaction.atomic():
        dossier = _lock(dossier, expected_version)
        if not dossier.needs_originals_check:
            raise ValidationError(_("This procedure needs no check of originals."))
        if dossier.originals_checked_at:
            raise ValidationError(_("The originals were already checked."))
        dossier.originals_checked_by = clerk
        dossier.originals_checked_at = timezone.now()
        _save(dossier)
        _record(
            dossier,
            action="check_originals",
            actor=clerk,
            from_state=dossier.state,
            note=note,
            agency=dossier.receiving_agency,
        )
        return dossier


def receive(*, dossier: Dossier, clerk, expected_version: int | None = None) -> Dossier:
    """Receive a complete dossier: the rule set in force today applies and the appointment date is set
    in working days (Decree 118/2025; weekends, holidays and Tết excluded)."""
    _require(acts_for_receiving_agency(clerk, dossier))
    with transaction.atomic():
        dossier = _lock(dossier, expected_version)
        from_state = dossier.state
        if dossier.state == State.SUBMITTED and not dossier.originals_ready():
            raise ValidationError(_("Check the originals at the desk before receiving this dossier."))
        if dossier.state == State.SUBMITTED and not dossier.fees_ready_for_receipt():
            raise ValidationError(
                _("The fees are due when filing: receive the dossier once they are paid or exempted.")
            )
        _proceed(dossier, dossier.receive, _("This dossier cannot be received now."))
        now = timezone.now()
        today = timezone.localdate(now)
        dossier.received_at = now
        dossier.rule_set = RuleSet.in_force_on(today)
        dossier.due_date = working_days.add_working_days(today, dossier.procedure_version.processing_days)
        _save(dossier)
        _record(
            dossier,
            action="receive",
            actor=clerk,
            from_state=from_state,
            agency=dossier.receiving_agency,
            intake=True,
            data={"due_date": dossier.due_date.isoformat()},
        )
        return dossier


def refuse(*, dossier: Dossier, clerk, reason: str, expected_version: int | None = None) -> Dossier:
    """Phiếu từ chối: the request is outside scope or ineligible; the reason is always given."""
    _require(acts_for_receiving_agency(clerk, dossier))
    if not reason.strip():
        raise ValidationError(_("Give the reason for refusing, in words the applicant understands."))
    with transaction.atomic():
        dossier = _lock(dossier, expected_version)
        from_state = dossier.state
        _proceed(dossier, dossier.refuse, _("This dossier cannot be refused now."))
        dossier.closed_reason = reason.strip()
        dossier.decided_at = timezone.now()
        _save(dossier)
        _record(
            dossier,
            action="refuse",
            actor=clerk,
            from_state=from_state,
            note=reason.strip(),
            agency=dossier.receiving_agency,
            intake=True,
        )
        return dossier


def _check_supplement_content(items, details: str, reason: str) -> None:
    if not items and not details.strip():
        raise ValidationError(
            _("List everything that is missing: tick the documents and/or describe the rest.")
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for the supplement request."))


def request_supplement(
    *,
    dossier: Dossier,
    by,
    items,
    details: str,
    reason: str,
    contact: str = "",
    expected_version: int | None = None,
) -> SupplementRequest:
    """Ask for a supplement. At intake: one complete request, the only one allowed. During processing:
    a proposal that a supervisor must approve (the abuse of piecemeal requests is forbidden)."""
    _check_supplement_content(items, details, reason)
    with transaction.atomic():
        dossier = _lock(dossier, expected_version)
        for item in items:
            _slot(dossier, item)
        if dossier.state == State.SUBMITTED:
            _require(acts_for_receiving_agency(by, dossier))
            if not dossier.intake_supplement_open():
                raise ValidationError(
                    _(
                        "A supplement was already requested at intake. The rules allow one complete request: "
                        "receive the dossier or refuse it with a reason."
                    )
                )
            request = _new_supplement_request(
                dossier, by, SupplementRequest.Stage.INTAKE, items, details, reason, contact
            )
            _open_supplement(dossier, request, by)
            return request
        if dossier.state == State.IN_PROGRESS:
            _require(acts_for_handling_agency(by, dossier))
            if dossier.supplement_requests.filter(status=SupplementRequest.Status.PROPOSED).exists():
                raise ValidationError(
                    _("A supplement request is already waiting for a supervisor's approval.")
                )
            request = _new_supplement_request(
                dossier, by, SupplementRequest.Stage.PROCESSING, items, details, reason, contact
            )
            if is_supervisor(by, dossier.handling_agency):
                request.approved_by = by
                _open_supplement(dossier, request, by)
            else:
                request.status = SupplementRequest.Status.PROPOSED
                request.save()
                _record(
                    dossier,
                    action="propose_supplement",
                    actor=by,
                    from_state=dossier.state,
                    note=reason,
                    agency=dossier.handling_agency,
                )
            return request
        raise ValidationError(_("A supplement cannot be requested for this dossier now."))


def _new_supplement_request(dossier, by, stage, items, details, reason, contact) -> SupplementRequest:
    request = SupplementRequest.objects.create(
        dossier=dossier,
        stage=stage,
        status=SupplementRequest.Status.OPEN,
        details=details.strip(),
        reason=reason.strip(),
        contact=contact.strip(),
        requested_by=by,
    )
    request.items.set(items)
    return request


def _open_supplement(dossier: Dossier, request: SupplementRequest, by) -> None:
    from_state = dossier.state
    now = timezone.now()
    if request.stage == SupplementRequest.Stage.INTAKE:
        _proceed(dossier, dossier.request_supplement_at_intake, _("A supplement cannot be requested now."))
        agency = dossier.receiving_agency
    else:
        _proceed(
            dossier, dossier.request_supplement_in_processing, _("A supplement cannot be requested now.")
        )
        # The clock stops while the applicant completes the dossier.
        dossier.paused_at = now
        dossier.paused_working_days_left = (
            working_days.working_days_between(timezone.localdate(now), dossier.due_date)
            if dossier.due_date
            else None
        )
        agency = dossier.handling_agency
    request.status = SupplementRequest.Status.OPEN
    request.sent_at = now
    request.save()
    _save(dossier)
    _record(
        dossier,
        action="request_supplement",
        actor=by,
        from_state=from_state,
        note=request.reason,
        agency=agency,
        intake=request.stage == SupplementRequest.Stage.INTAKE,
        data={"request": request.pk, "approved_by": request.approved_by_id},
    )


def approve_supplement_request(
    *, request: SupplementRequest, supervisor, expected_version: int | None = None
):
    """A supervisor approves a supplement request made during processing; the applicant is then asked."""
    with transaction.atomic():
        dossier = _lock(request.dossier, expected_version)
        _require(is_supervisor(supervisor, dossier.handling_agency))
        request = SupplementRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != SupplementRequest.Status.PROPOSED:
            raise ValidationError(_("This request is not waiting for approval."))
        request.approved_by = supervisor
        _open_supplement(dossier, request, supervisor)
        return request


def reject_supplement_request(
    *, request: SupplementRequest, supervisor, note: str, expected_version: int | None = None
) -> SupplementRequest:
    if not note.strip():
        raise ValidationError(_("Say why the request is not approved."))
    with transaction.atomic():
        dossier = _lock(request.dossier, expected_version)
        _require(is_supervisor(supervisor, dossier.handling_agency))
        request = SupplementRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != SupplementRequest.Status.PROPOSED:
            raise ValidationError(_("This request is not waiting for approval."))
        request.status = SupplementRequest.Status.REJECTED
        request.approved_by = supervisor
        request.answer_note = note.strip()
        request.save()
        _record(
            dossier,
            action="reject_supplement",
            actor=supervisor,
            from_state=dossier.state,
            note=note.strip(),
            agency=dossier.handling_agency,
        )
        return request


def answer_supplement(*, dossier: Dossier, by, note: str = "") -> Dossier:
    """The applicant adds what was asked, online; the dossier goes back to the desk (intake) or to the
    agency (processing), where the clock runs again from today."""
    _require(is_owner(by, dossier))
    with transaction.atomic():
        dossier = _lock(dossier, None)
        request = dossier.supplement_requests.filter(status=SupplementRequest.Status.OPEN).first()
        if dossier.state != State.SUPPLEMENT_REQUESTED or request is None:
            raise ValidationError(_("No supplement is being asked for this dossier."))
        # Only what was added for this request: a file sent for an earlier one does not answer it.
        added = {
            d.required_document_id
            for d in dossier.documents.filter(
                kind=DossierDocument.Kind.SUPPLEMENT, added_at__gte=request.sent_at
            )
        }
        missing = [item.name for item in request.items.all() if item.pk not in added]
        if missing:
            raise ValidationError([_("Missing document: %(name)s.") % {"name": name} for name in missing])
        if request.details and not (note.strip() or added):
            raise ValidationError(_("Answer what the agency asked for, or attach the documents."))
        from_state = dossier.state
        during_processing = request.stage == SupplementRequest.Stage.PROCESSING
        dossier.complete_supplement(during_processing=during_processing)
        now = timezone.now()
        if during_processing and dossier.paused_working_days_left is not None:
            dossier.due_date = working_days.add_working_days(
                timezone.localdate(now), dossier.paused_working_days_left
            )
        dossier.paused_at = None
        dossier.paused_working_days_left = None
        if not during_processing:
            _start_intake_clock(dossier, now)
        request.status = SupplementRequest.Status.ANSWERED
        request.answered_at = now
        request.answer_note = note.strip()
        request.save()
        _save(dossier)
        _record(dossier, action="answer_supplement", actor=by, from_state=from_state, note=note.strip())
        return dossier


# --- processing -----------------------------------------------------------------------------------------
def transfer(
    *,
    dossier: Dossier,
    by,
    to_agency: Agency,
    assignee=None,
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """Hand the dossier to the deciding agency, or on to another agency (inter-agency procedures)."""
    with transaction.atomic():
        dossier = _lock(dossier, expected_version)
        if dossier.state == State.RECEIVED:
            _require(acts_for_receiving_agency(by, dossier))
        else:
            _require(acts_for_handling_agency(by, dossier))
        if to_agency.is_legacy:
            raise ValidationError(_("This agency no longer exists."))
        if assignee is not None and not is_member(assignee, to_agency):
            raise ValidationError(_("The person assigned must work for the receiving agency."))
        from_state, from_agency = dossier.state, dossier.handling_agency
        _proceed(dossier, dossier.transfer, _("This dossier cannot be transferred now."))
        dossier.handling_agency = to_agency
        dossier.assignee = assignee
        _save(dossier)
        _record(
            dossier,
            action="transfer",
            actor=by,
            from_state=from_state,
            note=note,
            agency=_agency_of(by, from_agency, dossier.receiving_agency),
            from_agency=from_agency,
            to_agency=to_agency,
        )
        return dossier


def assign(*, dossier: Dossier, by, assignee, expected_version: int | None = None) -> Dossier:
    with transaction.atomic():
        dossier = _lock(dossier, expected_version)
        _require(is_member(by, dossier.handling_agency))
        if not is_member(assignee, dossier.handling_agency):
            raise ValidationError(_("The person assigned must work for the handling agency."))
        dossier.assignee = assignee
        _save(dossier)
        _record(
            dossier,
            action="assign",
            actor=by,
            from_state=dossier.state,
            agency=dossier.handling_agency,
            data={"assignee": assignee.pk},
        )
        return dossier


def approve(
    *, dossier: Dossier, officer, result_file, note: str = "", expected_version: int | None = None
) -> Dossier:
    """The agency decides yes: the result document (signed, electronic where possible) is attached."""
    with transaction.atomic():
        dossier = _lock(dossier, expected_version)
        _require(officer.role == Role.OFFICER and is_member(officer, dossier.handling_agency))
        if dossier.state != State.IN_PROGRESS:
            raise ValidationError(_("This dossier cannot be approved now."))
        if not result_file:
            raise ValidationError(_("Attach the result document before approving."))
        stored = store_upload(
            owner=dossier.applicant or officer,
            uploaded=result_file,
            by=officer,
            label=dossier.procedure_version.result_name,
        )
        DossierDocument.objects.create(
            dossier=dossier, stored_file=stored, kind=DossierDocument.Kind.RESULT, added_by=officer
        )
        from_state = dossier.state
        _proceed(dossier, dossier.approve, _("Attach the result document before approving."))
        dossier.decided_at = timezone.now()
        _save(dossier)
        _record(
            dossier,
            action="approve",
            actor=officer,
            from_state=from_state,
            note=note,
            agency=dossier.handling_agency,
        )
        return dossier


def deny(*, dossier: Dossier, officer, reason: str, expected_version: int | None = None) -> Dossier:
    if not reason.strip():
        raise ValidationError(_("Give the reasons for the decision."))
    with transaction.atomic():
        dossier = _lock(dossier, expected_version)
        _require(officer.role == Role.OFFICER and is_member(officer, dossier.handling_agency))
        from_state = dossier.state
        _proceed(dossier, dossier.deny, _("This dossier cannot be denied now."))
        dossier.closed_reason = reason.strip()
        dossier.decided_at = timezone.now()
        _save(dossier)
        _record(
            dossier,
            action="deny",
            actor=officer,
            from_state=from_state,
            note=reason.strip(),
            agency=dossier.handling_agency,
        )
        return dossier


def mark_result_ready(*, dossier: Dossier, by, expected_version: int | None = None) -> Dossier:
    with transaction.atomic():
        dossier = _lock(dossier, expected_version)
        _require(acts_for_handling_agency(by, dossier) or acts_for_receiving_agency(by, dossier))
        from_state = dossier.state
        _proceed(dossier, dossier.mark_result_ready, _("The result is not approved yet."))
        dossier.result_ready_at = timezone.now()
        _save(dossier)
        _record(
            dossier,
            action="result_ready",
            actor=by,
            from_state=from_state,
            agency=_agency_of(by, dossier.handling_agency, dossier.receiving_agency),
        )
        return dossier


def mark_returned(*, dossier: Dossier, by, note: str = "", expected_version: int | None = None) -> Dossier:
    """The result reached the applicant: at the desk, by post (delivery proof) or electronically."""
    _require(acts_for_receiving_agency(by, dossier))
    with transaction.atomic():
        dossier = _lock(dossier, expected_version)
        return _return_result(dossier, at=timezone.now(), actor=by, note=note)


def _return_result(dossier: Dossier, *, at: datetime.datetime, actor, note: str, data=None) -> Dossier:
    """The return itself, on a locked dossier, whoever hands the result over (the desk or the post)."""
    from_state = dossier.state
    if dossier.state == State.RESULT_READY and not dossier.originals_ready():
        raise ValidationError(_("Check the originals at the desk before returning the result."))
    if dossier.state == State.RESULT_READY and not dossier.fees_ready_for_return():
        raise ValidationError(_("The fees are due before the result is returned: they are not paid yet."))
    _proceed(dossier, dossier.mark_returned, _("The result is not ready to be returned."))
    dossier.returned_at = at
    _save(dossier)
    _record(
        dossier,
        action="return",
        actor=actor,
        from_state=from_state,
        note=note,
        agency=dossier.receiving_agency,
        data=data,
    )
    return dossier


def _delivery_note(proof: dict) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # the record's language, whoever triggered it
        return _("Delivered by public post, tracking number %(number)s.") % {
            "number": proof.get("tracking_number", "")
        }


def mark_returned_by_post(*, dossier: Dossier, proof: dict, at: datetime.datetime) -> Dossier:
    """The public post (BCCI) delivered the result: the carrier's delivery proof returns it. No person acts
    (the postal app calls this on the carrier's report); audited like a return at the desk."""
    with transaction.atomic():
        dossier = _lock(dossier, None)
        if dossier.return_channel != ReturnChannel.POST:
            raise ValidationError(_("The result of this dossier is not returned by post."))
        return _return_result(
            dossier,
            at=at,
            actor=None,
            note=_delivery_note(proof),
            data={"channel": ReturnChannel.POST, "proof": proof},
        )


def stop(*, dossier: Dossier, by, reason: str, expected_version: int | None = None) -> Dossier:
    """Thông báo dừng xử lý (Circular 03/2025): e.g. the supplement never came, or the applicant asked."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for stopping."))
    with transaction.atomic():
        dossier = _lock(dossier, expected_version)
        _require(acts_for_handling_agency(by, dossier))
        from_state = dossier.state
        _proceed(dossier, dossier.stop, _("Processing of this dossier cannot be stopped now."))
        dossier.closed_reason = reason.strip()
        dossier.decided_at = timezone.now()
        dossier.supplement_requests.filter(status=SupplementRequest.Status.OPEN).update(
            status=SupplementRequest.Status.CLOSED
        )
        _save(dossier)
        _record(
            dossier,
            action="stop",
            actor=by,
            from_state=from_state,
            note=reason.strip(),
            agency=dossier.handling_agency,
        )
        return dossier


def withdraw(*, dossier: Dossier, by, reason: str = "") -> Dossier:
    """The applicant withdraws the request before a decision."""
    _require(is_owner(by, dossier))
    with transaction.atomic():
        dossier = _lock(dossier, None)
        from_state = dossier.state
        _proceed(dossier, dossier.withdraw, _("A dossier can be withdrawn only before a decision."))
        dossier.closed_reason = reason.strip()
        dossier.decided_at = timezone.now()
        dossier.supplement_requests.filter(
            status__in=[SupplementRequest.Status.OPEN, SupplementRequest.Status.PROPOSED]
        ).update(status=SupplementRequest.Status.CLOSED)
        _save(dossier)
        _record(dossier, action="withdraw", actor=by, from_state=from_state, note=reason.strip())
        return dossier


def discard_draft(*, dossier: Dossier, by) -> None:
    """The applicant throws away a dossier never filed. Nothing was sent, so nothing is audited; the files
    stay in their data store for the next dossier."""
    _require(is_owner(by, dossier))
    with transaction.atomic():
        dossier = _lock(dossier, None)
        if dossier.state != State.DRAFT:
            raise ValidationError(_("Only a dossier that was never filed can be deleted."))
        dossier.delete()


def issue_apology(
    *,
    dossier: Dossier,
    by,
    new_due_date: datetime.date,
    reason: str,
    signed_by: str,
    expected_version: int | None = None,
) -> Apology:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả: only before the due date passes, signed by the head of
    the agency; the new date replaces the old one."""
    if not reason.strip() or not signed_by.strip():
        raise ValidationError(_("Give the reason for the delay and who signs the apology."))
    with transaction.atomic():
        dossier = _lock(dossier, expected_version)
        _require(acts_for_handling_agency(by, dossier))
        if dossier.state not in {State.RECEIVED, State.IN_PROGRESS} or dossier.due_date is None:
            raise ValidationError(_("An apology can be issued only while the dossier is being processed."))
        today = timezone.localdate()
        if today > dossier.due_date:
            raise ValidationError(
                _("The appointment date has passed: the apology had to be issued before it.")
            )
        if new_due_date <= dossier.due_date:
            raise ValidationError(_("The new appointment date must be after the current one."))
        if not working_days.is_working_day(new_due_date):
            raise ValidationError(_("The new appointment date must be a working day."))
        apology = Apology.objects.create(
            dossier=dossier,
            original_due_date=dossier.due_date,
            new_due_date=new_due_date,
            reason=reason.strip(),
            signed_by=signed_by.strip(),
            issued_by=by,
        )
        dossier.due_date = new_due_date
        _save(dossier)
        _record(
            dossier,
            action="apology",
            actor=by,
            from_state=dossier.state,
            note=reason.strip(),
            agency=dossier.handling_agency,
            data={
                "original_due_date": apology.original_due_date.isoformat(),
                "new_due_date": new_due_date.isoformat(),
            },
        )
        return apology


# --- fees -----------------------------------------------------------------------------------------------
# The generic hook the payments app calls: dossiers records that the fees are settled (or refunded) and by
# whom, and its transitions wait for it; how money moves (gateways, receipts) is the payments app's business.
class FeesNotPayable(ValidationError):
    """The dossier takes no payment now: a draft, closed, or nothing is due."""


def _check_fees_open(dossier: Dossier) -> None:
    if dossier.state == State.DRAFT or dossier.state in CLOSED_STATES:
        raise FeesNotPayable(_("This dossier takes no payment now."))
    if dossier.fee_total <= 0:
        raise FeesNotPayable(_("No fee is due for this dossier."))


def _mark_fees_settled(dossier: Dossier, *, settlement: str, reference: str, by) -> None:
    """Saves the settlement; a dossier waiting for its at-filing fee starts its 8-hour answer clock now."""
    dossier.fees_settled_at = timezone.now()
    dossier.fees_settlement = settlement
    dossier.fees_reference = reference
    dossier.fees_settled_by = by if by is not None and by.is_authenticated else None
    if dossier.state == State.SUBMITTED and dossier.intake_deadline is None:
        _start_intake_clock(dossier, dossier.fees_settled_at)
    _save(dossier)


def settle_fees(*, dossier: Dossier, settlement: str, reference: str, amount: int, by=None) -> bool:
    """Record that the fees are paid: online (the payments app, after the gateway confirmed it), at the
    desk (a clerk of the receiving agency, with the receipt number) or on delivery (the postal app: cash
    collected by the post office). `amount` must be the whole fee. Returns False when the fees were
    already settled: nothing changes (the caller refunds a double payment)."""
    payments = {FeeSettlement.PAID_ONLINE, FeeSettlement.PAID_AT_DESK, FeeSettlement.PAID_ON_DELIVERY}
    if settlement not in payments:
        raise ValueError(f"Not a payment: {settlement!r}")
    if settlement == FeeSettlement.PAID_AT_DESK:
        _require(by is not None and acts_for_receiving_agency(by, dossier))
    if not reference.strip():
        raise ValidationError(_("Give the payment reference or the receipt number."))
    with transaction.atomic():
        dossier = _lock(dossier, None)
        if dossier.fees_settled_at is not None:
            return False
        _check_fees_open(dossier)
        if amount != dossier.fee_total:
            raise ValidationError(
                _("The amount paid (%(paid)s đ) is not the amount due (%(due)s đ).")
                % {"paid": f"{amount:,}", "due": f"{dossier.fee_total:,}"}
            )
        _mark_fees_settled(dossier, settlement=settlement, reference=reference.strip()[:100], by=by)
        _record(
            dossier,
            action="pay_fees",
            actor=by,
            from_state=dossier.state,
            agency=dossier.receiving_agency if settlement == FeeSettlement.PAID_AT_DESK else None,
            data={"settlement": settlement, "reference": dossier.fees_reference, "amount": amount},
        )
        return True


def exempt_fees(*, dossier: Dossier, clerk, reason: str, expected_version: int | None = None) -> Dossier:
    """A clerk of the receiving agency waives the fees (e.g. a person the fee rules exempt); the reason is
    required and kept in the audit trail."""
    _require(acts_for_receiving_agency(clerk, dossier))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the exemption (the rule that applies)."))
    with transaction.atomic():
        dossier = _lock(dossier, expected_version)
        if dossier.fees_settled_at is not None:
            raise ValidationError(_("The fees of this dossier are already settled."))
        _check_fees_open(dossier)
        _mark_fees_settled(dossier, settlement=FeeSettlement.EXEMPT, reference="", by=clerk)
        _record(
            dossier,
            action="exempt_fees",
            actor=clerk,
            from_state=dossier.state,
            note=reason.strip(),
            agency=dossier.receiving_agency,
            data={"amount": dossier.fee_total},
        )
        return dossier


def record_fees_refunded(*, dossier: Dossier, reference: str, amount: int) -> Dossier:
    """The payment that settled the fees was given back (the payments app, once the gateway confirmed)."""
    with transaction.atomic():
        dossier = _lock(dossier, None)
        if dossier.fees_refunded_at is not None:
            return dossier
        dossier.fees_refunded_at = timezone.now()
        _save(dossier)
        _record(
            dossier,
            action="refund_fees",
            actor=None,
            from_state=dossier.state,
            data={"reference": reference, "amount": amount},
        )
        return dossier


# --- what a member of staff may do now ------------------------------------------------------------------
STAFF_ACTIONS = (
    "check_originals",
    "receive",
    "request_supplement",
    "approve_supplement",
    "reject_supplement",
    "refuse",
    "transfer",
    "assign",
    "approve",
    "deny",
    "result_ready",
    "returned",
    "stop",
    "apology",
)


def allowed_actions(dossier: Dossier, user) -> list[str]:
    """The actions the state machine and the role rules let `user` take on `dossier` now, in workflow
    order (the staff dossier page shows one form each). The services check all of it again."""
    if not user.is_authenticated or not user.is_staff_role:
        return []
    state = dossier.state
    desk = acts_for_receiving_agency(user, dossier)
    handler = acts_for_handling_agency(user, dossier)
    officer = user.role == Role.OFFICER and is_member(user, dossier.handling_agency)
    proposed = (
        state == State.IN_PROGRESS
        and dossier.supplement_requests.filter(status=SupplementRequest.Status.PROPOSED).exists()
    )
    supervises = proposed and is_supervisor(user, dossier.handling_agency)
    checks = {
        "check_originals": desk
        and dossier.needs_originals_check
        and dossier.originals_checked_at is None
        and state in {State.SUBMITTED, State.RESULT_READY},
        "receive": desk and can_proceed(dossier.receive),
        # At intake only while the one request is unused; during processing a proposal, one at a time.
        "request_supplement": (desk and can_proceed(dossier.request_supplement_at_intake))
        or (handler and state == State.IN_PROGRESS and not proposed),
        "approve_supplement": supervises,
        "reject_supplement": supervises,
        "refuse": desk and can_proceed(dossier.refuse),
        "transfer": can_proceed(dossier.transfer) and (desk if state == State.RECEIVED else handler),
        "assign": state not in {State.DRAFT, *CLOSED_STATES} and is_member(user, dossier.handling_agency),
        "approve": officer and state == State.IN_PROGRESS,
        "deny": officer and can_proceed(dossier.deny),
        "result_ready": (handler or desk) and can_proceed(dossier.mark_result_ready),
        "returned": desk and can_proceed(dossier.mark_returned),
        "stop": handler and can_proceed(dossier.stop),
        # Phiếu xin lỗi: only before the appointment date has passed.
        "apology": handler
        and state in {State.RECEIVED, State.IN_PROGRESS}
        and dossier.due_date is not None
        and timezone.localdate() <= dossier.due_date,
    }
    return [name for name in STAFF_ACTIONS if checks[name]]
