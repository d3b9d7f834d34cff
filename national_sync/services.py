"""Use cases of the national portal sync: write the outbox rows of a dossier change, send one row (claim,
call, record), re-queue what was left behind, retry failed rows (staff, or a mapping fixed in the admin).

Rows are written inside the dossier change's transaction (dossier hook) and sent after commit by
`national_sync.tasks.send_item` on the `national_sync` queue, never inside a transaction. A row is claimed by
one conditional UPDATE that also requires every earlier row of its dossier to be done: per dossier the rows go
out one at a time, in the order of the changes, and a failed row holds the later ones back until it is
retried. Each call is idempotent on the national side (create after an existence check, update, a step keyed
by its content), so a row sent twice after a crash changes nothing there.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q

from common import clock
from common.tasks import queue_each
from dossiers.models import Dossier, DossierEvent, State

from . import payloads
from .adapters import get_adapter
from .adapters.base import NationalPortal, NationalPortalError, PermanentError, TransientError
from .models import DONE_STATUSES, NO_MAPPING, ItemKind, ItemStatus, StatusMapping, SyncItem, unit_code

logger = logging.getLogger(__name__)

ALREADY_EXISTS = "02"
NOT_FOUND = "03"


# --- writing the outbox (inside the dossier's transaction) --------------------------------------------------
def record_change(*, dossier: Dossier, event: DossierEvent) -> list[SyncItem]:
    """The dossier changed: one row for its record and one for the step, in the change's transaction; sent
    after commit. Drafts are never synced (a submission is the first change the national portal sees)."""
    if dossier.state == State.DRAFT or event.to_state == State.DRAFT:
        return []
    items = [
        SyncItem(
            dossier=dossier,
            event=event,
            kind=kind,
            created_at=event.at,
            next_attempt_at=event.at,
        )
        for kind in (ItemKind.DOSSIER, ItemKind.STEP)
    ]
    SyncItem.objects.bulk_create(items)
    first = items[0]
    transaction.on_commit(lambda: enqueue([first.pk]), robust=True)
    return items


def enqueue(item_ids, *, countdown: float | None = None) -> int:
    """Queue one send task per row. A broker that is down loses nothing: the sweeper queues them later."""
    from .tasks import send_item

    return queue_each(send_item, item_ids, countdown=countdown)


# --- sending one row ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SendOutcome:
    status: str  # synced, skipped, blocked, retry, failed
    retry_in: int | None = None
    next_item: int | None = None  # the dossier's next row, now free to go


def retry_delay(attempts: int) -> int:
    """Exponential backoff: base, 2×, 4×… seconds, capped (NATIONAL_SYNC_RETRY_BASE_SECONDS, _MAX_SECONDS)."""
    delay = settings.NATIONAL_SYNC_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return int(min(delay, settings.NATIONAL_SYNC_RETRY_MAX_SECONDS))


def _synced_dossier_rows():
    """Another row of the same dossier that created or updated its national record."""
    return SyncItem.objects.filter(
        dossier_id=OuterRef("dossier_id"), kind=ItemKind.DOSSIER, status=ItemStatus.SYNCED
    ).exclude(pk=OuterRef("pk"))


def _earlier_unfinished():
    return SyncItem.objects.filter(dossier_id=OuterRef("dossier_id"), pk__lt=OuterRef("pk")).exclude(
        status__in=DONE_STATUSES
    )


def claimable(now: datetime.datetime):
    """Rows a worker may take now: waiting and due (or held by a worker whose lease ran out), and the first
    unfinished row of their dossier."""
    early = now + datetime.timedelta(seconds=5)  # a countdown may fire a little early
    return SyncItem.objects.filter(
        Q(status=ItemStatus.PENDING, next_attempt_at__lte=early)
        | Q(status=ItemStatus.SENDING, lease_until__lt=now)
    ).filter(~Exists(_earlier_unfinished()))


def _claim(item_id: int, now: datetime.datetime) -> datetime.datetime | None:
    """One conditional UPDATE: the row is ours only if it is due, nobody holds it and nothing earlier of its
    dossier is unfinished. Returns the lease (the claim's token), None when the row was not ours to take."""
    lease = now + datetime.timedelta(seconds=settings.NATIONAL_SYNC_LEASE_SECONDS)
    # The conditions are on the row itself, so a concurrent claim re-checks them after the first one commits.
    claimed = (
        claimable(now)
        .filter(pk=item_id)
        .update(status=ItemStatus.SENDING, lease_until=lease, attempts=F("attempts") + 1)
    )
    return lease if claimed else None


def _send(item: SyncItem, adapter: NationalPortal) -> str:
    """The national call(s) for one row; returns synced or skipped. Raises NationalPortalError."""
    dossier, event = item.dossier, item.event
    unit = unit_code(dossier.receiving_agency)
    if item.kind == ItemKind.STEP:
        action = payloads.mapping(StatusMapping.Kind.ACTION, event.action)
        if not action.sends_step:
            return "skipped"
        adapter.add_step(unit_code=unit, step=payloads.step_record(dossier, event, action))
        return "synced"
    record = payloads.dossier_record(dossier, event)
    # Annotated by send(): another row of this dossier already created (or updated) its national record.
    known: bool = item.dossier_synced_before  # type: ignore[attr-defined]
    if not known:
        # Created before (a crash after the national "00", an earlier system): update, never create twice.
        known = adapter.exists(unit_code=unit, dossier_code=record["MaHoSo"])
    try:
        adapter.sync_dossier(unit_code=unit, record=record, updating=known)
    except PermanentError as error:
        if error.code == (NOT_FOUND if known else ALREADY_EXISTS):  # the other side changed meanwhile
            adapter.sync_dossier(unit_code=unit, record=record, updating=not known)
        else:
            raise
    return "synced"


def send(*, item_id: int, adapter: NationalPortal | None = None) -> SendOutcome:
    """Send one row to the national portal, once, in its dossier's order. A row not due, held elsewhere or
    behind an unfinished earlier row is left alone (the earlier row queues it when it is done)."""
    lease = _claim(item_id, clock.now())
    if lease is None:
        return SendOutcome("blocked")
    # One read for what the row needs: the dossier, its agencies (and the unit code it is sent under), the
    # applicant's profile, the event, and whether an earlier row already created the record nationally.
    item = (
        SyncItem.objects.select_related(
            "dossier__procedure_version__procedure",
            "dossier__procedure_version__field",
            "dossier__receiving_agency__national_unit_code",
            "dossier__handling_agency",
            "dossier__applicant__profile",
            "event__agency",
            "event__to_agency",
        )
        .annotate(dossier_synced_before=Exists(_synced_dossier_rows()))
        .get(pk=item_id)
    )
    try:
        status = _send(item, adapter or get_adapter())
    except TransientError as error:
        delay = retry_delay(item.attempts)
        _finish(
            item, lease, status=ItemStatus.PENDING, error=error, next_attempt_at=clock.now() + _seconds(delay)
        )
        return SendOutcome("retry", retry_in=delay)
    except NationalPortalError as error:
        _finish(item, lease, status=ItemStatus.FAILED, error=error, failed_at=clock.now())
        logger.warning("national sync: item %s failed for good: %s", item.pk, error)
        return SendOutcome("failed")
    except Exception as error:
        # A bug, not the portal: hold the row visibly (it blocks its dossier) rather than loop on it.
        failure = NationalPortalError(repr(error))
        _finish(item, lease, status=ItemStatus.FAILED, error=failure, failed_at=clock.now())
        raise
    synced = ItemStatus.SYNCED if status == "synced" else ItemStatus.SKIPPED
    _finish(item, lease, status=synced, synced_at=clock.now(), failed_at=None)
    return SendOutcome(status, next_item=next_item_of(item.dossier_id))


def _seconds(value: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=value)


def _finish(
    item: SyncItem,
    lease: datetime.datetime,
    *,
    status: str,
    error: NationalPortalError | None = None,
    **fields,
) -> None:
    """The row's outcome, only if the claim is still ours (a lease that ran out let another worker in)."""
    fields.update(status=status, lease_until=None)
    fields["last_error"] = str(error)[:2000] if error is not None else ""
    fields["error_code"] = (error.code or "")[:20] if error is not None else ""
    updated = SyncItem.objects.filter(pk=item.pk, status=ItemStatus.SENDING, lease_until=lease).update(
        **fields
    )
    if not updated:
        logger.error("national sync: item %s: its claim expired while it was being sent", item.pk)


def next_item_of(dossier_id: int) -> int | None:
    return (
        SyncItem.objects.filter(dossier_id=dossier_id, status=ItemStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


# --- left behind, failed ------------------------------------------------------------------------------------
def sweep(*, now: datetime.datetime | None = None, limit: int = 1000) -> int:
    """Queue again the rows left behind: due a while ago and free to go (the broker was down at commit, a
    task was lost, retries ran out) or held past their lease (the worker was killed)."""
    now = now or clock.now()
    grace = now - _seconds(settings.NATIONAL_SYNC_SWEEP_AFTER_SECONDS)
    ids = list(
        claimable(now)
        .filter(Q(status=ItemStatus.SENDING) | Q(next_attempt_at__lte=grace))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    # Not picked again before another grace period: a long queue is not flooded with copies.
    SyncItem.objects.filter(pk__in=ids, status=ItemStatus.PENDING).update(next_attempt_at=now)
    logger.info("national sync: the sweeper re-queues %s items", len(ids))
    return enqueue(ids)


def retry(*, items) -> int:
    """Failed rows go back to the outbox (staff's "Thử lại", or a mapping fixed in the admin)."""
    with transaction.atomic():
        ids = list(items.filter(status=ItemStatus.FAILED).values_list("pk", flat=True))
        SyncItem.objects.filter(pk__in=ids, status=ItemStatus.FAILED).update(
            status=ItemStatus.PENDING, next_attempt_at=clock.now(), failed_at=None
        )
        transaction.on_commit(lambda: enqueue(ids), robust=True)
    return len(ids)


def requeue_after_mapping_change(*, mapping: StatusMapping) -> int:
    """A mapping saved in the admin: the rows that failed for want of it are sent again."""
    failed = SyncItem.objects.filter(status=ItemStatus.FAILED, error_code=NO_MAPPING)
    if mapping.kind == StatusMapping.Kind.STATE:
        failed = failed.filter(
            Q(event__to_state=mapping.value) | Q(event__to_state="", event__from_state=mapping.value)
        )
    else:
        failed = failed.filter(event__action=mapping.value, kind=ItemKind.STEP)
    return retry(items=failed)
