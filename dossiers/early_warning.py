"""Early warning: a dossier that will probably miss its appointment date, flagged before it is late.

The prediction compares the working days left until the due date with how long the steps still ahead
took at the handling agency recently: for each dossier decided there in the last
EARLY_WARNING_WINDOW_DAYS days, the working days from receipt to the result (result ready, or the denial)
and from the approval to the result ready — the moments the transitions stamp on the dossier row
(`received_at`, `decided_at`, `result_ready_at`, the same as the RECEIVE / APPROVE / RESULT_READY events,
read without joining the event table). What is left for a dossier that has already spent `e` working
days is the median of (duration − e) over the recent dossiers that took at least `e`: per procedure when
it has EARLY_WARNING_MIN_SAMPLES of them, else over the agency's procedures, else no prediction.

The durations are kept per agency and day as small histograms in the cache (one query for all the
agencies of a queue page on a miss, none on a hit); a queue page then adds no query. When the due date
moves (an apology, a supplement answered) the prediction follows the row.

When the date will be missed, the agency issues the apology with a new date (Circular 03/2025, form 04):
`suggested_apology()` drafts its reason from the dossier's situation and proposes today + the predicted
working days + EARLY_WARNING_MARGIN_WORKING_DAYS; the officer edits both.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from common import clock

from . import panels, policies, working_days
from .models import Dossier, DossierEvent, State, SupplementRequest

# The current state → the milestone its remaining steps are measured from.
FROM_RECEIPT = "receipt"  # received or being processed: receipt → the result
FROM_DECISION = "decision"  # approved: the approval → the result ready
WATCHED_STATES = {
    State.RECEIVED: FROM_RECEIPT,
    State.IN_PROGRESS: FROM_RECEIPT,
    State.APPROVED: FROM_DECISION,
}
ALL_PROCEDURES = 0  # the histogram key of the agency's procedures together

# {phase: {procedure id or ALL_PROCEDURES: {working days: dossiers}}}
Histograms = dict[str, dict[int, dict[int, int]]]


def _cache_key(agency_id: int, today: datetime.date) -> str:
    return f"dossiers:early-warning:{agency_id}:{today.isoformat()}"


class DayIndex:
    """Working days between dates of one span in O(1): a running count of working days per date."""

    def __init__(self, start: datetime.date, end: datetime.date):
        calendar = working_days.WorkingCalendar(start, end)
        self.start, self.end = start, end
        self.running: list[int] = []
        count, day = 0, start
        while day <= end:
            if day != start and calendar.is_working_day(day):
                count += 1
            self.running.append(count)
            day += datetime.timedelta(days=1)

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end`, as working_days.working_days_between."""
        if end <= start:
            return 0
        if start < self.start or end > self.end:
            return working_days.working_days_between(start, end)
        return self.running[(end - self.start).days] - self.running[(start - self.start).days]


def _histograms(agency_ids: Iterable[int], today: datetime.date) -> dict[int, Histograms]:
    """The agencies' recent durations, from the cache or, for those missing, from one query."""
    agency_ids = sorted(set(agency_ids))
    keys = {_cache_key(pk, today): pk for pk in agency_ids}
    found = cache.get_many(list(keys))
    result = {keys[key]: value for key, value in found.items()}
    missing = [pk for pk in agency_ids if pk not in result]
    if missing:
        computed = _compute_histograms(missing, today)
        cache.set_many(
            {_cache_key(pk, today): computed[pk] for pk in missing}, settings.EARLY_WARNING_CACHE_SECONDS
        )
        result.update(computed)
    return result


