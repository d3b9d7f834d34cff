"""Redis's memory bound in docker-compose.yml: the cache and the Celery broker share one instance, so when it
is full the eviction policy must take the cache's keys (they expire) and never a queued task (the broker's
lists do not expire). Checked on a private redis-server with the compose file's policy and a tiny bound."""

import shlex
import shutil
from pathlib import Path

import pytest
import redis
import yaml
from django.conf import settings

from common.cache import FallbackRedisCache
from tests.services_support import RedisServer, publishing_to

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")


def compose_redis_settings() -> dict[str, str]:
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    words = shlex.split(compose["services"]["redis"]["command"])
    return {word: words[index + 1] for index, word in enumerate(words[:-1]) if word.startswith("--")}


def test_the_compose_redis_bounds_its_memory_and_evicts_only_expiring_keys():
    shipped = compose_redis_settings()
    assert shipped["--maxmemory"].endswith(("mb", "gb"))
    assert shipped["--maxmemory-policy"].startswith("volatile-")


def test_a_full_redis_evicts_the_cache_and_keeps_the_queued_task(tmp_path):
    policy = compose_redis_settings()["--maxmemory-policy"]
    server = RedisServer(tmp_path / "redis", "--maxmemory", "4mb", "--maxmemory-policy", policy)
    server.start()
    try:
        with publishing_to(server.url) as app:
            app.send_task("notifications.tasks.sweep_notifications")
        raw = redis.Redis.from_url(server.url)
        assert raw.llen("notifications") == 1
        cache = FallbackRedisCache(server.url, {"OPTIONS": {"FALLBACK_SECONDS": 30}})
        for number in range(400):  # 4 MB of pages kept for 5 minutes, twice the bound
            cache.set(f"kept-page-{number}", "x" * 20_000, timeout=300)

        assert raw.info("stats")["evicted_keys"] > 0
        assert cache.get("kept-page-399") == "x" * 20_000  # the cache kept working: no outage
        assert not cache.outage.active
        assert raw.llen("notifications") == 1  # the task is still there for a worker
    finally:
        server.stop()
