"""Supplement requests (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ): one complete request at intake, never a
second; during processing a proposal a supervisor approves with its reason; the applicant answers online."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.types import Actor
from procedures.models import Agency, RequiredDocument

from .. import policies, working_days
from ..models import Dossier, DossierDocument, DossierEvent, State, SupplementRequest
from .base import Change, changing, require
from .filing import check_slot, start_intake_clock

Action = DossierEvent.Action


def _check_content(items: Sequence[RequiredDocument], details: str, reason: str) -> None:
    if not items and not details.strip():
        raise ValidationError(
            _("List everything that is missing: tick the documents and/or describe the rest.")
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for the supplement request."))


def request_supplement(
    *,
    dossier: Dossier,
    by: Actor,
    items: Sequence[RequiredDocument],
    details: str,
    reason: str,
    contact: str = "",
    expected_version: int | None = None,
) -> SupplementRequest:
    """Ask for a supplement. At intake: one complete request, the only one allowed. During processing:
    a proposal that a supervisor must approve (the abuse of piecemeal requests is forbidden)."""
    _check_content(items, details, reason)
    with changing(dossier, expected_version=expected_version) as change:
        dossier = change.dossier
        for item in items:
            check_slot(dossier, item)
        if dossier.state == State.SUBMITTED:
            require(policies.acts_for_receiving_agency(by, dossier))
            if not dossier.intake_supplement_open():
                raise ValidationError(
                    _(
                        "A supplement was already requested at intake. The rules allow one complete request: "
                        "receive the dossier or refuse it with a reason."
                    )
                )
            request = _new_request(
                dossier, by, SupplementRequest.Stage.INTAKE, items, details, reason, contact
            )
            _open(change, request, by)
            return request
        if dossier.state == State.IN_PROGRESS:
            require(policies.acts_for_handling_agency(by, dossier))
            if dossier.supplement_requests.filter(status=SupplementRequest.Status.PROPOSED).exists():
                raise ValidationError(
                    _("A supplement request is already waiting for a supervisor's approval.")
                )
            request = _new_request(
                dossier, by, SupplementRequest.Stage.PROCESSING, items, details, reason, contact
            )
            if policies.is_supervisor(by, dossier.handling_agency):
                request.approved_by = by
                _open(change, request, by)
            else:
                request.status = SupplementRequest.Status.PROPOSED
                request.save()
                change.record(
                    Action.PROPOSE_SUPPLEMENT,
                    actor=by,
                    note=reason,
                    agency=dossier.handling_agency,
                    dossier_unchanged=True,
                )
            return request
        raise ValidationError(_("A supplement cannot be requested for this dossier now."))


def _new_request(
    dossier: Dossier,
    by: Actor,
    stage: str,
    items: Sequence[RequiredDocument],
    details: str,
    reason: str,
    contact: str,
) -> SupplementRequest:
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


def _open(change: Change, request: SupplementRequest, by: Actor) -> None:
    """Send the request to the applicant; during processing the clock stops until the answer."""
    dossier, now = change.dossier, change.now
    refused = _("A supplement cannot be requested now.")
    agency: Agency | None
    if request.stage == SupplementRequest.Stage.INTAKE:
        change.proceed(dossier.request_supplement_at_intake, refused)
        agency = dossier.receiving_agency
    else:
        change.proceed(dossier.request_supplement_in_processing, refused)
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
    change.record(
        Action.REQUEST_SUPPLEMENT,
        actor=by,
        note=request.reason,
        agency=agency,
        intake=request.stage == SupplementRequest.Stage.INTAKE,
        data={"request": request.pk, "approved_by": request.approved_by_id},
    )


@contextlib.contextmanager
def _deciding(
    request: SupplementRequest, supervisor: Actor, expected_version: int | None
) -> Iterator[tuple[Change, SupplementRequest]]:
    """A supervisor's answer to a proposal: the dossier locked, then the proposal, still waiting."""
    with changing(
        request.dossier_id,
        expected_version=expected_version,
        may=lambda dossier: policies.is_supervisor(supervisor, dossier.handling_agency),
    ) as change:
        request = SupplementRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != SupplementRequest.Status.PROPOSED:
            raise ValidationError(_("This request is not waiting for approval."))
        yield change, request


def approve_supplement_request(
    *, request: SupplementRequest, supervisor: Actor, expected_version: int | None = None
) -> SupplementRequest:
    """A supervisor approves a supplement request made during processing; the applicant is then asked."""
    with _deciding(request, supervisor, expected_version) as (change, request):
        request.approved_by = supervisor
        _open(change, request, supervisor)
        return request


def reject_supplement_request(
    *, request: SupplementRequest, supervisor: Actor, note: str, expected_version: int | None = None
) -> SupplementRequest:
    if not note.strip():
        raise ValidationError(_("Say why the request is not approved."))
    with _deciding(request, supervisor, expected_version) as (change, request):
        request.status = SupplementRequest.Status.REJECTED
        request.approved_by = supervisor
        request.answer_note = note.strip()
        request.save()
        change.record(
            Action.REJECT_SUPPLEMENT,
            actor=supervisor,
            note=note.strip(),
            agency=change.dossier.handling_agency,
        )
        return request


def answer_supplement(*, dossier: Dossier, by: Actor, note: str = "") -> Dossier:
    """The applicant adds what was asked, online; the dossier goes back to the desk (intake) or to the
    agency (processing), where the clock runs again from today."""
    require(policies.is_owner(by, dossier))
    with changing(dossier) as change:
        dossier, now = change.dossier, change.now
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
        during_processing = request.stage == SupplementRequest.Stage.PROCESSING
        dossier.complete_supplement(during_processing=during_processing)
        if during_processing and dossier.paused_working_days_left is not None:
            dossier.due_date = working_days.add_working_days(
                timezone.localdate(now), dossier.paused_working_days_left
            )
        dossier.paused_at = None
        dossier.paused_working_days_left = None
        if not during_processing:
            start_intake_clock(dossier, now)
        request.status = SupplementRequest.Status.ANSWERED
        request.answered_at = now
        request.answer_note = note.strip()
        request.save()
        change.record(Action.ANSWER_SUPPLEMENT, actor=by, note=note.strip())
        return dossier