def _compute_histograms(agency_ids: list[int], today: datetime.date) -> dict[int, Histograms]:
    since = timezone.make_aware(
        datetime.datetime.combine(
            today - datetime.timedelta(days=settings.EARLY_WARNING_WINDOW_DAYS), datetime.time.min
        )
    )
    rows = list(
        Dossier.objects.filter(handling_agency_id__in=agency_ids, received_at__isnull=False)
        .filter(Q(result_ready_at__gte=since) | Q(state=State.DENIED, decided_at__gte=since))
        .order_by()
        .values_list(
            "handling_agency_id",
            "procedure_version__procedure_id",
            "received_at",
            "decided_at",
            "result_ready_at",
        )
    )
    histograms: dict[int, Histograms] = {pk: {FROM_RECEIPT: {}, FROM_DECISION: {}} for pk in agency_ids}
    if not rows:
        return histograms
    local = timezone.localdate
    first = min(local(received) for _a, _p, received, _d, _r in rows)
    index = DayIndex(first, today)

    def count(phase: str, agency_id: int, procedure_id: int, days: int) -> None:
        for key in (procedure_id, ALL_PROCEDURES):
            bucket = histograms[agency_id][phase].setdefault(key, {})
            bucket[days] = bucket.get(days, 0) + 1

    for agency_id, procedure_id, received, decided, ready in rows:
        end = ready or decided
        if end is None:
            continue
        count(FROM_RECEIPT, agency_id, procedure_id, index.between(local(received), local(end)))
        if ready is not None and decided is not None:
            count(FROM_DECISION, agency_id, procedure_id, index.between(local(decided), local(ready)))
    return histograms


