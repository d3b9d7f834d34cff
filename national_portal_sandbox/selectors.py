"""The sandbox page's reads: each dossier as the national portal holds it, compared with ours. The sandbox
stands in for the outside party; it reads our side (dossiers) only to show the differences. A fixed number
of queries whatever the number of dossiers: ours, their events and the national steps are read in bulk."""

from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier, DossierEvent, State

from .models import NationalDossier, NationalStep, ReceivedCall, national_date_display, national_status_label
from .protocol import DATE_FORMAT

NATIONAL_TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

# The contract's defaults, used while national_sync's admin-edited StatusMapping is absent or empty.
DEFAULT_STATE_CODES = {
    State.SUBMITTED: "1",
    State.SUPPLEMENT_REQUESTED: "5",
    State.REFUSED: "3",
    State.RECEIVED: "2",
    State.IN_PROGRESS: "4",
    State.APPROVED: "9",
    State.DENIED: "9",
    State.RESULT_READY: "9",
    State.RETURNED: "10",
    State.STOPPED: "8",
    State.WITHDRAWN: "7",
}

DIFFERENCE_LABELS = {
    "missing_national": _("Missing on the national portal"),
    "missing_ours": _("Not in our portal"),
    "status": _("Status code differs"),
    "due_date": _("Appointment date differs"),
    "steps": _("Processing steps missing"),
}


def national_time(value) -> str:
    """An aware datetime as the contract writes it: yyyyMMddHHmmss in Asia/Ho_Chi_Minh."""
    return value.astimezone(NATIONAL_TIME_ZONE).strftime(DATE_FORMAT)


@dataclass
class StatusRules:
    """What our side would send: the national code of each state, and which actions become steps."""

    state_codes: dict
    action_sends_step: dict  # action → bool; an action without a row is expected (its sync fails, visibly)

    def expected_code(self, state: str) -> str:
        return self.state_codes.get(state, "")

    def step_expected(self, action: str) -> bool:
        return self.action_sends_step.get(action, True)


def status_rules() -> StatusRules:
    if not apps.is_installed("national_sync"):
        return StatusRules(dict(DEFAULT_STATE_CODES), {})
    from national_sync.models import StatusMapping

    rows = list(StatusMapping.objects.values_list("kind", "value", "national_code", "sends_step"))
    state_codes = {value: code for kind, value, code, _ in rows if kind == StatusMapping.Kind.STATE}
    action_sends_step = {value: sends for kind, value, _, sends in rows if kind == StatusMapping.Kind.ACTION}
    return StatusRules(state_codes or dict(DEFAULT_STATE_CODES), action_sends_step)


@dataclass
class Comparison:
    """One dossier code on both sides: what the national portal holds, what we hold, what differs."""

    code: str
    national: NationalDossier | None
    ours: dict | None
    expected_code: str = ""
    our_due_date: str = ""  # yyyyMMdd
    expected_steps: list = field(default_factory=list)  # [(national time, action label, missing?)]
    differences: list = field(default_factory=list)

    @property
    def difference_labels(self) -> list:
        return [str(DIFFERENCE_LABELS[name]) for name in self.differences]

    @property
    def missing_step_count(self) -> int:
        return sum(1 for _time, _label, missing in self.expected_steps if missing)

    @property
    def expected_status_label(self) -> str:
        return national_status_label(self.expected_code)

    @property
    def our_due_date_display(self) -> str:
        return national_date_display(f"{self.our_due_date}000000" if self.our_due_date else "")

    @property
    def our_state_label(self) -> str:
        return str(State(self.ours["state"]).label) if self.ours else "—"

    @property
    def national_due_date(self) -> str:
        return self.national.due_at[:8] if self.national else ""


