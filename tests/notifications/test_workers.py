"""Notifications on real Celery workers and a real (private) Redis: the outbox's promises under a broker
outage, a SIGKILL, duplicate deliveries and a failing SMS gateway. PostgreSQL only (marker `services`)."""

import itertools
import os
import re
import signal
import time
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import transaction

from dossiers import services as dossier_services
from notifications.models import Channel, DeliveryAttempt, Notification, Status
from notifications.services import notify
from tests.factories import PURPOSE, CitizenProfileFactory, ProcedureVersionFactory
from tests.services_support import wait_for

# serialized_rollback: each test starts from the migrated data (the rule sets), which a flush removes.
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def gateway_env(fake_http, **extra) -> dict:
    return {
        "SMS_BACKEND": "notifications.providers.sms_http.HttpSMSGateway",
        "SMS_GATEWAY_URL": fake_http.url,
        "SMS_GATEWAY_TIMEOUT": "1",
        **extra,
    }


def emails_in(folder: Path) -> list[str]:
    """The Message-IDs of every email the file backend wrote."""
    if not folder.exists():
        return []
    text = "".join(path.read_text(errors="replace") for path in sorted(folder.glob("*.log")))
    return re.findall(r"^Message-ID: (<[^>]+>)", text, flags=re.MULTILINE)


def settled(rows) -> bool:
    return all(status in {Status.SENT, Status.DELIVERED, Status.FAILED} for status in rows)


def draft(version, citizen):
    return dossier_services.start_draft(version=version, applicant=citizen, form_data=PURPOSE)


@pytest.fixture
def version():
    return ProcedureVersionFactory(published=True, documents=0)


def test_a_transition_produces_three_deliveries(celery_services, fake_http, version):
    fake_http.dedupe_on = "reference"
    celery_services.worker(**gateway_env(fake_http))
    citizen = CitizenProfileFactory(phone="0912345678").user

    dossier = dossier_services.submit(dossier=draft(version, citizen), by=citizen)

    rows = Notification.objects.filter(dossier_id=dossier.pk, event="dossier_submitted")
    wait_for(
        lambda: settled(rows.values_list("status", flat=True)) and rows.count() == 3,
        message="three deliveries",
    )
    by_channel = {row.channel: row for row in rows}
    assert {channel: row.status for channel, row in by_channel.items()} == {
        Channel.PORTAL: Status.DELIVERED,
        Channel.EMAIL: Status.SENT,
        Channel.SMS: Status.SENT,
    }
    sms = [request.json() for request in fake_http.requests]
    assert [(m["to"], m["reference"]) for m in sms] == [("84912345678", str(by_channel[Channel.SMS].key))]
    assert dossier.code in sms[0]["text"]
    assert by_channel[Channel.SMS].provider_message_id == "gw-1"
    assert emails_in(celery_services.workdir / "mail") == [by_channel[Channel.EMAIL].provider_message_id]


def test_a_redis_outage_during_100_filings_ends_with_every_notification_sent_exactly_once(
    celery_services, redis_server, fake_http, version
):
    fake_http.dedupe_on = "reference"
    env = gateway_env(fake_http)
    # kombu may end the worker when it acknowledges a message on the channel the outage broke
    # (AttributeError in its Redis transport, celery/kombu#582): production restarts it
    # (docker-compose.yml `restart: unless-stopped`), so does this test; nothing may be lost either way.
    celery_services.worker(restart_on_exit=True, **env)
    celery_services.beat(**env)
    citizen = CitizenProfileFactory(phone="0912345678").user
    drafts = [draft(version, citizen) for _ in range(100)]

    for number, dossier in enumerate(drafts):
        if number == 30:
            redis_server.stop()  # everything queued and not yet consumed is lost with it
        if number == 70:
            redis_server.start()
        dossier_services.submit(dossier=dossier, by=citizen)

    outbox = Notification.objects.exclude(channel=Channel.PORTAL)
    assert outbox.count() == 200
    try:
        wait_for(
            lambda: outbox.filter(status=Status.SENT).count() == 200,
            timeout=120,
            interval=0.5,
            message="all 200 emails and SMS to be sent after the outage",
        )
    except pytest.fail.Exception as timeout:
        pytest.fail(f"{timeout}\n{_state_of(outbox, celery_services)}")
    requeued = sum(int(n) for n in re.findall(r"Sweeper re-queues (\d+)", celery_services.started[0].log()))
    assert requeued >= 80, "the 40 filings made during the outage reached the workers through the sweeper"
    references = [request.json()["reference"] for request in fake_http.requests]
    assert len(references) == 100 == len(set(references)), "each SMS handed to the gateway exactly once"
    message_ids = emails_in(celery_services.workdir / "mail")
    assert len(message_ids) == 100 == len(set(message_ids)), "each email written exactly once"
    assert DeliveryAttempt.objects.count() == 200
    assert set(outbox.values_list("attempts", flat=True)) == {1}
    assert Notification.objects.filter(channel=Channel.PORTAL, status=Status.DELIVERED).count() == 100


