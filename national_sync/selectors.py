"""Read queries of the national portal sync: the health figures per agency and period (also the Decision 766
scorecard's indicator 1.4, synced dossiers ÷ dossiers), the failed rows staff see, the mapping table."""

import datetime
import math
from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.db.models.functions import TruncDate

from common import clock
from dossiers.models import Dossier, DossierEvent, State
from procedures import selectors as catalogue
from procedures.models import Agency

from .models import ItemKind, ItemStatus, StatusMapping, SyncItem


@dataclass(frozen=True)
class SyncRatio:
    synced: int
    total: int

    @property
    def ratio(self) -> float | None:
        return self.synced / self.total if self.total else None

    @property
    def percent(self) -> float | None:
        return None if self.ratio is None else round(100 * self.ratio, 1)


@dataclass(frozen=True)
class SyncLag:
    """Seconds from a change to the national portal's "00", over the rows synced in the period."""

    count: int
    p50: float | None
    p95: float | None


def _filed_between(start: datetime.datetime, end: datetime.datetime):
    return Dossier.objects.filter(submitted_at__gte=start, submitted_at__lt=end).exclude(state=State.DRAFT)


def _synced():
    """Counts the dossiers whose record reached the national portal."""
    synced_record = SyncItem.objects.filter(
        dossier=OuterRef("pk"), kind=ItemKind.DOSSIER, status=ItemStatus.SYNCED
    )
    return Count("pk", filter=Q(Exists(synced_record)))


def sync_ratio(agency: Agency, start: datetime.datetime, end: datetime.datetime) -> SyncRatio:
    """Dossiers filed with the agency in [start, end) whose record reached the national portal ÷ all of them
    (Decision 766, indicator 1.4). One query."""
    counts = (
        _filed_between(start, end)
        .filter(receiving_agency=agency)
        .aggregate(total=Count("pk"), synced=_synced())
    )
    return SyncRatio(synced=counts["synced"], total=counts["total"])


def sync_ratios_by_day(
    start: datetime.date, end: datetime.date
) -> dict[tuple[int, datetime.date], SyncRatio]:
    """The scorecard's daily figures: sync_ratio for each (agency id, day filed) of [start, end] that had a
    filing, for every agency in one grouped query."""
    rows = (
        _filed_between(*clock.day_bounds(start, end))
        .annotate(day=TruncDate("submitted_at"))
        .values("receiving_agency_id", "day")
        .annotate(total=Count("pk"), synced=_synced())
    )
    return {
        (row["receiving_agency_id"], row["day"]): SyncRatio(synced=row["synced"], total=row["total"])
        for row in rows
    }


def percentile(sorted_values: list[float], share: float) -> float | None:
    """The nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


def sync_lag(agency: Agency, start: datetime.datetime, end: datetime.datetime) -> SyncLag:
    """p50/p95 of the lag of the agency's rows changed in [start, end) and synced. One query."""
    rows = SyncItem.objects.of_agency(agency).filter(
        status=ItemStatus.SYNCED, created_at__gte=start, created_at__lt=end
    )
    lags = sorted(
        (synced - changed).total_seconds() for changed, synced in rows.values_list("created_at", "synced_at")
    )
    return SyncLag(count=len(lags), p50=percentile(lags, 0.5), p95=percentile(lags, 0.95))


@dataclass(frozen=True)
class Backlog:
    pending: int
    failed: int
    oldest_pending_at: datetime.datetime | None


def backlog(agency: Agency) -> Backlog:
    """What is still to reach the national portal now (whatever the period). One query."""
    figures = SyncItem.objects.of_agency(agency).aggregate(
        pending=Count("pk", filter=Q(status__in=[ItemStatus.PENDING, ItemStatus.SENDING])),
        failed=Count("pk", filter=Q(status=ItemStatus.FAILED)),
        oldest=Min("created_at", filter=~Q(status__in=[ItemStatus.SYNCED, ItemStatus.SKIPPED])),
    )
    return Backlog(pending=figures["pending"], failed=figures["failed"], oldest_pending_at=figures["oldest"])


def failed_items(agency: Agency, limit: int = 100) -> list[SyncItem]:
    return list(
        SyncItem.objects.of_agency(agency)
        .filter(status=ItemStatus.FAILED)
        .select_related("dossier", "event")
        .order_by("failed_at", "pk")[:limit]
    )


def mappings() -> list[StatusMapping]:
    """The mapping rows, states then actions, each in the order of their choices (the dossier's life)."""
    order = {(StatusMapping.Kind.STATE.value, value): n for n, value in enumerate(State.values)} | {
        (StatusMapping.Kind.ACTION.value, value): 100 + n
        for n, value in enumerate(DossierEvent.Action.values)
    }
    return sorted(
        StatusMapping.objects.all(), key=lambda row: (order.get((row.kind, row.value), 999), row.value)
    )


def unmapped_values(mappings: list[StatusMapping] | None = None) -> list[tuple[str, str]]:
    """(kind, value) of every state but draft and every action that has no mapping row (or a state row
    without a code): what the national portal could not be told."""
    if mappings is None:
        mappings = list(StatusMapping.objects.all())
    rows = {(row.kind, row.value): row for row in mappings}
    missing = [
        (StatusMapping.Kind.STATE.value, state)
        for state in State.values
        if state != State.DRAFT
        and not getattr(rows.get((StatusMapping.Kind.STATE, state)), "national_code", "")
    ]
    missing += [
        (StatusMapping.Kind.ACTION.value, action)
        for action in DossierEvent.Action.values
        if (StatusMapping.Kind.ACTION, action) not in rows
    ]
    return missing


def agencies_for(user) -> list[Agency]:
    """The agencies whose sync health the user may see: those they work for; every agency for a superuser."""
    if user.is_superuser:
        return list(catalogue.agencies_in_office())
    return list(Agency.objects.filter(memberships__user=user).distinct().order_by("name"))
