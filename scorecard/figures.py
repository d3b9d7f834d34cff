"""The daily counters behind the scorecard: what each one counts (one table, also used to list the dossiers
behind a figure), and the job that writes one day's rows for every agency.

Each dossier counter is dated by one moment of the dossier (filed, received, decided, fees settled) and
belongs to one agency: the receiving agency for what happens at the one-stop shop, the handling agency (the
receiving one when it never handed the dossier on) for decisions."""

import datetime
import importlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common import clock
from dossiers.models import Apology, Channel, Dossier, DossierDocument, FeeSettlement, State, StoredFile
from dossiers.working_days import working_days_between
from procedures.models import Agency

from .models import COUNTERS, DailyAgencyFigures

RECEIVING = "receiving"
DECIDING = "deciding"
# Decided by an agency after it received the dossier (a refusal at intake and a withdrawal are not decisions).
DECIDED_STATES = [State.APPROVED, State.RESULT_READY, State.RETURNED, State.DENIED, State.STOPPED]
RESULT_STATES = [State.APPROVED, State.RESULT_READY, State.RETURNED]
# Paid (online, at the desk or by the postman); an exemption is no payment.
PAID_SETTLEMENTS = [FeeSettlement.PAID_ONLINE, FeeSettlement.PAID_AT_DESK, FeeSettlement.PAID_ON_DELIVERY]

_reusing = Exists(
    DossierDocument.objects.filter(dossier=OuterRef("pk"), reused=True, kind=DossierDocument.Kind.APPLICATION)
)
_digitised = Exists(
    DossierDocument.objects.filter(
        dossier=OuterRef("pk"),
        kind=DossierDocument.Kind.APPLICATION,
        stored_file__source=StoredFile.Source.DIGITISED,
        stored_file__attested_at__isnull=False,
    )
)
_apologised = Exists(Apology.objects.filter(dossier=OuterRef("pk")))
# On time: decided on or before the appointment date, with no apology (an apology moves the date because the
# first one was going to be missed, so the dossier still counts late).
_on_time = Q(due_date__isnull=False, decided_day__lte=F("due_date")) & ~Q(_apologised)


@dataclass(frozen=True)
class DossierCounter:
    name: str
    label: str | Promise
    moment: str  # the dossier's date-time field that dates it
    agency: str  # RECEIVING or DECIDING
    condition: Q


_filed = ~Q(state=State.DRAFT)
_decided = Q(received_at__isnull=False, state__in=DECIDED_STATES)
# Decided with a result to hand over (approved), not a denial or a stop.
_with_result = _decided & Q(state__in=RESULT_STATES)


def _e_result_condition() -> Q:
    """A result signed electronically (e_results.SignedResult, status signed); when e-results is not
    installed no dossier has one."""
    try:
        from e_results.models import SignedResult
    except ImportError:  # pragma: no cover - e_results is installed in every deployment
        return Q(pk__in=[])
    return Q(Exists(SignedResult.objects.filter(dossier=OuterRef("pk"), status=SignedResult.Status.SIGNED)))


_e_result = _e_result_condition()
_settled = Q(fee_total__gt=0, fees_settlement__in=PAID_SETTLEMENTS)

