"""The production cache: Django's RedisCache that survives Redis going away.

The rule: nothing the portal needs to stay correct lives only in the cache (sessions, account locks and
outbox rows are in the database). What the cache holds is either rebuilt on a miss (the search vocabulary)
or a counter that may reset (rate limits, the public-lookup counter, allauth's used TOTP codes). So when
Redis does not answer, this backend logs once and serves every call from a local-memory cache of *this
process* for FALLBACK_SECONDS (30 s by default), then tries Redis again; during an outage counters are per
process (with N web processes an address gets up to N times its limit), and what was written locally is
dropped when Redis answers again. `/healthz` reports the outage (`cache.ok` false, status "degraded").
OPTIONS: FALLBACK_SECONDS, FALLBACK_MAX_ENTRIES; the rest go to redis-py (keep its socket timeouts short).
"""

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis import exceptions as redis_errors

logger = logging.getLogger(__name__)

# Redis is unreachable, or answers but cannot serve (full, read-only after a failover, cluster down).
# Other errors (a wrong type, a bug) are raised as they are.
OUTAGE_ERRORS = (
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    redis_errors.OutOfMemoryError,
    redis_errors.ReadOnlyError,
    redis_errors.ClusterDownError,
)


class Outage:
    """Whether one Redis location is being bypassed in this process; shared by every thread (Django gives
    each thread its own cache object)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.since: float | None = None  # time.monotonic() of the first failure
        self.retry_at = 0.0

    @property
    def active(self) -> bool:
        return self.since is not None and time.monotonic() < self.retry_at

    def begin(self, location: str, error: Exception, seconds: float) -> bool:
        """Bypass Redis for `seconds`; True when this starts an outage (not a failed retry)."""
        with self.lock:
            started = self.since is None
            if started:
                self.since = time.monotonic()
                logger.warning(
                    "Cache: Redis at %s does not answer (%s: %s); serving from this process's memory, "
                    "retrying every %s s",
                    location,
                    type(error).__name__,
                    error,
                    seconds,
                )
            self.retry_at = time.monotonic() + seconds
            return started

    def end(self, location: str) -> None:
        if self.since is None:
            return
        with self.lock:
            if self.since is None:
                return
            logger.warning(
                "Cache: Redis at %s answers again after %.0f s", location, time.monotonic() - self.since
            )
            self.since, self.retry_at = None, 0.0


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def outage_for(location: str) -> Outage:
    with _outages_lock:
        return _outages.setdefault(location, Outage())


class FallbackRedisCache(RedisCache):
    """RedisCache whose calls fall back to a per-process LocMemCache while Redis is unreachable."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.fallback_seconds = float(options.pop("FALLBACK_SECONDS", 30))
        local_options = {"MAX_ENTRIES": int(options.pop("FALLBACK_MAX_ENTRIES", 10_000))}
        super().__init__(server, {**params, "OPTIONS": options})
        self.location = ",".join(self._servers)
        self.outage = outage_for(self.location)
        # LocMemCache keeps its data per name at module level: every thread of the process shares it.
        self.local = LocMemCache(f"redis-fallback:{self.location}", {**params, "OPTIONS": local_options})

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if not self.outage.active:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except OUTAGE_ERRORS as error:
                self._redis_failed(error)
            else:
                self.outage.end(self.location)
                return result
        return getattr(self.local, name)(*args, **kwargs)

    def _redis_failed(self, error: Exception) -> None:
        if self.outage.begin(self.location, error, self.fallback_seconds):
            self.local.clear()  # a new outage starts empty, like a restarted Redis

    def state(self) -> dict[str, Any]:
        """For /healthz: ask Redis itself (a PING, whatever the outage state), and say where calls go."""
        try:
            self._cache.get_client(write=False).ping()
        except OUTAGE_ERRORS as error:
            self._redis_failed(error)
            return {"ok": False, "mode": "process-memory", "error": type(error).__name__}
        self.outage.end(self.location)
        return {"ok": True, "mode": "redis"}

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        return self._call("clear")
