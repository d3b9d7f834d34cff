"""Read side of the scorecard: periods, the sums of the daily rows (one query per view of them: per agency,
or per month), the catalogue counts, and the scorecards built from them. Nothing here reads dossiers."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from common import clock
from procedures.models import Agency, ProcedureVersion, ServiceLevel, VersionStatus

from .indicators import GROUPS, INDICATORS, Group, Indicator, Measure
from .models import COUNTERS, DailyAgencyFigures

MONTH, QUARTER, YEAR = "month", "quarter", "year"
PERIOD_KINDS = [(MONTH, _("Month")), (QUARTER, _("Quarter")), (YEAR, _("Year"))]
PROVINCE_LEVEL, COMMUNE_LEVEL = "province", "commune"
LEVELS = [("", _("All levels")), (PROVINCE_LEVEL, _("Province level")), (COMMUNE_LEVEL, _("Commune level"))]
LEVEL_KINDS = {
    PROVINCE_LEVEL: [Agency.Kind.PROVINCE, Agency.Kind.DEPARTMENT],
    COMMUNE_LEVEL: [Agency.Kind.COMMUNE],
}
TREND_MONTHS = 12


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int = 1  # the month (1–12) or the quarter (1–4); 1 for a year

    @property
    def start(self) -> datetime.date:
        if self.kind == MONTH:
            return datetime.date(self.year, self.number, 1)
        if self.kind == QUARTER:
            return datetime.date(self.year, 3 * self.number - 2, 1)
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        if self.kind == MONTH:
            last_month = self.number
        elif self.kind == QUARTER:
            last_month = 3 * self.number
        else:
            last_month = 12
        return _month_end(self.year, last_month)

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.number:02d}/{self.year}"
        if self.kind == QUARTER:
            return f"Q{self.number}/{self.year}"
        return str(self.year)

    def query(self) -> dict[str, str | int]:
        params: dict[str, str | int] = {"period": self.kind, "year": self.year}
        if self.kind == MONTH:
            params["month"] = self.number
        elif self.kind == QUARTER:
            params["quarter"] = self.number
        return params


def _month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def last_complete_month(today: datetime.date | None = None) -> Period:
    today = today or clock.localdate()
    previous = today.replace(day=1) - datetime.timedelta(days=1)
    return Period(MONTH, previous.year, previous.month)


def months_ending(period: Period, count: int = TREND_MONTHS) -> list[Period]:
    """The `count` months up to the period's last month, oldest first."""
    year, month = period.end.year, period.end.month
    months = []
    for _step in range(count):
        months.append(Period(MONTH, year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


# --- scope ---------------------------------------------------------------------------------------------
def agencies_at(level: str = "") -> list[Agency]:
    agencies = Agency.objects.order_by("name")
    if level in LEVEL_KINDS:
        agencies = agencies.filter(kind__in=LEVEL_KINDS[level])
    return list(agencies)


# --- sums of the daily rows ---------------------------------------------------------------------------------
_SUMS = {name: Sum(name) for name in COUNTERS}


def sums_by_agency(start: datetime.date, end: datetime.date) -> dict[int, dict]:
    """Every counter summed over [start, end] for each agency with a row: one query. A source counter is
    None when no row of the period had it (its app was not there)."""
    rows = DailyAgencyFigures.objects.filter(day__gte=start, day__lte=end).values("agency").annotate(**_SUMS)
    return {row.pop("agency"): row for row in rows}


def sums_by_month(start: datetime.date, end: datetime.date, agency_ids: Iterable[int] | None) -> dict:
    """Every counter summed per calendar month of [start, end] over the agencies (all if None): one query."""
    rows = DailyAgencyFigures.objects.filter(day__gte=start, day__lte=end)
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=list(agency_ids))
    monthly = rows.annotate(month=TruncMonth("day")).values("month").annotate(**_SUMS).order_by("month")
    result = {}
    for row in monthly:
        month = row.pop("month")
        result[(month.year, month.month)] = row
    return result


def add_up(figures: Iterable[Mapping[str, int | None]]) -> dict[str, int | None]:
    """Counters added up; a counter stays None only when every part is None."""
    total: dict[str, int | None] = {}
    for part in figures:
        for name, value in part.items():
            if value is not None:
                total[name] = (total.get(name) or 0) + value
            else:
                total.setdefault(name, None)
    return total


# --- the catalogue at a date ------------------------------------------------------------------------------
@dataclass(frozen=True)
class CatalogueEntry:
    agency_id: int
    published_on: datetime.date
    archived_on: datetime.date | None
    is_full: bool


def catalogue_entries() -> list[CatalogueEntry]:
    """Every (procedure version, deciding agency) that is or was published: one query; counted at any date
    in Python (a few thousand rows for a province)."""
    through = ProcedureVersion.agencies.through
    rows = through.objects.filter(
        procedureversion__status__in=[VersionStatus.PUBLISHED, VersionStatus.ARCHIVED],
        procedureversion__published_at__isnull=False,
    ).values_list(
        "agency_id",
        "procedureversion__published_at",
        "procedureversion__archived_at",
        "procedureversion__service_level",
    )
    from django.utils import timezone

    return [
        CatalogueEntry(
            agency_id,
            timezone.localdate(published),
            timezone.localdate(archived) if archived else None,
            level == ServiceLevel.FULL_PROCESS,
        )
        for agency_id, published, archived, level in rows
    ]


def catalogue_counts(entries: list[CatalogueEntry], day: datetime.date) -> dict[int, dict[str, int]]:
    """Published procedures of each agency on `day`: all of them (each is an online service, full-process or
    partial, Decree 42/2022 art. 11) and the full-process ones."""
    counts: dict[int, dict[str, int]] = defaultdict(
        lambda: {"procedures": 0, "procedures_online": 0, "procedures_full": 0}
    )
    for entry in entries:
        if entry.published_on <= day and (entry.archived_on is None or entry.archived_on > day):
            counts[entry.agency_id]["procedures"] += 1
            counts[entry.agency_id]["procedures_online"] += 1
            counts[entry.agency_id]["procedures_full"] += int(entry.is_full)
    return counts


# --- scorecards ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    measure: Measure
    points: float | None

    @property
    def has_data(self) -> bool:
        return self.points is not None


@dataclass
class GroupScore:
    group: Group
    indicators: list[IndicatorScore] = field(default_factory=list)

    @property
    def points(self) -> float:
        return sum(row.points for row in self.indicators if row.points is not None)

    @property
    def max_with_data(self) -> int:
        return sum(row.indicator.max_points for row in self.indicators if row.has_data)

    @property
    def percent(self) -> float | None:
        return 100 * self.points / self.max_with_data if self.max_with_data else None


@dataclass
class Scorecard:
    figures: dict
    groups: list[GroupScore]

    @property
    def points(self) -> float:
        return sum(group.points for group in self.groups)

    @property
    def max_with_data(self) -> int:
        return sum(group.max_with_data for group in self.groups)

    @property
    def percent(self) -> float | None:
        """Points out of 100 for the indicators with data (what the ranking compares)."""
        return 100 * self.points / self.max_with_data if self.max_with_data else None

    def indicator(self, code: str) -> IndicatorScore:
        return next(row for group in self.groups for row in group.indicators if row.indicator.code == code)


def scorecard(figures: Mapping[str, int | None]) -> Scorecard:
    groups = {group.number: GroupScore(group) for group in GROUPS}
    for indicator in INDICATORS:
        measure = indicator.measure(figures)
        groups[indicator.group].indicators.append(
            IndicatorScore(indicator, measure, indicator.points(measure))
        )
    return Scorecard(dict(figures), list(groups.values()))


@dataclass(frozen=True)
class AgencyScore:
    agency: Agency
    card: Scorecard


@dataclass
class Report:
    period: Period
    level: str
    agency: Agency | None
    card: Scorecard
    ranking: list[AgencyScore]
    trend: list[tuple[Period, Scorecard]]
    agency_ids: list[int]


def report(period: Period, *, level: str = "", agency: Agency | None = None) -> Report:
    """The scorecard of an agency or of every agency at a level, over a period; the agencies of that level
    ranked; and the last 12 months of the same scope. Four queries whatever the number of agencies or days."""
    agencies = agencies_at(level)
    scope_ids = [agency.pk] if agency is not None else [a.pk for a in agencies]
    entries = catalogue_entries()
    catalogue_end = min(period.end, clock.localdate())
    catalogue = catalogue_counts(entries, catalogue_end)
    by_agency = sums_by_agency(period.start, period.end)

    def figures_of(ids: Iterable[int], sums: Mapping[int, Mapping], counts: Mapping[int, Mapping]) -> dict:
        return add_up([*(sums[i] for i in ids if i in sums), *(counts[i] for i in ids if i in counts)])

    card = scorecard(figures_of(scope_ids, by_agency, catalogue))
    ranking = [
        AgencyScore(each, scorecard(figures_of([each.pk], by_agency, catalogue)))
        for each in agencies
        if each.pk in by_agency
    ]
    ranking.sort(key=lambda row: (-(row.card.percent or 0), row.agency.name))
    months = months_ending(period)
    monthly = sums_by_month(months[0].start, months[-1].end, scope_ids)
    trend = []
    for month in months:
        counts = catalogue_counts(entries, min(month.end, clock.localdate()))
        month_sums = monthly.get((month.year, month.number), {})
        trend.append((month, scorecard(add_up([month_sums, *(counts[i] for i in scope_ids if i in counts)]))))
    return Report(period, level, agency, card, ranking, trend, scope_ids)


def public_report(period: Period) -> tuple[Scorecard, list[AgencyScore]]:
    """The province's score (every agency) and each agency's, for the public page: figures only."""
    full = report(period)
    return full.card, full.ranking