DOSSIER_COUNTERS = {
    counter.name: counter
    for counter in (
        DossierCounter("filed", _("Dossiers filed"), "submitted_at", RECEIVING, _filed),
        DossierCounter(
            "filed_online",
            _("Dossiers filed online"),
            "submitted_at",
            RECEIVING,
            _filed & Q(channel=Channel.ONLINE),
        ),
        DossierCounter(
            "filed_desk",
            _("Dossiers filed at the desk"),
            "submitted_at",
            RECEIVING,
            _filed & Q(channel=Channel.DESK),
        ),
        DossierCounter(
            "filed_post",
            _("Dossiers filed by post"),
            "submitted_at",
            RECEIVING,
            _filed & Q(channel=Channel.POST),
        ),
        DossierCounter(
            "filed_reusing",
            _("Dossiers reusing a stored document"),
            "submitted_at",
            RECEIVING,
            _filed & Q(_reusing),
        ),
        DossierCounter(
            "received_online",
            _("Online dossiers received"),
            "received_at",
            RECEIVING,
            Q(channel=Channel.ONLINE),
        ),
        DossierCounter(
            "received_online_in_time",
            _("Online dossiers received within 8 working hours"),
            "received_at",
            RECEIVING,
            Q(channel=Channel.ONLINE, intake_deadline__isnull=False, received_at__lte=F("intake_deadline")),
        ),
        DossierCounter("decided", _("Dossiers decided"), "decided_at", DECIDING, _decided),
        DossierCounter(
            "decided_on_time", _("Dossiers decided on time"), "decided_at", DECIDING, _decided & _on_time
        ),
        DossierCounter(
            "decided_late", _("Dossiers decided late"), "decided_at", DECIDING, _decided & ~_on_time
        ),
        DossierCounter(
            "decided_with_result",
            _("Dossiers decided with a result"),
            "decided_at",
            DECIDING,
            _with_result,
        ),
        DossierCounter(
            "decided_e_result",
            _("Dossiers decided with a signed e-result"),
            "decided_at",
            DECIDING,
            _with_result & _e_result,
        ),
        DossierCounter(
            "decided_digitised",
            _("Dossiers decided with a document digitised at the desk"),
            "decided_at",
            DECIDING,
            _decided & Q(_digitised),
        ),
        DossierCounter(
            "decided_digitised_e_result",
            _("Dossiers decided, digitised at the desk and with a signed e-result"),
            "decided_at",
            DECIDING,
            _with_result & Q(_digitised) & _e_result,
        ),
        DossierCounter(
            "fees_settled", _("Dossiers whose fees were paid"), "fees_settled_at", RECEIVING, _settled
        ),
        DossierCounter(
            "fees_paid_online",
            _("Dossiers whose fees were paid online"),
            "fees_settled_at",
            RECEIVING,
            _settled & Q(fees_settlement=FeeSettlement.PAID_ONLINE),
        ),
    )
}


def _dated(moment: str, start: datetime.date, end: datetime.date):
    begin, finish = clock.day_bounds(start, end)
    return Dossier.objects.filter(**{f"{moment}__gte": begin, f"{moment}__lt": finish}).annotate(
        decided_day=TruncDate("decided_at"),
        counted_agency=Coalesce("handling_agency_id", "receiving_agency_id"),
    )


def _for_agencies(agency: str, agency_ids: Iterable[int]) -> Q:
    ids = list(agency_ids)
    if agency == RECEIVING:
        return Q(receiving_agency_id__in=ids)
    return Q(handling_agency_id__in=ids) | Q(handling_agency__isnull=True, receiving_agency_id__in=ids)


def dossiers_behind(name: str, start: datetime.date, end: datetime.date, agency_ids: Iterable[int]):
    """The dossiers a counter counted for these agencies over [start, end]: the rows behind a figure."""
    counter = DOSSIER_COUNTERS[name]
    return _dated(counter.moment, start, end).filter(
        counter.condition, _for_agencies(counter.agency, agency_ids)
    )


def count_dossiers(
    start: datetime.date, end: datetime.date
) -> dict[tuple[int, datetime.date], dict[str, int]]:
    """Every dossier counter of each day of [start, end], per (agency, day): one grouped query per moment,
    and one read of the decided dossiers for the working days they took."""
    counts: dict = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    by_moment: dict[tuple[str, str], list[DossierCounter]] = defaultdict(list)
    for counter in DOSSIER_COUNTERS.values():
        by_moment[(counter.moment, counter.agency)].append(counter)
    for (moment, agency), counters in by_moment.items():
        key = "receiving_agency_id" if agency == RECEIVING else "counted_agency"
        rows = (
            _dated(moment, start, end)
            .annotate(counted_day=TruncDate(moment))
            .values(key, "counted_day")
            .annotate(**{counter.name: Count("pk", filter=counter.condition) for counter in counters})
        )
        for row in rows:
            for counter in counters:
                counts[(row[key], row["counted_day"])][counter.name] += row[counter.name]
    decided = (
        _dated("decided_at", start, end)
        .filter(_decided)
        .values_list("counted_agency", "received_at", "decided_at", "procedure_version__processing_days")
    )
    for agency_id, received_at, decided_at, prescribed in decided.iterator(chunk_size=2000):
        decided_on = timezone.localdate(decided_at)
        counts[(agency_id, decided_on)]["processing_days"] += working_days_between(
            timezone.localdate(received_at), decided_on
        )
        counts[(agency_id, decided_on)]["prescribed_days"] += prescribed
    return counts


