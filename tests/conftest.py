import re

import pytest
from celery._state import _set_task_join_will_block
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

# Real Redis and Celery workers for tests marked `services` (tests/services_support.py).
pytest_plugins = ["tests.services_support"]


@pytest.fixture(scope="session", autouse=True)
def _own_redis_database_per_xdist_worker(worker_id):
    """Under `pytest -n`, each worker clears the cache before every test: on Redis, each worker gets its own
    database (the next numbers after REDIS_URL's), or one would wipe another's rate limits mid-test."""
    cache_settings = settings.CACHES["default"]
    location = str(cache_settings.get("LOCATION", ""))
    numbered = re.fullmatch(r"(redis://[^/]+/)(\d+)", location)
    if worker_id == "master" or numbered is None:
        yield
        return
    database = (int(numbered.group(2)) + 1 + int(worker_id.removeprefix("gw"))) % 16
    own = {**cache_settings, "LOCATION": f"{numbered.group(1)}{database}"}
    with override_settings(CACHES={**settings.CACHES, "default": own}):
        yield


@pytest.fixture(scope="session", autouse=True)
def _static_files_found_per_request():
    """WhiteNoise's middleware lists every static file when it is built: once per process in production, but
    once per test client here (a tenth of the suite's time). Tests have it look a file up when one is asked
    for instead, as under `runserver`. The browser tests (tests/e2e/conftest.py), `make run` and the benches
    serve them the production way."""
    with override_settings(WHITENOISE_AUTOREFRESH=True):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth keeps its rate limits and used TOTP codes in the cache: each test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Messages raised by services in a test read in English, whatever ran before in the same thread (a
    request leaves its language active). Pages still get their language from the middleware."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _celery_join_allowed():
    """Each test starts with Celery's process-wide "inside a task" flag cleared. An eager task sets it while
    it runs and restores what it found: two eager tasks overlapping in threads (the concurrency tests) restore
    in the wrong order and leave it set, and every later `.get()` in that process raised "Never call
    result.get() within a task!" (CI failed so once, in the PostgreSQL run)."""
    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    """Uploaded files, archived files and mail go to the test's own folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "archive")},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "notifications.providers.sms_memory.MemorySMSBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms" / "outbox.jsonl")
    from notifications.providers import sms_memory

    sms_memory.outbox.clear()


@pytest.fixture(autouse=True)
def _rule_sets_survive_flushes(request):
    """The dossier rule sets are rows a data migration writes; a transactional test (threads, live server)
    ends with a flush that deletes them. Every test that uses the database finds them back."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    transactional = (
        "transactional_db" in names
        or "live_server" in names
        or (marker is not None and marker.kwargs.get("transaction", False))
    )
    if not (transactional or marker is not None or "db" in names):
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from importlib import import_module

    from django.apps import apps

    from dossiers.models import RuleSet

    if not RuleSet.objects.exists():
        import_module("dossiers.migrations.0002_rule_sets").add_rule_sets(apps, None)


@pytest.fixture(autouse=True)
def _eager_tasks(request):
    """Ordinary tests run Celery tasks in-process, even in CI's step with REDIS_URL set (where the settings
    turn eager mode off); only tests marked `services` talk to real workers (tests/services_support.py)."""
    if "services" in request.keywords:
        yield
        return
    from portal.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    skip_services = pytest.mark.skip(reason="needs PostgreSQL and redis-server (real Celery workers)")
    for item in items:
        if "postgres" in item.keywords and settings.DATABASE_VENDOR != "postgresql":
            item.add_marker(skip_pg)
        if "services" in item.keywords and settings.DATABASE_VENDOR != "postgresql":
            item.add_marker(skip_services)