def _state_of(outbox, celery_services) -> str:
    """What a failure needs to be understood: the rows by status, and whether each process still runs."""
    by_status = {status: outbox.filter(status=status).count() for status in Status.values}
    lines = [f"rows by status: {by_status}"]
    for process in celery_services.started:
        alive = process.process is not None and process.process.poll() is None
        tail = "\n".join(process.log().splitlines()[-40:])
        lines.append(f"--- {process.name} ({'running' if alive else 'exited'}), last lines:\n{tail}")
    return "\n".join(lines)


@pytest.mark.parametrize("victim", ["pool child", "whole worker"])
def test_a_worker_killed_with_sigkill_mid_task_loses_nothing(celery_services, fake_http, version, victim):
    fake_http.dedupe_on = "reference"
    fake_http.responses = [(200, {}, 3.0)]  # the first SMS hangs at the gateway: the worker dies meanwhile
    env = gateway_env(fake_http, SMS_GATEWAY_TIMEOUT="10")
    worker = celery_services.worker("w1", concurrency=1, **env)
    celery_services.beat(**env)
    citizen = CitizenProfileFactory(phone="0912345678").user

    dossier = dossier_services.submit(dossier=draft(version, citizen), by=citizen)
    sms = Notification.objects.get(dossier_id=dossier.pk, channel=Channel.SMS)
    wait_for(lambda: fake_http.requests, message="the SMS to reach the gateway")
    assert Notification.objects.get(pk=sms.pk).status == Status.SENDING
    if victim == "pool child":
        # The process running the task dies; the worker's main process survives and sees it lost.
        children = worker.pool_children()
        assert len(children) == 1
        os.kill(children[0], signal.SIGKILL)
    else:
        worker.kill(signal.SIGKILL)
        celery_services.worker("w2", concurrency=1, **env)

    wait_for(
        lambda: Notification.objects.get(pk=sms.pk).status == Status.SENT,
        timeout=40,
        interval=0.2,
        message="the SMS of the killed task to be sent after the lease expired",
    )
    sms.refresh_from_db()
    assert sms.attempts == 2  # the killed attempt, then the one that finished
    assert [a.outcome for a in sms.delivery_attempts.all()] == [DeliveryAttempt.Outcome.SENT]
    references = {request.json()["reference"] for request in fake_http.requests}
    assert references == {str(sms.key)}
    assert len(fake_http.accepted) == 1, "the gateway deduplicated the resend on our reference"
    email = Notification.objects.get(dossier_id=dossier.pk, channel=Channel.EMAIL)
    wait_for(lambda: Notification.objects.get(pk=email.pk).status == Status.SENT, message="the email")


