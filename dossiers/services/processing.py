"""Processing by the agencies: transfer and assignment, the decision (approve with the result, deny),
stopping, and the apology with a new appointment date."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.types import Actor
from procedures.models import Agency

from .. import policies, working_days
from ..models import Apology, Dossier, DossierDocument, DossierEvent, State
from .base import agency_of, changing
from .filing import store_upload

Action = DossierEvent.Action


def transfer(
    *,
    dossier: Dossier,
    by: Actor,
    to_agency: Agency,
    assignee: Actor | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """Hand the dossier to the deciding agency, or on to another agency (inter-agency procedures); never
    to the agency already processing it (policies.transfer_refusal). The person assigned, if any, must
    work for the agency it goes to."""

    def may(dossier: Dossier) -> bool:
        if dossier.state == State.RECEIVED:
            return policies.acts_for_receiving_agency(by, dossier)
        return policies.acts_for_handling_agency(by, dossier)

    with changing(dossier, expected_version=expected_version, may=may) as change:
        dossier = change.dossier
        refusal = policies.transfer_refusal(dossier, to_agency)
        if refusal:
            raise ValidationError(refusal)
        if assignee is not None and not policies.is_member(assignee, to_agency):
            raise ValidationError(_("The person assigned must work for the receiving agency."))
        from_agency = dossier.handling_agency
        change.proceed(dossier.transfer, _("This dossier cannot be transferred now."))
        dossier.handling_agency = to_agency
        dossier.assignee = assignee
        change.record(
            Action.TRANSFER,
            actor=by,
            note=note,
            agency=agency_of(by, from_agency, dossier.receiving_agency),
            from_agency=from_agency,
            to_agency=to_agency,
        )
        return dossier


def assign(*, dossier: Dossier, by: Actor, assignee: Actor, expected_version: int | None = None) -> Dossier:
    with changing(
        dossier, expected_version=expected_version, may=lambda d: policies.may_assign(by, d)
    ) as change:
        dossier = change.dossier
        if not policies.is_member(assignee, dossier.handling_agency):
            raise ValidationError(_("The person assigned must work for the handling agency."))
        dossier.assignee = assignee
        change.record(Action.ASSIGN, actor=by, agency=dossier.handling_agency, data={"assignee": assignee.pk})
        return dossier


def approve(
    *,
    dossier: Dossier,
    officer: Actor,
    result_file: UploadedFile | None,
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """The agency decides yes: the result document (signed, electronic where possible) is attached."""
    with changing(
        dossier, expected_version=expected_version, may=lambda d: policies.may_decide(officer, d)
    ) as change:
        dossier = change.dossier
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
        change.proceed(dossier.approve, _("Attach the result document before approving."))
        dossier.decided_at = change.now
        change.record(Action.APPROVE, actor=officer, note=note, agency=dossier.handling_agency)
        return dossier


def deny(*, dossier: Dossier, officer: Actor, reason: str, expected_version: int | None = None) -> Dossier:
    """Văn bản từ chối giải quyết: the handling agency decides against the request, with its reasons."""
    return _end(
        dossier,
        Action.DENY,
        transition="deny",
        actor=officer,
        reason=reason,
        expected_version=expected_version,
        may=policies.may_decide,
        refused=_("This dossier cannot be denied now."),
        no_reason=_("Give the reasons for the decision."),
    )


def stop(*, dossier: Dossier, by: Actor, reason: str, expected_version: int | None = None) -> Dossier:
    """Thông báo dừng xử lý (Circular 03/2025): e.g. the supplement never came, or the applicant asked."""
    return _end(
        dossier,
        Action.STOP,
        transition="stop",
        actor=by,
        reason=reason,
        expected_version=expected_version,
        may=policies.acts_for_handling_agency,
        refused=_("Processing of this dossier cannot be stopped now."),
        no_reason=_("Give the reason for stopping."),
    )


def _end(
    dossier: Dossier,
    action: DossierEvent.Action,
    *,
    transition: str,
    actor: Actor,
    reason: str,
    expected_version: int | None,
    may: Callable[[Actor, Dossier], bool],
    refused: str,
    no_reason: str,
) -> Dossier:
    """The handling agency ends processing (deny or stop): always with a reason the applicant reads."""
    if not reason.strip():
        raise ValidationError(no_reason)
    with changing(dossier, expected_version=expected_version, may=lambda d: may(actor, d)) as change:
        dossier = change.dossier
        change.close(getattr(dossier, transition), refused, reason)
        change.record(action, actor=actor, note=reason.strip(), agency=dossier.handling_agency)
        return dossier


def issue_apology(
    *,
    dossier: Dossier,
    by: Actor,
    new_due_date: datetime.date,
    reason: str,
    signed_by: str,
    expected_version: int | None = None,
) -> Apology:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả: only before the due date passes, signed by the head of
    the agency; the new date replaces the old one."""
    if not reason.strip() or not signed_by.strip():
        raise ValidationError(_("Give the reason for the delay and who signs the apology."))
    with changing(
        dossier, expected_version=expected_version, may=lambda d: policies.acts_for_handling_agency(by, d)
    ) as change:
        dossier = change.dossier
        if dossier.state not in {State.RECEIVED, State.IN_PROGRESS} or dossier.due_date is None:
            raise ValidationError(_("An apology can be issued only while the dossier is being processed."))
        if timezone.localdate(change.now) > dossier.due_date:
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
        change.record(
            Action.APOLOGY,
            actor=by,
            note=reason.strip(),
            agency=dossier.handling_agency,
            data={
                "original_due_date": apology.original_due_date.isoformat(),
                "new_due_date": new_due_date.isoformat(),
            },
        )
        return apology