def median_ahead(histogram: dict[int, int], elapsed: int) -> int | None:
    """The median of (duration − elapsed) over the recent dossiers that took at least `elapsed` working
    days (rounded up); None with fewer than EARLY_WARNING_MIN_SAMPLES of them."""
    ahead = sorted((days - elapsed, n) for days, n in histogram.items() if days >= elapsed)
    total = sum(n for _days, n in ahead)
    if total < settings.EARLY_WARNING_MIN_SAMPLES:
        return None

    def nth(position: int) -> int:
        seen = 0
        for days, n in ahead:
            seen += n
            if position < seen:
                return days
        return ahead[-1][0]

    return math.ceil((nth((total - 1) // 2) + nth(total // 2)) / 2)


@dataclass(frozen=True)
class Forecast:
    """What the early warning says of one dossier."""

    days_left: int  # working days after today up to the appointment date
    days_ahead: int | None  # the predicted working days still needed; None: too few recent dossiers
    overdue: bool

    @property
    def at_risk(self) -> bool:
        """Will probably be late, and is not late yet (a late dossier is flagged as late, not at risk)."""
        return not self.overdue and self.days_ahead is not None and self.days_ahead > self.days_left


def _watched(dossier: Dossier) -> bool:
    return dossier.state in WATCHED_STATES and dossier.due_date is not None


def forecasts(dossiers: Sequence[Dossier], today: datetime.date | None = None) -> dict[int, Forecast]:
    """The forecast of each dossier of a page still waiting for its result with an appointment date: no
    query with the agencies' durations cached, one otherwise."""
    today = today or clock.localdate()
    watched = [d for d in dossiers if _watched(d)]
    if not watched:
        return {}
    histograms = _histograms((d.handling_agency_id or d.receiving_agency_id for d in watched), today)
    starts = [_phase_start(d) for d in watched]
    first = min([today, *(start for start in starts if start is not None)])
    last = max([today, *(d.due_date for d in watched if d.due_date)])
    index = DayIndex(first, last)
    result = {}
    for dossier, start in zip(watched, starts, strict=True):
        due = dossier.due_date or today  # never None here: _watched
        overdue = today > due
        days_ahead = None
        if start is not None:
            phase = WATCHED_STATES[State(dossier.state)]
            by_procedure = histograms[dossier.handling_agency_id or dossier.receiving_agency_id][phase]
            elapsed = index.between(start, today)
            procedure_id = dossier.procedure_version.procedure_id
            days_ahead = median_ahead(by_procedure.get(procedure_id, {}), elapsed)
            if days_ahead is None:
                days_ahead = median_ahead(by_procedure.get(ALL_PROCEDURES, {}), elapsed)
        result[dossier.pk] = Forecast(
            days_left=index.between(today, due), days_ahead=days_ahead, overdue=overdue
        )
    return result


def _phase_start(dossier: Dossier) -> datetime.date | None:
    moment = (
        dossier.decided_at if WATCHED_STATES[State(dossier.state)] == FROM_DECISION else dossier.received_at
    )
    return timezone.localdate(moment) if moment else None


def forecast(dossier: Dossier, today: datetime.date | None = None) -> Forecast | None:
    return forecasts([dossier], today).get(dossier.pk)


def at_risk_ids(dossiers: Sequence[Dossier]) -> set[int]:
    """The queue flag: the ids of the page's dossiers at risk of being late."""
    return {pk for pk, found in forecasts(dossiers).items() if found.at_risk}


# --- the apology and new date (Circular 03/2025, form 04) ---------------------------------------------------
REASON_SUPPLEMENT = _(
    "The dossier had to be supplemented during processing, and the time needed to check what was added "
    "does not allow the result to be returned on the appointment date."
)
REASON_OTHER_AGENCY = _(
    "The dossier is waiting for the opinion or verification of another agency, which has not answered yet."
)
REASON_WORKLOAD = _(
    "The number of dossiers received in this period is unusually high, and the dossier could not be "
    "processed by the appointment date."
)


@dataclass(frozen=True)
class ApologyDraft:
    reason: str
    new_due_date: datetime.date


def delay_reason(dossier: Dossier) -> str:
    """The likely reason for the delay, from the dossier's own history, in Vietnamese (the letter's
    language whatever the screen's): a supplement asked during processing; else a hand-off between
    agencies (more than one transfer, or decided elsewhere than received); else the agency's workload."""
    supplemented = dossier.supplement_requests.filter(
        stage=SupplementRequest.Stage.PROCESSING, status=SupplementRequest.Status.ANSWERED
    ).exists()
    transfers = dossier.events.filter(action=DossierEvent.Action.TRANSFER).count()
    if supplemented:
        reason = REASON_SUPPLEMENT
    elif transfers > 1:
        reason = REASON_OTHER_AGENCY
    else:
        reason = REASON_WORKLOAD
    with translation.override("vi"):
        return str(reason)


def suggested_apology(dossier: Dossier, today: datetime.date | None = None) -> ApologyDraft | None:
    """What the apology form opens with: the reason, and a new date of today + the predicted working days
    + the margin, always a working day after the current appointment date. None once no apology can be
    issued (policies.apology_still_possible)."""
    if not policies.apology_still_possible(dossier) or dossier.due_date is None:
        return None
    today = today or clock.localdate()
    found = forecast(dossier, today)
    margin = settings.EARLY_WARNING_MARGIN_WORKING_DAYS
    if found is not None and found.days_ahead is not None:
        new_date = working_days.add_working_days(today, found.days_ahead + margin)
    else:
        new_date = working_days.add_working_days(dossier.due_date, margin)
    if new_date <= dossier.due_date:
        new_date = working_days.add_working_days(dossier.due_date, max(margin, 1))
    return ApologyDraft(reason=delay_reason(dossier), new_due_date=new_date)


# --- where it shows: the queue's flag, the staff dossier page -----------------------------------------------
AT_RISK = panels.QueueFlag(
    name="dossiers.at_risk",
    label=cast(str, _("At risk of being late")),  # lazy: shown in each viewer's language
    css_class="flag flag-soon at-risk",
    flagged=at_risk_ids,
)
panels.register_queue_flag(AT_RISK)


@panels.register_panel(
    name="dossiers.early_warning", place="staff.facts", template="dossiers/staff/_early_warning.html"
)
def early_warning_panel(dossier: Dossier, request) -> dict | None:
    found = forecast(dossier) if _watched(dossier) else None
    if found is None or not found.at_risk:
        return None
    user = getattr(request, "user", None)
    may_apologise = user is not None and "apology" in policies.allowed_actions(dossier, user)
    return {"forecast": found, "may_apologise": may_apologise}