def test_duplicate_task_execution_sends_once(celery_services, fake_http, version):
    from notifications.tasks import send_notification

    fake_http.default = (200, {}, 0.3)
    env = gateway_env(fake_http)
    celery_services.worker("w1", concurrency=2, **env)
    celery_services.worker("w2", concurrency=2, **env)
    citizen = CitizenProfileFactory(phone="0912345678").user

    with transaction.atomic():
        rows = notify(recipient=citizen, event="dossier_received", context={"due_date": "2026-12-15"})
    ids = [row.pk for row in rows if row.channel != Channel.PORTAL]
    for _ in range(10):  # the same message delivered again and again, to four processes at once
        for pk in ids:
            send_notification.delay(pk)

    outbox = Notification.objects.filter(pk__in=ids)
    wait_for(lambda: outbox.filter(status=Status.SENT).count() == 2, message="both rows sent")
    wait_for(  # the commit's task (one batch: both rows) and the 20 copies
        lambda: sum(w.log().count("succeeded") for w in celery_services.started) >= 21,
        message="all 21 task runs to finish",
    )
    assert len(fake_http.requests) == 1
    assert len(emails_in(celery_services.workdir / "mail")) == 1
    assert DeliveryAttempt.objects.filter(notification__in=ids).count() == 2
    # Each row was handed over 11 times (its copies and the batch) and sent once.
    assert sum(w.log().count("'skipped'") for w in celery_services.started) == 20


def test_a_failing_sms_gateway_is_retried_with_backoff_and_a_4xx_is_not(celery_services, fake_http, version):
    fake_http.responses = [(503, {"error": "busy"}, 0), (200, {}, 2.0), (502, {}, 0)]  # 2.0 s > timeout
    fake_http.default = (200, {"message_id": "gw-ok"}, 0)
    celery_services.worker(**gateway_env(fake_http))
    citizen = CitizenProfileFactory(phone="0912345678").user

    with transaction.atomic():
        notify(recipient=citizen, event="dossier_approved", context={})
    sms = Notification.objects.get(recipient=citizen, channel=Channel.SMS)
    wait_for(
        lambda: Notification.objects.get(pk=sms.pk).status == Status.SENT, timeout=30, message="the retries"
    )
    sms.refresh_from_db()
    assert sms.attempts == 4
    assert sms.provider_message_id == "gw-ok"
    attempts = list(sms.delivery_attempts.all())
    assert [a.outcome for a in attempts] == ["retry", "retry", "retry", "sent"]
    assert "503" in attempts[0].error and "unreachable" in attempts[1].error and "502" in attempts[2].error
    gaps = [(b.started_at - a.finished_at).total_seconds() for a, b in itertools.pairwise(attempts)]
    assert gaps[0] >= 0.3 * 0.9 and gaps[1] >= 0.6 * 0.9 and gaps[2] >= 1.2 * 0.9  # exponential backoff

    fake_http.default = (400, {"error": "invalid number"}, 0)
    other = CitizenProfileFactory(phone="0987654321").user
    with transaction.atomic():
        notify(recipient=other, event="dossier_approved", context={})
    refused = Notification.objects.get(recipient=other, channel=Channel.SMS)
    wait_for(lambda: Notification.objects.get(pk=refused.pk).status == Status.FAILED, message="the 4xx")
    seen = len(fake_http.requests)
    time.sleep(1.5)  # longer than the first backoff: a retry would have happened by now
    refused.refresh_from_db()
    assert refused.attempts == 1 and len(fake_http.requests) == seen
    assert "400" in refused.last_error


def test_every_queue_has_a_consumer(celery_services):
    from notifications.tasks import noop

    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    command = compose["services"]["worker"]["command"]
    compose_queues = command.split("-Q", 1)[1].split()[0]
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} <= set(compose_queues.split(","))
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    assert f"-Q {compose_queues}" in makefile

    worker = celery_services.worker(queues=compose_queues)
    from portal.celery import app

    consumed = wait_for(lambda: app.control.inspect(timeout=1).active_queues(), message="the worker's queues")
    names = {queue["name"] for queues in consumed.values() for queue in queues}
    assert names == set(settings.PORTAL_QUEUES)
    for queue in settings.PORTAL_QUEUES:
        noop.apply_async(queue=queue)
    wait_for(lambda: worker.log().count("notifications.tasks.noop") >= 6, message="a no-op on every queue")
