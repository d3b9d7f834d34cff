"""THE table of Decision 766/QĐ-TTg (2022) indicators the portal scores: 100 points in six groups, each
indicator with its maximum, target, formula and source. Scored the national way: full points at or above the
target, otherwise value ÷ target × maximum. An indicator whose data the portal does not have gives "no data"
(None): it is left out of the total, and the total is shown against the maximum of the indicators that have
data. Weights inside a group follow public transcriptions of the national formula sheet (provisional).

`compute` reads a Figures mapping: the daily counters summed over the period (scorecard.models) plus the
catalogue counts at the period's end (procedures, procedures_full)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Figures = Mapping[str, int | None]


@dataclass(frozen=True)
class Group:
    number: int
    name: str | Promise
    max_points: int


GROUPS = (
    Group(1, _("Transparency"), 18),
    Group(2, _("Processing progress"), 20),
    Group(3, _("Online public services"), 12),
    Group(4, _("Digitisation"), 22),
    Group(5, _("Online payment"), 10),
    Group(6, _("Satisfaction"), 18),
)


@dataclass(frozen=True)
class Measure:
    """An indicator's value over a period. `numerator`/`denominator` name the counters it divides, so the
    page can link each figure to the dossiers behind it; `norm` is the reference of a lower-is-better one."""

    value: float | None
    numerator: int | None = None
    denominator: int | None = None
    norm: float | None = None


NO_DATA = Measure(None)


def score(value: float | None, target: float, max_points: float) -> float | None:
    """Full points at or above the target, otherwise value ÷ target × maximum; None ("no data") stays None."""
    if value is None:
        return None
    if value >= target:
        return float(max_points)
    return max(value, 0.0) / target * max_points


def score_lower_is_better(value: float | None, norm: float | None, max_points: float) -> float | None:
    """Full points at or below the norm, otherwise norm ÷ value × maximum (taking twice as long halves it)."""
    if value is None or norm is None:
        return None
    if value <= norm:
        return float(max_points)
    return norm / value * max_points


def ratio(numerator: str, denominator: str) -> Callable[[Figures], Measure]:
    """numerator ÷ denominator of two counters; no data when a counter is missing or the denominator is 0."""

    def compute(figures: Figures) -> Measure:
        top, bottom = figures.get(numerator), figures.get(denominator)
        if top is None or not bottom:
            return Measure(None, top, bottom)
        return Measure(top / bottom, top, bottom)

    return compute


def average_processing_time(figures: Figures) -> Measure:
    """Working days per dossier decided, against the working days the catalogue prescribes for them."""
    decided = figures.get("decided")
    if not decided:
        return Measure(None)
    taken, prescribed = figures.get("processing_days") or 0, figures.get("prescribed_days") or 0
    return Measure(taken / decided, taken, decided, norm=prescribed / decided)


def no_data(_figures: Figures) -> Measure:
    return NO_DATA


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str | Promise
    group: int
    max_points: int
    target: float | None  # a share (0–1); None: lower is better, scored against Measure.norm
    formula: str | Promise
    source: str | Promise
    compute: Callable[[Figures], Measure]
    # The dossier counters a page may link to (numerator, denominator); empty when no dossier is behind it.
    drill: tuple[str, ...] = ()

    @property
    def lower_is_better(self) -> bool:
        return self.target is None

    def measure(self, figures: Figures) -> Measure:
        return self.compute(figures)

    def points(self, measure: Measure) -> float | None:
        if self.lower_is_better:
            return score_lower_is_better(measure.value, measure.norm, self.max_points)
        assert self.target is not None
        return score(measure.value, self.target, self.max_points)


SOURCE_DOSSIERS = _("Dossiers of the portal")
SOURCE_CATALOGUE = _("The portal's procedure catalogue")
SOURCE_SYNC = _("National portal sync (national_sync)")
SOURCE_FEEDBACK = _("Feedback and satisfaction (feedback)")
SOURCE_MISSING = _("Not available in the portal yet")

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "1.1",
        _("Procedures published on time in the national procedure database"),
        1,
        6,
        1.0,
        _("procedures published on time ÷ procedures to publish"),
        SOURCE_MISSING,
        no_data,
    ),
    Indicator(
        "1.3",
        _("Online dossiers received within 8 working hours"),
        1,
        6,
        1.0,
        _("online dossiers received within 8 working hours ÷ online dossiers received"),
        SOURCE_DOSSIERS,
        ratio("received_online_in_time", "received_online"),
        ("received_online_in_time", "received_online"),
    ),
    Indicator(
        "1.4",
        _("Dossiers synced to the national public service portal"),
        1,
        6,
        1.0,
        _("dossiers whose record reached the national portal ÷ dossiers filed"),
        SOURCE_SYNC,
        ratio("synced", "sync_total"),
    ),
    Indicator(
        "2.1",
        _("Dossiers decided on time"),
        2,
        14,
        1.0,
        _("decided on or before the appointment date, without apology ÷ dossiers decided"),
        SOURCE_DOSSIERS,
        ratio("decided_on_time", "decided"),
        ("decided_on_time", "decided"),
    ),
    Indicator(
        "2.2",
        _("Average processing time"),
        2,
        6,
        None,
        _(
            "working days from receipt to decision ÷ dossiers decided; full points at or below the "
            "prescribed average, otherwise prescribed ÷ actual × maximum"
        ),
        SOURCE_DOSSIERS,
        average_processing_time,
        ("decided",),
    ),
    Indicator(
        "3.1",
        _("Procedures offered as online public services"),
        3,
        4,
        0.8,
        _("published procedures offered online (full-process or partial) ÷ published procedures"),
        SOURCE_CATALOGUE,
        ratio("procedures_online", "procedures"),
    ),
    Indicator(
        "3.2",
        _("Full-process online public services"),
        3,
        4,
        0.8,
        _("published full-process procedures ÷ published procedures"),
        SOURCE_CATALOGUE,
        ratio("procedures_full", "procedures"),
    ),
    Indicator(
        "3.3",
        _("Dossiers filed online"),
        3,
        4,
        0.5,
        _("dossiers filed online ÷ dossiers filed (online, at the desk, by post)"),
        SOURCE_DOSSIERS,
        ratio("filed_online", "filed"),
        ("filed_online", "filed"),
    ),
    Indicator(
        "4.1",
        _("Dossiers with an electronic result"),
        4,
        4,
        1.0,
        _(
            "dossiers decided with a result whose result was signed electronically (e-result) ÷ dossiers "
            "decided with a result (approved), by the day of the decision"
        ),
        SOURCE_DOSSIERS,
        ratio("decided_e_result", "decided_with_result"),
        ("decided_e_result", "decided_with_result"),
    ),
    Indicator(
        "4.2",
        _("Digitised dossiers with an electronic result"),
        4,
        6,
        0.8,
        _(
            "dossiers decided with a paper digitised and attested at the desk and a signed e-result ÷ "
            "dossiers decided"
        ),
        SOURCE_DOSSIERS,
        ratio("decided_digitised_e_result", "decided"),
        ("decided_digitised_e_result", "decided"),
    ),
    Indicator(
        "4.3",
        _("Reuse of digitised data"),
        4,
        6,
        0.8,
        _("dossiers reusing a stored document ÷ dossiers filed"),
        SOURCE_DOSSIERS,
        ratio("filed_reusing", "filed"),
        ("filed_reusing", "filed"),
    ),
    Indicator(
        "4.4",
        _("Documents taken from the personal data store"),
        4,
        3,
        1.0,
        _("documents taken from the personal data store ÷ documents required"),
        SOURCE_MISSING,
        no_data,
    ),
    Indicator(
        "4.5",
        _("Use of the national population database"),
        4,
        3,
        1.0,
        _("dossiers whose applicant data came from the population database ÷ dossiers filed"),
        SOURCE_MISSING,
        no_data,
    ),
    Indicator(
        "5.1",
        _("Dossiers paid online"),
        5,
        6,
        1.0,
        _("dossiers whose fees were paid online ÷ dossiers whose fees were paid"),
        SOURCE_DOSSIERS,
        ratio("fees_paid_online", "fees_settled"),
        ("fees_paid_online", "fees_settled"),
    ),
    Indicator(
        "5.2",
        _("Payments through the national payment platform"),
        5,
        4,
        1.0,
        _("online payments through the national portal's payment platform ÷ online payments"),
        SOURCE_MISSING,
        no_data,
    ),
    Indicator(
        "6.1",
        _("Satisfied applicants"),
        6,
        10,
        0.95,
        _("ratings averaging 4 of 5 or more ÷ ratings"),
        SOURCE_FEEDBACK,
        ratio("ratings_satisfied", "ratings"),
    ),
    Indicator(
        "6.2",
        _("Feedback handled on time"),
        6,
        8,
        0.9,
        _("feedback answered by its answer date ÷ feedback received"),
        SOURCE_FEEDBACK,
        ratio("feedback_on_time", "feedback_received"),
    ),
)


def check_table() -> None:
    """The weights add up to each group's maximum and to 100 (tested)."""
    for group in GROUPS:
        total = sum(indicator.max_points for indicator in INDICATORS if indicator.group == group.number)
        if total != group.max_points:
            raise ValueError(f"group {group.number}: {total} points, {group.max_points} expected")
    if sum(group.max_points for group in GROUPS) != 100:
        raise ValueError("the groups do not add up to 100")
