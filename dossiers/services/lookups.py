"""The public status lookup (Tra cứu hồ sơ), for the page and the API's public status: a count per address
(LOOKUP_LIMIT in LOOKUP_WINDOW_SECONDS, in the cache), then a guard per dossier code: 4 digits are 10,000
guesses, so a code is locked for an hour after 10 wrong tries from any address (the per-address limit alone
falls to many addresses). The code's counter lives in the database, not the cache, so a cache outage does not
lift it."""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction

from common import clock
from common.replica import lag_tolerant, replica_configured

from .. import codes, selectors
from ..models import Dossier, LookupCodeGuard
from ..timeline import TimelineEntry, plain_timeline

LOOKUP_LIMIT = 10
LOOKUP_WINDOW_SECONDS = 10 * 60
LOOKUP_CODE_MISS_LIMIT = 10
LOOKUP_CODE_WINDOW = datetime.timedelta(hours=1)  # misses further apart than this do not add up
LOOKUP_CODE_LOCK = datetime.timedelta(hours=1)


def lookup_allowed(address: str) -> bool:
    """Counts one lookup for the client's address; False once it made LOOKUP_LIMIT in the current window."""
    key = f"dossier-lookup:{address}"
    cache.add(key, 0, timeout=LOOKUP_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=LOOKUP_WINDOW_SECONDS)
        count = 1
    return count <= LOOKUP_LIMIT


@dataclass(frozen=True)
class LookupResult:
    """What a lookup found: the dossier and its public timeline, or nothing; `locked_until` when the code is
    locked (before its digits were checked, or by this miss)."""

    dossier: Dossier | None = None
    timeline: list[TimelineEntry] = field(default_factory=list)
    locked_until: datetime.datetime | None = None


def look_up(code: str, digits: str) -> LookupResult:
    """The lookup behind the per-code guard: a locked code is refused before its digits are checked, and a
    miss counts toward its lock, whether or not a dossier has the code. A miss says nothing about whether
    the code exists; a dossier found shows no name and no document."""
    if replica_configured():
        return _look_up_beside_replica(code, digits)
    # One read: the dossier with its code's lock. A code no dossier has is read in the miss's transaction,
    # which answers the lock it finds there (counting a miss on a locked code changes nothing).
    dossier, locked_until = selectors.public_lookup_candidate(code, now=clock.now())
    if locked_until is not None:
        return LookupResult(locked_until=locked_until)
    if dossier is not None and selectors.secret_matches(dossier, digits):
        return LookupResult(dossier=dossier, timeline=plain_timeline(dossier, public=True))
    return LookupResult(locked_until=record_lookup_miss(code))


def _look_up_beside_replica(code: str, digits: str) -> LookupResult:
    """look_up with a replica: the code's guard read on the primary first (its lock must hold at once), the
    dossier from the replica."""
    locked_until = lookup_code_locked_until(code)
    if locked_until is not None:
        return LookupResult(locked_until=locked_until)
    found = _find(code, digits)
    if found is not None:
        return LookupResult(dossier=found[0], timeline=found[1])
    return LookupResult(locked_until=record_lookup_miss(code))


def _find(code: str, digits: str) -> tuple[Dossier, list[TimelineEntry]] | None:
    """The dossier and its public timeline, read from the replica. The code's guard is read and written on
    the primary, and a miss on the replica is asked again of the primary before it counts toward that lock:
    a dossier filed a moment ago may not be there yet."""
    with lag_tolerant():
        dossier = selectors.public_lookup(code, digits)
        if dossier is not None:
            return dossier, plain_timeline(dossier, public=True)
    dossier = selectors.public_lookup(code, digits)
    return (dossier, plain_timeline(dossier, public=True)) if dossier is not None else None


def lookup_code_locked_until(code: str) -> datetime.datetime | None:
    """Until when lookups of this code are refused, or None. The same for a code no dossier has."""
    return next(iter(selectors.code_lock_ends(codes.as_stored(code), clock.now())), None)


def record_lookup_miss(code: str) -> datetime.datetime | None:
    """Count one wrong lookup of the code (wrong digits, or a code no dossier has); returns the end of the
    lock when this miss reached the limit or the code was already locked."""
    now = clock.now()
    with transaction.atomic():
        guard, _created = LookupCodeGuard.objects.select_for_update().get_or_create(
            code=codes.as_stored(code)
        )
        expired_lock = guard.locked_until is not None and guard.locked_until <= now
        old_window = guard.first_miss_at is None or guard.first_miss_at <= now - LOOKUP_CODE_WINDOW
        if expired_lock or (guard.locked_until is None and old_window):
            guard.misses, guard.first_miss_at, guard.locked_until = 0, now, None
        guard.misses += 1
        if guard.misses >= LOOKUP_CODE_MISS_LIMIT and guard.locked_until is None:
            guard.locked_until = now + LOOKUP_CODE_LOCK
        guard.save()
        return guard.locked_until


def forget_old_lookup_misses() -> int:
    """Rows whose window and lock are over count for nothing: delete them (beat, hourly)."""
    now = clock.now()
    stale = LookupCodeGuard.objects.filter(first_miss_at__lte=now - LOOKUP_CODE_WINDOW).exclude(
        locked_until__gt=now
    )
    deleted, _per_model = stale.delete()
    return deleted
