"""Returning the result: ready, then handed over at the desk, delivered by public post (the carrier's proof),
or electronically."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.types import Actor

from .. import policies
from ..models import Dossier, DossierEvent, ReturnChannel, State
from .base import Change, agency_of, changing, require

Action = DossierEvent.Action


def mark_result_ready(*, dossier: Dossier, by: Actor, expected_version: int | None = None) -> Dossier:
    with changing(
        dossier, expected_version=expected_version, may=lambda d: policies.may_mark_result_ready(by, d)
    ) as change:
        dossier = change.dossier
        change.proceed(dossier.mark_result_ready, _("The result is not approved yet."))
        dossier.result_ready_at = change.now
        change.record(
            Action.RESULT_READY,
            actor=by,
            agency=agency_of(by, dossier.handling_agency, dossier.receiving_agency),
        )
        return dossier


def mark_returned(
    *, dossier: Dossier, by: Actor, note: str = "", expected_version: int | None = None
) -> Dossier:
    """The result reached the applicant: at the desk, or electronically."""
    require(policies.acts_for_receiving_agency(by, dossier))
    with changing(dossier, expected_version=expected_version) as change:
        return _return_result(change, actor=by, note=note, returned_at=change.now)


def _return_result(
    change: Change,
    *,
    actor: Actor | None,
    note: str,
    returned_at: datetime.datetime,
    data: dict[str, Any] | None = None,
) -> Dossier:
    """The return itself, whoever hands the result over (the desk or the post)."""
    dossier = change.dossier
    if dossier.state == State.RESULT_READY and not dossier.originals_ready():
        raise ValidationError(_("Check the originals at the desk before returning the result."))
    if dossier.state == State.RESULT_READY and not dossier.fees_ready_for_return():
        raise ValidationError(_("The fees are due before the result is returned: they are not paid yet."))
    change.proceed(dossier.mark_returned, _("The result is not ready to be returned."))
    dossier.returned_at = returned_at
    change.record(Action.RETURN, actor=actor, note=note, agency=dossier.receiving_agency, data=data)
    return dossier


def _delivery_note(proof: dict[str, Any]) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # the record's language, whoever triggered it
        return _("Delivered by public post, tracking number %(number)s.") % {
            "number": proof.get("tracking_number", "")
        }


def mark_returned_by_post(*, dossier: Dossier, proof: dict[str, Any], at: datetime.datetime) -> Dossier:
    """The public post (BCCI) delivered the result: the carrier's delivery proof returns it. No person acts
    (the postal app calls this on the carrier's report); audited like a return at the desk."""
    with changing(dossier) as change:
        if change.dossier.return_channel != ReturnChannel.POST:
            raise ValidationError(_("The result of this dossier is not returned by post."))
        return _return_result(
            change,
            actor=None,
            note=_delivery_note(proof),
            returned_at=at,
            data={"channel": ReturnChannel.POST, "proof": proof},
        )