def compare(national_dossiers: list, *, codes: list | None = None) -> list[Comparison]:
    """Compare national dossiers (and/or bare codes of ours) with our dossiers, in bulk."""
    codes = list(dict.fromkeys([d.code for d in national_dossiers] + list(codes or [])))
    national_by_code = {d.code: d for d in national_dossiers}
    ours = {
        row["code"]: row
        for row in Dossier.objects.filter(code__in=codes).values("id", "code", "state", "due_date")
    }
    events_by_code: dict[str, list] = {}
    for code, action, at in (
        DossierEvent.objects.filter(dossier__code__in=codes)
        .order_by("at", "pk")
        .values_list("dossier__code", "action", "at")
    ):
        events_by_code.setdefault(code, []).append((action, at))
    times_by_dossier: dict[int, Counter] = {}
    for dossier_id, acted_at in NationalStep.objects.filter(dossier__code__in=codes).values_list(
        "dossier_id", "acted_at"
    ):
        times_by_dossier.setdefault(dossier_id, Counter())[acted_at] += 1
    rules = status_rules()
    return [
        _compared(
            code,
            national_by_code.get(code),
            ours.get(code),
            events_by_code.get(code, []),
            times_by_dossier,
            rules,
        )
        for code in codes
    ]


def _compared(code, national, ours, events, times_by_dossier, rules: StatusRules) -> Comparison:
    comparison = Comparison(code=code, national=national, ours=ours)
    if ours is None:
        comparison.differences.append("missing_ours")
        return comparison
    comparison.expected_code = rules.expected_code(ours["state"])
    comparison.our_due_date = ours["due_date"].strftime("%Y%m%d") if ours["due_date"] else ""
    national_times = Counter(times_by_dossier.get(national.pk, Counter())) if national else Counter()
    action_labels = dict(DossierEvent.Action.choices)
    for action, at in events:
        if not rules.step_expected(action):
            continue
        time = national_time(at)
        missing = national_times[time] <= 0
        national_times[time] -= 1
        comparison.expected_steps.append((time, action_labels.get(action, action), missing))
    if national is None:
        comparison.differences.append("missing_national")
        return comparison
    if national.status_code != comparison.expected_code:
        comparison.differences.append("status")
    if comparison.national_due_date != comparison.our_due_date:
        comparison.differences.append("due_date")
    if comparison.missing_step_count:
        comparison.differences.append("steps")
    return comparison


def national_dossiers():
    return NationalDossier.objects.annotate(step_count=Count("steps")).order_by("-updated_at", "-pk")


def compared_list(*, only_differing: bool) -> list[Comparison]:
    """Every dossier the national portal holds, compared; only the differing ones when asked."""
    comparisons = compare(list(national_dossiers()))
    if only_differing:
        comparisons = [c for c in comparisons if c.differences]
    return comparisons


def ours_missing_nationally():
    """Our dossiers the national portal should hold (every one but drafts) and does not."""
    held = NationalDossier.objects.filter(code=OuterRef("code"))
    return (
        Dossier.objects.exclude(state=State.DRAFT)
        .exclude(code__isnull=True)
        .filter(~Exists(held))
        .order_by("-submitted_at", "-pk")
        .values("code", "state", "due_date", "submitted_at")
    )


def compared_dossier(code: str) -> Comparison | None:
    """One code on both sides, or None when neither side knows it (drafts do not count)."""
    national = national_dossiers().filter(code=code).first()
    comparison = compare([national] if national else [], codes=[code])[0]
    if national is None and (comparison.ours is None or comparison.ours["state"] == State.DRAFT):
        return None
    return comparison


def national_steps(national: NationalDossier) -> list[NationalStep]:
    return list(national.steps.order_by("received_seq"))


def recent_calls(*, dossier_code: str = "", limit: int = 20) -> list[ReceivedCall]:
    calls = ReceivedCall.objects.all()
    if dossier_code:
        calls = calls.filter(dossier_code=dossier_code)
    return list(calls[:limit])


def display_fields(national: NationalDossier) -> list[tuple[str, object, bool]]:
    """(name, value, is_list) of the stored fields, dates shown as dd/mm/yyyy HH:MM."""
    rows = []
    for name, value in national.fields.items():
        if isinstance(value, str) and name.startswith("Ngay"):
            value = national_date_display(value)
        rows.append((name, value, isinstance(value, list | dict)))
    return rows
