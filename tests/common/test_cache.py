"""common.cache.FallbackRedisCache: a Redis outage is served from this process's memory, logged once, and
Redis is tried again after FALLBACK_SECONDS. Runs without any Redis (a closed port, or a scripted client)."""

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from common import cache as fallback_cache
from common.cache import FallbackRedisCache
from tests.services_support import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_outage_left_over():
    fallback_cache._outages.clear()
    yield
    fallback_cache._outages.clear()


def backend(location: str, seconds: float = 30) -> FallbackRedisCache:
    return FallbackRedisCache(
        location,
        {"OPTIONS": {"FALLBACK_SECONDS": seconds, "socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )


class ScriptedRedis:
    """Stands for Django's RedisCacheClient: a dict while `up`, a refused connection while not."""

    def __init__(self):
        self.up = True
        self.calls = 0
        self.data: dict = {}

    def _reach(self):
        self.calls += 1
        if not self.up:
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    def get(self, key, default=None):
        self._reach()
        return self.data.get(key, default)

    def set(self, key, value, timeout):
        self._reach()
        self.data[key] = value

    def incr(self, key, delta):
        self._reach()
        if key not in self.data:
            raise ValueError(f"Key {key!r} not found.")
        self.data[key] += delta
        return self.data[key]

    def get_client(self, key=None, *, write=False):
        return self

    def ping(self):
        self._reach()
        return True


def scripted(seconds: float = 30) -> tuple[FallbackRedisCache, ScriptedRedis]:
    cache = backend(f"redis://scripted-{free_port()}/0", seconds)
    redis = ScriptedRedis()
    cache._cache = redis  # the cached_property Django's RedisCache builds its client in
    return cache, redis


def test_a_closed_port_is_served_from_process_memory_with_one_warning(caplog):
    cache = backend(f"redis://127.0.0.1:{free_port()}/0")
    with caplog.at_level(logging.WARNING, logger="common.cache"):
        assert cache.get("missing") is None
        assert cache.add("lookups", 0, timeout=60) is True
        assert [cache.incr("lookups") for _ in range(3)] == [1, 2, 3]
        cache.set_many({"a": 1, "b": 2})
        assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
        assert cache.get_or_set("words", lambda: ["giay", "phep"]) == ["giay", "phep"]
        assert cache.has_key("a") and cache.touch("a", 10)
        cache.delete_many(["a", "b"])
        assert cache.delete("lookups") is True and cache.get("a") is None
        with pytest.raises(ValueError):
            cache.incr("never-set")  # the same answer Redis gives, which callers already handle
    warnings = [r for r in caplog.records if r.name == "common.cache"]
    assert len(warnings) == 1 and "does not answer" in warnings[0].getMessage()
    assert cache.state() == {"ok": False, "mode": "process-memory", "error": "ConnectionError"}


def test_every_thread_of_the_process_shares_the_outage_and_the_fallback_data():
    location = f"redis://127.0.0.1:{free_port()}/0"
    first, second = backend(location), backend(location)  # Django gives each thread its own object
    first.set("counter", 5)
    assert second.outage.active and second.get("counter") == 5


def test_during_the_outage_redis_is_not_asked_and_after_it_redis_is_tried_again(caplog):
    cache, redis = scripted(seconds=0.5)
    redis.data[":1:kept"] = "in redis"
    redis.up = False
    cache.set("counter", 1)
    calls = redis.calls
    for _ in range(20):
        assert cache.get("counter") == 1  # from memory, without waiting on Redis each time
    assert redis.calls == calls

    redis.up = True
    time.sleep(0.55)
    with caplog.at_level(logging.WARNING, logger="common.cache"):
        assert cache.get("kept") == "in redis"  # Redis again: what was written locally is not there
    assert cache.get("counter") is None
    assert not cache.outage.active and "answers again" in caplog.text
    assert cache.state() == {"ok": True, "mode": "redis"}


def test_a_failed_retry_keeps_the_fallback_data_and_a_new_outage_starts_empty():
    cache, redis = scripted(seconds=0.1)
    redis.up = False
    cache.set("counter", 3)
    time.sleep(0.15)
    assert cache.get("counter") == 3  # Redis tried again, still down: the same outage goes on
    redis.up = True
    time.sleep(0.15)
    cache.get("anything")  # Redis is back
    redis.up = False
    assert cache.get("counter") is None  # the next outage does not serve values from the last one


def test_healthz_state_pings_redis_even_while_calls_go_to_memory():
    cache, redis = scripted(seconds=60)
    redis.up = False
    cache.get("x")
    assert cache.outage.active
    redis.up = True
    assert cache.state() == {"ok": True, "mode": "redis"}
    assert not cache.outage.active  # the next call goes to Redis without waiting out the minute


def test_errors_that_are_not_an_outage_are_raised():
    cache, redis = scripted()

    def wrong_type(key, delta):
        raise ResponseError("WRONGTYPE Operation against a key holding the wrong kind of value")

    redis.incr = wrong_type
    with pytest.raises(ResponseError):
        cache.incr("a-list")
    assert not cache.outage.active


def test_the_production_shape_uses_the_fallback_cache_with_short_socket_timeouts():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.core.cache import caches; "
        "print(settings.CACHES['default']['OPTIONS']['socket_timeout'], type(caches['default']).__name__)"
    )
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    environment.update(DJANGO_SETTINGS_MODULE="portal.settings", REDIS_URL="redis://127.0.0.1:1/0")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1.0", "FallbackRedisCache"]
