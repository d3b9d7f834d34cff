"""Whole pieces of a page kept in the cache under a key that names everything they depend on (a version or
fingerprint of the data, the language, the reader when it is theirs): a change gives a new key, so what is
read is never older than its key says; `seconds` bounds what the key cannot name (the clock)."""

import hashlib
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
