"""Readiness checks for load balancers and monitoring: database, cache, broker, workers; and the outboxes'
backlogs, for a person reading it.

Only the database is needed to serve: without it /healthz answers 503 ("down"). Anything else missing is
"degraded" with 200, so a load balancer keeps sending traffic (a Redis outage leaves the cache in each
process's memory, see common/cache.py, and the outbox holds what the workers could not send yet)."""

import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection


def database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means "down" to a load balancer
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def cache_state() -> dict:
    backend = caches["default"]
    if hasattr(backend, "state"):  # common.cache.FallbackRedisCache asks Redis itself
        return backend.state()
    if isinstance(backend, LocMemCache):
        return {"ok": True, "mode": "process-memory"}
    probe, value = "healthz:probe", uuid.uuid4().hex  # any other backend: a write and a read
    try:
        backend.set(probe, value, timeout=10)
        ok = backend.get(probe) == value
    except Exception as error:
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": ok}


def broker_state() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "in-process"}
    from portal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
    except Exception as error:
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True, "mode": "redis"}


def workers_state(broker_ok: bool) -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "in-process", "count": 0}
    if not broker_ok:
        return {"ok": False, "count": 0}
    from portal.celery import app

    try:
        replies = app.control.ping(timeout=1.0) or []
    except Exception as error:
        return {"ok": False, "count": 0, "error": error.__class__.__name__}
    return {"ok": bool(replies), "count": len(replies)}


def health_report() -> tuple[int, dict]:
    database = database_state()
    cache = cache_state()
    broker = broker_state()
    workers = workers_state(broker["ok"])
    status = 200 if database["ok"] else 503
    overall = (
        "ok"
        if database["ok"] and cache["ok"] and broker["ok"] and workers["ok"]
        else ("degraded" if database["ok"] else "down")
    )
    report = {"status": overall, "database": database, "cache": cache, "broker": broker, "workers": workers}
    if database["ok"]:
        report["outboxes"] = outboxes_state()
    return status, report


def outboxes_state() -> dict:
    """Each outbox's waiting rows and the age of the oldest (one indexed aggregate each). Information for
    whoever looks: a backlog never changes the status (the alert rules on /metrics judge it)."""
    from .metrics import outbox_backlogs

    try:
        return {
            backlog.outbox: {"pending": backlog.pending, "oldest_age_seconds": backlog.oldest_age_seconds}
            for backlog in outbox_backlogs()
        }
    except Exception as error:  # a table not migrated yet, a statement cancelled: /healthz still answers
        return {"error": error.__class__.__name__}
