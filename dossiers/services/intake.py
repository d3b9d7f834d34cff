"""The one-stop shop's intake: check the originals (partial-service procedures), receive, or refuse."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.types import Actor

from .. import policies, working_days
from ..models import Dossier, DossierEvent, RuleSet, State
from .base import changing, require

Action = DossierEvent.Action


def check_originals(
    *, dossier: Dossier, clerk: Actor, expected_version: int | None = None, note: str = ""
) -> Dossier:
    """Partial-service step: the clerk saw the originals / the applicant in person."""
    require(policies.acts_for_receiving_agency(clerk, dossier))
    with changing(dossier, expected_version=expected_version) as change:
        dossier = change.dossier
        if not dossier.needs_originals_check:
            raise ValidationError(_("This procedure needs no check of originals."))
        if dossier.originals_checked_at:
            raise ValidationError(_("The originals were already checked."))
        dossier.originals_checked_by = clerk
        dossier.originals_checked_at = change.now
        change.record(Action.CHECK_ORIGINALS, actor=clerk, note=note, agency=dossier.receiving_agency)
        return dossier


def receive(*, dossier: Dossier, clerk: Actor, expected_version: int | None = None) -> Dossier:
    """Receive a complete dossier: the rule set in force today applies and the appointment date is set
    in working days (Decree 118/2025; weekends, holidays and Tết excluded)."""
    require(policies.acts_for_receiving_agency(clerk, dossier))
    with changing(dossier, expected_version=expected_version) as change:
        dossier = change.dossier
        if dossier.state == State.SUBMITTED and not dossier.originals_ready():
            raise ValidationError(_("Check the originals at the desk before receiving this dossier."))
        if dossier.state == State.SUBMITTED and not dossier.fees_ready_for_receipt():
            raise ValidationError(
                _("The fees are due when filing: receive the dossier once they are paid or exempted.")
            )
        change.proceed(dossier.receive, _("This dossier cannot be received now."))
        today = timezone.localdate(change.now)
        dossier.received_at = change.now
        dossier.rule_set = RuleSet.in_force_on(today)
        dossier.due_date = working_days.add_working_days(today, dossier.procedure_version.processing_days)
        change.record(
            Action.RECEIVE,
            actor=clerk,
            agency=dossier.receiving_agency,
            intake=True,
            data={"due_date": dossier.due_date.isoformat()},
        )
        return dossier


def refuse(*, dossier: Dossier, clerk: Actor, reason: str, expected_version: int | None = None) -> Dossier:
    """Phiếu từ chối: the request is outside scope or ineligible; the reason is always given."""
    require(policies.acts_for_receiving_agency(clerk, dossier))
    if not reason.strip():
        raise ValidationError(_("Give the reason for refusing, in words the applicant understands."))
    with changing(dossier, expected_version=expected_version) as change:
        dossier = change.dossier
        change.close(dossier.refuse, _("This dossier cannot be refused now."), reason)
        change.record(
            Action.REFUSE, actor=clerk, note=reason.strip(), agency=dossier.receiving_agency, intake=True
        )
        return dossier
