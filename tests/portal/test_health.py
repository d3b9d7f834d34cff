import datetime

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from common import clock
from notifications.models import Notification
from portal import health
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_in_process_tasks(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["cache"]["ok"] is True  # process memory on the embedded default, Redis in CI's second run
    assert body["broker"] == {"ok": True, "mode": "in-process"}
    assert body["workers"]["ok"] is True


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["database"] == {"ok": False, "error": "DatabaseError"}


def test_healthz_reports_an_unreachable_broker_without_failing_the_database_check(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from portal.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["broker"]["ok"] is False
    assert body["workers"] == {"ok": False, "count": 0}


def test_healthz_is_degraded_when_another_cache_backend_does_not_keep_what_it_is_given(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded" and response.json()["cache"] == {"ok": False}


def test_healthz_reports_each_outbox_backlog_and_its_oldest_age_without_changing_the_status(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    waiting = clock.now() - datetime.timedelta(minutes=5)
    Notification.objects.create(
        recipient=UserFactory(), event="dossier_received", channel="sms", address="0912345678", body="x"
    )
    Notification.objects.update(created_at=waiting)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["outboxes"]["notifications"]["pending"] == 1
    assert 300 <= body["outboxes"]["notifications"]["oldest_age_seconds"] < 400
    assert set(body["outboxes"]) == {
        "notifications",
        "postal",
        "national_sync",
        "e_results_signing",
        "refunds",
    }
    assert body["outboxes"]["postal"] == {"pending": 0, "oldest_age_seconds": 0.0}
    # SELECT 1, one aggregate per outbox (and on PostgreSQL the request's statement timeout).
    assert len(queries) <= 7
