"""A dossier's history in plain words: what the public lookup, the applicant's own page and the API show.
Staff-only steps (selectors.INTERNAL_ACTIONS) are left out; the public reading never carries reasons or
notes (they may name people)."""

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .models import Channel, DossierEvent, State

Action = DossierEvent.Action


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    text: str
    note: str = ""


def _day(value: str) -> str:
    try:
        return date_format(datetime.date.fromisoformat(value), "d/m/Y")
    except (TypeError, ValueError):
        return "—"


@dataclass(frozen=True)
class Sentence:
    """How a step reads on the public lookup and on the applicant's own page; `with_note`: the applicant
    also reads the step's reason or note (the public lookup never does)."""

    public: str
    own: str
    with_note: bool = False


def _same(text: str, with_note: bool = False) -> Sentence:
    return Sentence(text, text, with_note)


SENTENCES = {
    Action.SUBMIT: Sentence(
        gettext_lazy("The dossier was filed online."), gettext_lazy("You filed the dossier online.")
    ),
    Action.CHECK_ORIGINALS: _same(gettext_lazy("The one-stop shop checked the original documents.")),
    Action.RECEIVE: _same(gettext_lazy("The one-stop shop received it; appointment date %(date)s.")),
    Action.REQUEST_SUPPLEMENT: Sentence(
        gettext_lazy("The applicant was asked to add documents."),
        gettext_lazy("You were asked to add documents."),
        True,
    ),
    Action.ANSWER_SUPPLEMENT: Sentence(
        gettext_lazy("The applicant sent the supplement."),
        gettext_lazy("You sent the supplement online."),
        True,
    ),
    Action.TRANSFER: _same(gettext_lazy("Sent to %(agency)s.")),
    Action.APPROVE: _same(gettext_lazy("Approved: the result is issued.")),
    Action.DENY: Sentence(
        gettext_lazy("Denied; the reasons were sent to the applicant."),
        gettext_lazy("Denied. The agency's reasons:"),
        True,
    ),
    Action.RESULT_READY: _same(gettext_lazy("The result is ready to be returned.")),
    Action.RETURN: _same(gettext_lazy("The result was returned.")),
    Action.REFUSE: Sentence(
        gettext_lazy("The one-stop shop refused the dossier; the reason was sent to the applicant."),
        gettext_lazy("The one-stop shop refused the dossier. The reason:"),
        True,
    ),
    Action.STOP: Sentence(
        gettext_lazy("Processing was stopped."), gettext_lazy("Processing was stopped. The reason:"), True
    ),
    Action.APOLOGY: _same(
        gettext_lazy("The agency apologised for the delay; new appointment date %(date)s."), True
    ),
    Action.WITHDRAW: Sentence(
        gettext_lazy("The applicant withdrew the dossier."), gettext_lazy("You withdrew the dossier."), True
    ),
    Action.PAY_FEES: _same(gettext_lazy("The fees were paid.")),
    Action.EXEMPT_FEES: _same(gettext_lazy("The fees were exempted."), True),
    Action.REFUND_FEES: _same(gettext_lazy("The fees were refunded.")),
}


def _placeholders(event: DossierEvent) -> dict[str, str]:
    return {
        "date": _day(event.data.get("new_due_date" if event.action == Action.APOLOGY else "due_date")),
        "agency": (event.to_agency or event.agency).name if (event.to_agency or event.agency) else "",
    }


def _sentence(event: DossierEvent, public: bool) -> tuple[str, str] | None:
    """(what happened, the reason or note the applicant may read); None when the step is internal."""
    if event.action == Action.REGISTER_AT_DESK:
        if event.dossier.channel == Channel.POST:
            return _("The dossier arrived by public post and was registered."), ""
        return _("The dossier was registered at the one-stop-shop desk."), ""
    sentence = SENTENCES.get(event.action)
    if sentence is not None:
        text = str(sentence.public if public else sentence.own)
        if "%(" in text:
            text = text % _placeholders(event)
        return text, event.note if sentence.with_note and not public else ""
    if event.action in selectors.INTERNAL_ACTIONS or not event.to_state or event.to_state == event.from_state:
        return None
    return _("Status: %(state)s.") % {"state": State(event.to_state).label}, ""


def plain_timeline(dossier, *, public: bool) -> list[TimelineEntry]:
    """The dossier's history as sentences. `public`: no reasons or notes (they may name people)."""
    entries = []
    for event in selectors.timeline_for_sentences(dossier):  # each holds `dossier`: no query per row
        sentence = _sentence(event, public)
        if sentence is not None:
            entries.append(TimelineEntry(at=event.at, text=sentence[0], note=sentence[1]))
    return entries
