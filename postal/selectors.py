"""Read queries of postal delivery, shared by the pages, the template tags and the beat tasks."""

import datetime

from django.conf import settings
from django.db.models import F, Q, QuerySet

from .models import WITH_CARRIER, DeliveryEvent, DeliveryOrder, OrderStatus

SWEEP_BATCH = 500
POLL_BATCH = 500
# A pending order younger than this is left to the task queued at commit.
SWEEP_GRACE = datetime.timedelta(minutes=2)


def orders_of(dossier) -> list[DeliveryOrder]:
    """A dossier's delivery orders, newest first, with what their panel shows (events prefetched)."""
    return list(
        DeliveryOrder.objects.filter(dossier=dossier)
        .select_related("commune", "province")
        .prefetch_related("events")
        .order_by("-created_at", "-pk")
    )


def order_for(user, pk: int) -> DeliveryOrder | None:
    """An order whoever may see its dossier may see (the applicant, the agencies' staff); None otherwise."""
    return (
        DeliveryOrder.objects.visible_to(user)
        .select_related(
            "dossier__procedure_version",
            "dossier__receiving_agency",
            "sender_agency__administrative_unit",
            "commune",
            "province",
        )
        .filter(pk=pk)
        .first()
    )


def timeline(order: DeliveryOrder, *, for_staff: bool) -> QuerySet[DeliveryEvent]:
    """The order's events, oldest first; the applicant sees the carrier's reports and the order's creation,
    not the portal's bookkeeping (failed attempts, internal notes)."""
    events = order.events.order_by("at", "pk")
    if for_staff:
        return events
    return events.filter(~Q(source=DeliveryEvent.Source.PORTAL) | Q(code__in=["created", "cancelled"]))


def dossiers_needing_desk(dossier_ids) -> set[int]:
    """Of these dossiers, those whose parcel needs the desk (returned, held, refused…): one query."""
    return set(
        DeliveryOrder.objects.needing_desk()
        .filter(dossier_id__in=list(dossier_ids))
        .values_list("dossier_id", flat=True)
    )


def due_for_submission(now: datetime.datetime) -> list[int]:
    """Pending orders no task is handling: past their next attempt, or never attempted after the grace."""
    return list(
        DeliveryOrder.objects.filter(status=OrderStatus.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(
            Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=now - SWEEP_GRACE)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def due_for_polling(now: datetime.datetime) -> list[int]:
    """Parcels on their way not polled for POSTAL_POLL_MINUTES, least recently polled first."""
    since = now - datetime.timedelta(minutes=settings.POSTAL_POLL_MINUTES)
    return list(
        DeliveryOrder.objects.filter(status__in=WITH_CARRIER, submitted_at__lte=since)
        .filter(Q(last_polled_at__isnull=True) | Q(last_polled_at__lte=since))
        .order_by(F("last_polled_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:POLL_BATCH]
    )
