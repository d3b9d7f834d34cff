"""Public status lookup (no sign-in) and the timeline in plain words, shared with the citizen's pages."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.http import client_ip
from common.replica import lag_tolerant, replica_configured

from .. import selectors
from ..forms import LookupForm
from ..models import Channel, Dossier, DossierEvent, State
from ..services import lookups

LOOKUP_LIMIT = 10
LOOKUP_WINDOW_SECONDS = 10 * 60

# Staff-only steps: who was assigned, a proposal waiting for a supervisor. Not the applicant's business.
INTERNAL_ACTIONS = {
    DossierEvent.Action.ASSIGN,
    DossierEvent.Action.PROPOSE_SUPPLEMENT,
    DossierEvent.Action.REJECT_SUPPLEMENT,
}


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


Action = DossierEvent.Action


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
    if event.action in INTERNAL_ACTIONS or not event.to_state or event.to_state == event.from_state:
        return None
    return _("Status: %(state)s.") % {"state": State(event.to_state).label}, ""


def plain_timeline(dossier, *, public: bool) -> list[TimelineEntry]:
    """The dossier's history as sentences. `public`: no reasons or notes (they may name people)."""
    entries = []
    for event in selectors.timeline(dossier):
        event.dossier = dossier  # the channel is read from it: no query per row
        sentence = _sentence(event, public)
        if sentence is not None:
            entries.append(TimelineEntry(at=event.at, text=sentence[0], note=sentence[1]))
    return entries


def lookup_allowed(request) -> bool:
    """Counts one lookup for the client; False once it made LOOKUP_LIMIT in the current window."""
    key = f"dossier-lookup:{client_ip(request)}"
    cache.add(key, 0, timeout=LOOKUP_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=LOOKUP_WINDOW_SECONDS)
        count = 1
    return count <= LOOKUP_LIMIT


@never_cache
@require_GET
def lookup(request):
    """Tra cứu hồ sơ: anyone with the code and 4 digits only the applicant knows. A miss says the same
    thing whether the code exists or not; the result shows no name and no document."""
    searched = "code" in request.GET and "digits" in request.GET
    form = LookupForm(request.GET if searched else None, initial={"code": request.GET.get("code", "")})
    if not searched and request.GET.get("code"):
        # Opened from the slip's QR code: the code is filled in, the 4 digits are all that is left to type.
        form.fields["digits"].widget.attrs["autofocus"] = True
    context = {"form": form, "searched": searched, "dossier": None, "limited": False}
    status = 200
    if searched and form.is_valid():
        if not lookup_allowed(request):
            context["limited"] = True
            status = 429
        else:
            status = look_up(form.cleaned_data["code"], form.cleaned_data["digits"], context)
    return render(request, "dossiers/public/lookup.html", context, status=status)


def look_up(code: str, digits: str, context: dict) -> int:
    """The lookup behind the per-code guard (services.lookups), for this page and the API's public status
    (integrations): a locked code is refused before its digits are checked, and a miss counts toward its
    lock, whether or not a dossier has the code."""
    locked_until = lookups.lookup_code_locked_until(code)
    if locked_until is None:
        found = _find(code, digits)
        if found is not None:
            context.update(dossier=found[0], timeline=found[1])
            return 200
        locked_until = lookups.record_lookup_miss(code)
        if locked_until is None:
            return 200
    context["code_locked_until"] = locked_until
    return 429


def _find(code: str, digits: str) -> tuple[Dossier, list[TimelineEntry]] | None:
    """The dossier and its public timeline, read from the replica when there is one. The code's guard is
    read and written on the primary (its lock must hold at once), and a miss on the replica is asked again
    of the primary before it counts toward that lock: a dossier filed a moment ago may not be there yet."""
    with lag_tolerant():
        dossier = selectors.public_lookup(code, digits)
        if dossier is not None:
            return dossier, plain_timeline(dossier, public=True)
    if not replica_configured():
        return None
    dossier = selectors.public_lookup(code, digits)
    return (dossier, plain_timeline(dossier, public=True)) if dossier is not None else None
