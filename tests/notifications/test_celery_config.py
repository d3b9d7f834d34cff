"""The Celery settings the outbox relies on, and the worker command that must consume every queue."""

from pathlib import Path

import yaml
from django.conf import settings

from portal.celery import app


def route(name: str) -> str:
    return (app.amqp.router.route({}, name) or {}).get("queue").name


def test_tasks_are_routed_to_their_queues():
    assert route("notifications.tasks.send_notification") == "notifications"
    assert route("notifications.tasks.sweep_notifications") == "notifications"
    assert route("postal.tasks.submit_order") == "postal"
    assert route("payments.tasks.anything") == "default"
    assert route("dossiers.tasks.send_due_reminders") == "default"


def test_the_worker_commands_consume_every_routed_queue():
    routed = {r["queue"] for r in settings.CELERY_TASK_ROUTES.values()} | {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert routed <= set(settings.PORTAL_QUEUES)
    wanted = "-Q " + ",".join(settings.PORTAL_QUEUES)
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    assert wanted in compose["services"]["worker"]["command"]
    assert wanted in (Path(settings.BASE_DIR) / "Makefile").read_text()
    assert "celery -A portal beat" in compose["services"]["beat"]["command"]
    # A process that ends (a worker on a broker outage) comes back without an operator.
    policies = {compose["services"][name].get("restart") for name in ("web", "worker", "beat")}
    assert policies == {"unless-stopped"}


def test_reliability_settings():
    conf = app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    # A retry waiting on the broker (countdown) must come back before Redis would redeliver it.
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert visibility > settings.NOTIFICATIONS_COUNTDOWN_MAX_SECONDS
    assert settings.NOTIFICATIONS_SENDING_LEASE_SECONDS > settings.SMS_GATEWAY_TIMEOUT * 3


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
    assert "notifications-sweep" in settings.CELERY_BEAT_SCHEDULE
    assert "dossiers-due-reminders" in settings.CELERY_BEAT_SCHEDULE


def test_ordinary_tests_run_tasks_in_process_even_with_redis_configured():
    assert app.conf.task_always_eager
