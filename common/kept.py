"""Whole pieces of a page kept in the cache under a key that names everything they depend on (a version or
fingerprint of the data, the language, the reader when it is theirs): a change gives a new key, so what is
read is never older than its key says; `seconds` bounds what the key cannot name (the clock).

A version is a name in the cache holding a random value: what depends on some data puts the data's version
in its key, and the change to the data, once it commits, gives the version a new value (new_versions)."""

import hashlib
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

T = TypeVar("T")

# One process builds a missing value while the others wait for it (a change gives every reader of a page a new
# key at once: N clerks' queue pages, N web processes). A builder that dies leaves its mark this long at most;
# a reader waits this long at most, then builds itself.
BUILDING_MARK_SECONDS = 10
WAIT_FOR_BUILDER_SECONDS = 0.5
WAIT_STEP_SECONDS = 0.02


def kept_key(prefix: str, parts: tuple[Any, ...]) -> str:
    """A cache key for `parts` (any values with a stable repr), of bounded length whatever they hold."""
    return f"{prefix}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


def kept(
    prefix: str,
    parts: tuple[Any, ...],
    build: Callable[[], T],
    seconds: int,
    keep: Callable[[T], bool] = lambda _value: True,
) -> T:
    """The value kept under `parts`, or `build()` kept for `seconds` when `keep` accepts it. While another
    process builds the same value, this one waits for it (WAIT_FOR_BUILDER_SECONDS at most) instead of
    building it too."""
    key = kept_key(prefix, parts)
    value = cache.get(key)
    if value is not None:
        return value
    mark = f"{key}:building"
    building = cache.add(mark, 1, BUILDING_MARK_SECONDS)
    if not building:
        value = _built_by_another(key, mark)
        if value is not None:
            return value
    try:
        value = build()
        if keep(value):
            cache.set(key, value, seconds)
    finally:
        if building:
            cache.delete(mark)
    return value


def _built_by_another(key: str, mark: str) -> Any:
    """The value another process is building, once it is there; None when it gave up (its mark is gone
    without a value: `keep` refused it, or it failed) or takes longer than WAIT_FOR_BUILDER_SECONDS."""
    deadline = time.monotonic() + WAIT_FOR_BUILDER_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_SECONDS)
        found = cache.get_many([key, mark])
        if found.get(key) is not None:
            return found[key]
        if mark not in found:
            return None
    return None


def versions(*names: str) -> tuple[str, ...]:
    """The current value of each version, in the order asked: one cache round trip (a version not yet in
    the cache is given one)."""
    found = cache.get_many(names)
    missing = {name: uuid.uuid4().hex for name in names if name not in found}
    if missing:
        cache.set_many(missing, timeout=None)
    return tuple(str({**missing, **found}[name]) for name in names)


def new_versions(*names: str) -> None:
    """Give each version a new value: what was kept under the old ones is no longer read."""
    cache.set_many({name: uuid.uuid4().hex for name in set(names)}, timeout=None)
