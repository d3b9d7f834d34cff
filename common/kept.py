"""Whole pieces of a page kept in the cache under a key that names everything they depend on (a version or
fingerprint of the data, the language, the reader when it is theirs): a change gives a new key, so what is
read is never older than its key says; `seconds` bounds what the key cannot name (the clock).

A version is a name in the cache holding a random value: what depends on some data puts the data's version
in its key, and the change to the data, once it commits, gives the version a new value (new_versions)."""

import hashlib
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

T = TypeVar("T")


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
    """The value kept under `parts`, or `build()` kept for `seconds` when `keep` accepts it."""
    key = kept_key(prefix, parts)
    value = cache.get(key)
    if value is None:
        value = build()
        if keep(value):
            cache.set(key, value, seconds)
    return value


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
