"""Public status lookup (no sign-in) and the timeline in plain words, shared with the citizen's pages."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.http import client_ip

from .. import selectors
from ..forms import LookupForm
from ..models import Channel, DossierEvent, State

LOOKUP_LIMIT = 10
LOOKUP_WINDOW_SECONDS = 10 * 60

# Staff-only steps: who was assigned, a proposal waiting for a supervisor. Not the applicant's business.
INTERNAL_ACTIONS = {"assign", "propose_supplement", "reject_supplement"}


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


def _sentence(event: DossierEvent, public: bool) -> tuple[str, str] | None:
    """(what happened, the reason or note the applicant may read); None when the step is internal."""
    action, note = event.action, event.note
    agency = event.agency.name if event.agency else ""
    to_agency = event.to_agency.name if event.to_agency else ""
    reason = "" if public else note
    match action:
        case "submit":
            text = _("The dossier was filed online.") if public else _("You filed the dossier online.")
            return text, ""
        case "register_at_desk":
            if event.dossier.channel == Channel.POST:
                return _("The dossier arrived by public post and was registered."), ""
            return _("The dossier was registered at the one-stop-shop desk."), ""
        case "check_originals":
            return _("The one-stop shop checked the original documents."), ""
        case "receive":
            due = _day(event.data.get("due_date"))
            return _("The one-stop shop received it; appointment date %(date)s.") % {"date": due}, ""
        case "request_supplement":
            if public:
                return _("The applicant was asked to add documents."), ""
            return _("You were asked to add documents."), note
        case "answer_supplement":
            text = _("The applicant sent the supplement.") if public else _("You sent the supplement online.")
            return text, reason
        case "transfer":
            return _("Sent to %(agency)s.") % {"agency": to_agency or agency}, ""
        case "approve":
            return _("Approved: the result is issued."), ""
        case "deny":
            text = (
                _("Denied; the reasons were sent to the applicant.")
                if public
                else _("Denied. The agency's reasons:")
            )
            return text, reason
        case "result_ready":
            return _("The result is ready to be returned."), ""
        case "return":
            return _("The result was returned."), ""
        case "refuse":
            text = (
                _("The one-stop shop refused the dossier; the reason was sent to the applicant.")
                if public
                else _("The one-stop shop refused the dossier. The reason:")
            )
            return text, reason
        case "stop":
            text = _("Processing was stopped.") if public else _("Processing was stopped. The reason:")
            return text, reason
        case "apology":
            new_date = _day(event.data.get("new_due_date"))
            return _("The agency apologised for the delay; new appointment date %(date)s.") % {
                "date": new_date
            }, reason
        case "withdraw":
            text = _("The applicant withdrew the dossier.") if public else _("You withdrew the dossier.")
            return text, reason
        case "pay_fees":
            return _("The fees were paid."), ""
        case "exempt_fees":
            return _("The fees were exempted."), reason
        case "refund_fees":
            return _("The fees were refunded."), ""
    if action in INTERNAL_ACTIONS or not event.to_state or event.to_state == event.from_state:
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
            dossier = selectors.public_lookup(form.cleaned_data["code"], form.cleaned_data["digits"])
            context["dossier"] = dossier
            if dossier is not None:
                context["timeline"] = plain_timeline(dossier, public=True)
    return render(request, "dossiers/public/lookup.html", context, status=status)