# The other apps' daily figures: (module, selector of every agency's figures by day, the columns it fills,
# how one day's figures of an agency fill them).
SOURCES: tuple[tuple[str, str, tuple[str, ...], Callable[[Any], tuple[int, ...]]], ...] = (
    (
        "national_sync.selectors",
        "sync_ratios_by_day",
        ("synced", "sync_total"),
        lambda ratio: (ratio.synced, ratio.total),
    ),
    (
        "feedback.selectors",
        "feedback_handling_by_day",
        ("feedback_received", "feedback_on_time"),
        lambda handling: (handling["received"], handling["answered_on_time"]),
    ),
    (
        "feedback.selectors",
        "satisfaction_by_day",
        ("ratings", "ratings_satisfied"),
        lambda summary: (summary["count"], summary["satisfied"]),
    ),
)


def source_figures(start: datetime.date, end: datetime.date) -> dict[tuple[int, datetime.date], dict]:
    """What the national sync and feedback apps report for each (agency id, day) of [start, end], every
    agency at once (one grouped read per app). An app that does not offer its figures (not installed, or its
    selector not there yet) gives None for them, "no data", never 0; one that does gives 0 where it counted
    nothing. A missing (agency, day) reads as nothing counted."""
    figures: dict = defaultdict(dict)
    defaults: dict[str, int | None] = {}
    for module, selector, columns, values in SOURCES:
        try:
            by_day = getattr(importlib.import_module(module), selector)(start, end)
        except (ImportError, AttributeError):
            defaults.update(dict.fromkeys(columns))
            continue
        defaults.update(dict.fromkeys(columns, 0))
        for key, day_figures in by_day.items():
            figures[key].update(zip(columns, values(day_figures), strict=True))
    return defaultdict(lambda: dict(defaults), {key: {**defaults, **row} for key, row in figures.items()})


def refresh_day(day: datetime.date) -> int:
    """Recompute one day's rows for every agency (see refresh_days)."""
    return refresh_days(day, day)


def refresh_days(start: datetime.date, end: datetime.date, chunk_days: int = 31) -> int:
    """Recompute the rows of every day of [start, end] for every agency from the dossiers and the other apps;
    idempotent: each day's rows are replaced in one transaction. The dossiers and the other apps' figures are
    read a month at a time, every agency at once (one scan per moment, not per day or agency). Returns how
    many agency-days had something."""
    agencies = list(Agency.objects.order_by("pk"))
    written, chunk_start = 0, start
    while chunk_start <= end:
        chunk_end = min(end, chunk_start + datetime.timedelta(days=chunk_days - 1))
        counts = count_dossiers(chunk_start, chunk_end)
        from_other_apps = source_figures(chunk_start, chunk_end)
        day = chunk_start
        while day <= chunk_end:
            rows = []
            for agency in agencies:
                figures: dict[str, int | None] = dict(
                    counts.get((agency.pk, day)) or dict.fromkeys(COUNTERS, 0)
                )
                figures.update(from_other_apps[(agency.pk, day)])
                if any(figures.values()):
                    rows.append(DailyAgencyFigures(agency=agency, day=day, **figures))
            with transaction.atomic():
                DailyAgencyFigures.objects.filter(day=day).delete()
                DailyAgencyFigures.objects.bulk_create(rows)
            written += len(rows)
            day += datetime.timedelta(days=1)
        chunk_start = chunk_end + datetime.timedelta(days=1)
    return written
