"""The public lookup's guard per dossier code: 4 digits are 10,000 guesses, so a code is locked for an hour
after 10 wrong tries from any address (the per-address limit alone falls to many addresses). The counter
lives in the database, not the cache, so a cache outage does not lift it."""

import datetime

from django.db import transaction

from common import clock

from ..models import LookupCodeGuard

LOOKUP_CODE_MISS_LIMIT = 10
LOOKUP_CODE_WINDOW = datetime.timedelta(hours=1)  # misses further apart than this do not add up
LOOKUP_CODE_LOCK = datetime.timedelta(hours=1)


def normalise_code(code: str) -> str:
    return code.strip().upper()[:40]


def lookup_code_locked_until(code: str) -> datetime.datetime | None:
    """Until when lookups of this code are refused, or None. The same for a code no dossier has."""
    # [:1], not first(): the code is unique, an ORDER BY would only cost its compiling on every lookup.
    locked = LookupCodeGuard.objects.filter(code=normalise_code(code), locked_until__gt=clock.now())
    return next(iter(locked.values_list("locked_until", flat=True)[:1]), None)


def record_lookup_miss(code: str) -> datetime.datetime | None:
    """Count one wrong lookup of the code (wrong digits, or a code no dossier has); returns the end of the
    lock when this miss reached the limit or the code was already locked."""
    now = clock.now()
    with transaction.atomic():
        guard, _created = LookupCodeGuard.objects.select_for_update().get_or_create(code=normalise_code(code))
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
