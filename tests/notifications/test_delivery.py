"""deliver() and the sweeper, in-process: the claim, retries with backoff on transient errors only, giving
up after the window, stale claims of killed workers, and the broker being down at commit time."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from common import clock
from notifications import services
from notifications.models import Channel, DeliveryAttempt, Notification, Status
from notifications.providers import PermanentError, TransientError, sms_memory
from notifications.providers.email import classify
from notifications.services import deliver, notify, retry_window, sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_row(citizen):
    rows = notify(recipient=citizen, event="dossier_approved", context={})
    return next(r for r in rows if r.channel == Channel.SMS)


def failing_sms(monkeypatch, *errors):
    """The SMS backend raises each of `errors` in turn, then succeeds."""
    queue = list(errors)

    def send(self, *, to, text, reference):
        if queue:
            raise queue.pop(0)
        sms_memory.outbox.append({"to": to, "reference": reference})
        return "mem-ok"

    monkeypatch.setattr(sms_memory.MemorySMSBackend, "send", send)


def test_a_row_is_sent_once_even_when_its_task_runs_twice(sms_row, sms_outbox):
    assert deliver(sms_row.pk).state == "sent"
    assert deliver(sms_row.pk).state == "skipped"
    sms_row.refresh_from_db()
    assert sms_row.status == Status.SENT and sms_row.attempts == 1
    assert sms_row.provider_message_id == f"mem-{sms_row.key}"
    assert len(sms_outbox) == 1
    assert DeliveryAttempt.objects.filter(notification=sms_row).count() == 1


def test_a_send_costs_its_claim_and_one_write_of_the_result(sms_row, django_assert_max_num_queries):
    """The claim returns the row it claimed (no SELECT after it); the result and its attempt row are written
    at once: one statement on PostgreSQL, one transaction of two statements elsewhere."""
    with django_assert_max_num_queries(2 if connection.vendor == "postgresql" else 5):
        assert deliver(sms_row.pk).state == "sent"
    assert DeliveryAttempt.objects.filter(notification=sms_row, outcome="sent").count() == 1


def test_a_result_after_the_lease_was_taken_over_is_recorded_but_leaves_the_row_alone(
    sms_row, monkeypatch, caplog
):
    """A worker slower than its lease: another one claimed the row meanwhile. The late attempt is recorded,
    and the row stays with the newer claim."""
    taken_over_at = timezone.now() + datetime.timedelta(minutes=6)

    def slow_send(self, *, to, text, reference):
        Notification.objects.filter(pk=sms_row.pk).update(claimed_at=taken_over_at, attempts=2)
        return "mem-late"

    monkeypatch.setattr(sms_memory.MemorySMSBackend, "send", slow_send)
    assert deliver(sms_row.pk).state == "sent"
    sms_row.refresh_from_db()
    assert (sms_row.status, sms_row.claimed_at, sms_row.sent_at) == (Status.SENDING, taken_over_at, None)
    attempts = sms_row.delivery_attempts.values_list("number", "outcome", "provider_message_id")
    assert list(attempts) == [(1, "sent", "mem-late")]
    assert "its claim expired" in caplog.text


def test_a_row_claimed_by_another_worker_is_skipped(sms_row, sms_outbox):
    Notification.objects.filter(pk=sms_row.pk).update(status=Status.SENDING, claimed_at=timezone.now())
    assert deliver(sms_row.pk).state == "skipped"
    assert sms_outbox == []


def test_transient_errors_are_retried_with_exponential_backoff(sms_row, monkeypatch, settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    failing_sms(monkeypatch, TransientError("gateway 503"), TransientError("timed out"))
    first = deliver(sms_row.pk)
    assert (first.state, first.retry_in) == ("retry", 60)
    sms_row.refresh_from_db()
    assert sms_row.status == Status.CREATED and sms_row.last_error == "gateway 503"
    assert deliver(sms_row.pk).state == "skipped"  # not due yet

    Notification.objects.filter(pk=sms_row.pk).update(next_attempt_at=timezone.now())
    assert deliver(sms_row.pk).retry_in == 120
    Notification.objects.filter(pk=sms_row.pk).update(next_attempt_at=timezone.now())
    assert deliver(sms_row.pk).state == "sent"
    sms_row.refresh_from_db()
    assert (sms_row.status, sms_row.attempts, sms_row.last_error) == (Status.SENT, 3, "")
    outcomes = list(sms_row.delivery_attempts.values_list("number", "outcome"))
    assert outcomes == [(1, "retry"), (2, "retry"), (3, "sent")]


def test_a_refusal_is_never_retried(sms_row, monkeypatch):
    failing_sms(monkeypatch, PermanentError("SMS gateway 400: invalid number"))
    assert deliver(sms_row.pk).state == "failed"
    sms_row.refresh_from_db()
    assert sms_row.status == Status.FAILED and sms_row.failed_at is not None
    assert "400" in sms_row.last_error
    Notification.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(days=1))
    sweep()
    sms_row.refresh_from_db()
    assert sms_row.status == Status.FAILED and sms_row.attempts == 1


def test_retries_cover_at_least_four_hours_then_the_row_fails(sms_row, monkeypatch, settings):
    assert retry_window() >= datetime.timedelta(hours=4)
    failing_sms(monkeypatch, *[TransientError("timed out")] * settings.NOTIFICATIONS_MAX_ATTEMPTS)
    for _ in range(settings.NOTIFICATIONS_MAX_ATTEMPTS):
        Notification.objects.filter(pk=sms_row.pk).update(next_attempt_at=timezone.now())
        outcome = deliver(sms_row.pk)
    assert outcome.state == "failed"
    sms_row.refresh_from_db()
    assert sms_row.status == Status.FAILED and sms_row.attempts == settings.NOTIFICATIONS_MAX_ATTEMPTS
    assert sms_row.delivery_attempts.last().outcome == "failed"


def test_a_bug_fails_the_row_visibly_instead_of_looping(sms_row, monkeypatch):
    failing_sms(monkeypatch, KeyError("oops"))
    with pytest.raises(KeyError):
        deliver(sms_row.pk)
    sms_row.refresh_from_db()
    assert sms_row.status == Status.FAILED and "KeyError" in sms_row.last_error


def test_the_sweeper_queues_rows_left_behind_and_leaves_fresh_ones(sms_row, sms_outbox, settings):
    settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS = 180
    assert sweep() == 0  # just written: its own task is on the way
    Notification.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=4))
    assert sweep() == 2  # email and SMS
    assert Notification.objects.filter(status=Status.SENT).count() == 2
    assert len(sms_outbox) == 1


def test_a_row_stuck_in_sending_is_reclaimed_after_the_lease(sms_row, sms_outbox, settings):
    """A worker killed after claiming leaves the row in `sending`; past the lease anyone may claim it."""
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 300
    long_ago = timezone.now() - datetime.timedelta(minutes=6)
    Notification.objects.filter(pk=sms_row.pk).update(status=Status.SENDING, claimed_at=long_ago, attempts=1)
    assert sweep() >= 1
    sms_row.refresh_from_db()
    assert sms_row.status == Status.SENT and sms_row.attempts == 2
    assert [m["reference"] for m in sms_outbox] == [str(sms_row.key)]


def test_a_broker_down_at_commit_loses_nothing(
    citizen, sms_outbox, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from notifications.tasks import send_notifications

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(send_notifications, "apply_async", broker_down)
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            notify(recipient=citizen, event="dossier_approved", context={})
    assert Notification.objects.filter(status=Status.CREATED).count() == 2
    assert sms_outbox == [] and mail.outbox == []

    Notification.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=5))
    assert sweep() == 2
    assert Notification.objects.filter(status=Status.SENT).count() == 2
    assert len(sms_outbox) == 1 and len(mail.outbox) == 1


def test_email_carries_the_rows_key_as_message_id(citizen):
    rows = notify(recipient=citizen, event="dossier_approved", context={})
    email = next(r for r in rows if r.channel == Channel.EMAIL)
    deliver(email.pk)
    email.refresh_from_db()
    assert mail.outbox[0].extra_headers["Message-ID"] == email.provider_message_id
    assert str(email.key) in email.provider_message_id
    assert mail.outbox[0].subject.startswith("[Cổng DVC] ")


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (smtplib.SMTPServerDisconnected("gone"), TransientError),
        (TimeoutError("timed out"), TransientError),
        (ConnectionRefusedError(111, "refused"), TransientError),
        (smtplib.SMTPResponseException(421, b"try later"), TransientError),
        (smtplib.SMTPResponseException(550, b"no such user"), PermanentError),
        (smtplib.SMTPRecipientsRefused({"a@b.vn": (450, b"greylisted")}), TransientError),
        (smtplib.SMTPRecipientsRefused({"a@b.vn": (550, b"unknown")}), PermanentError),
    ],
)
def test_email_errors_are_sorted_into_retry_and_give_up(error, kind):
    assert isinstance(classify(error), kind)


def test_email_api_errors_follow_http_5xx_retry_4xx_give_up():
    class AnymailAPIError(Exception):
        def __init__(self, status_code):
            self.status_code = status_code

    assert isinstance(classify(AnymailAPIError(502)), TransientError)
    assert isinstance(classify(AnymailAPIError(422)), PermanentError)
    assert isinstance(classify(ValueError("bug")), ValueError)


def test_in_portal_rows_are_never_queued(citizen):
    rows = notify(recipient=citizen, event="dossier_approved", context={})
    portal = next(r for r in rows if r.channel == Channel.PORTAL)
    assert deliver(portal.pk).state == "skipped"
    Notification.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(days=1))
    assert services.sweep() == 2  # the email and the SMS; the portal row was delivered when written


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in deliver() may catch it, so the row is never updated."""


def test_a_worker_killed_after_the_provider_accepted_resends_with_the_same_key_and_message_id(
    citizen, settings, fake_http, monkeypatch
):
    """Killed between the provider's accept and our update, the row stays `sending`; after the lease the
    sweeper sends it again with the same Idempotency-Key (SMS) and Message-ID (email), so the provider can
    drop the copy."""
    settings.SMS_BACKEND = "notifications.providers.sms_http.HttpSMSGateway"
    settings.SMS_GATEWAY_URL = fake_http.url
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 300
    fake_http.dedupe_on = "reference"
    rows = notify(recipient=citizen, event="dossier_approved", context={})
    sms, email = (next(r for r in rows if r.channel == channel) for channel in (Channel.SMS, Channel.EMAIL))

    def killed(*args, **kwargs):
        raise WorkerKilled

    with monkeypatch.context() as patch:
        patch.setattr(services, "_finish", killed)
        for row in (sms, email):
            with pytest.raises(WorkerKilled):
                deliver(row.pk)
    assert len(fake_http.requests) == 1 and len(mail.outbox) == 1  # both providers accepted
    assert set(Notification.objects.filter(pk__in=[sms.pk, email.pk]).values_list("status", flat=True)) == {
        Status.SENDING
    }
    assert deliver(sms.pk).state == "skipped" and sweep() == 0  # the lease still holds

    after_lease = timezone.now() + datetime.timedelta(seconds=301)
    with clock.running_at(after_lease):
        assert sweep() == 2

    keys = [request.headers["Idempotency-Key"] for request in fake_http.requests]
    assert keys == [str(sms.key), str(sms.key)]
    assert [request.json()["reference"] for request in fake_http.requests] == keys
    message_ids = [message.extra_headers["Message-ID"] for message in mail.outbox]
    assert len(message_ids) == 2 and message_ids[0] == message_ids[1]
    assert str(email.key) in message_ids[0]
    for row in (sms, email):
        row.refresh_from_db()
        assert row.status == Status.SENT and row.attempts == 2
    assert sms.provider_message_id == "gw-1"  # the gateway answered the copy with the first message's id


# --- batches: one task per NOTIFICATIONS_BATCH_SIZE rows (services.enqueue, tasks.send_notifications) -----
def test_rows_are_queued_a_batch_per_task(monkeypatch, settings):
    from notifications.tasks import send_notifications

    settings.NOTIFICATIONS_BATCH_SIZE = 20
    queued = []
    monkeypatch.setattr(send_notifications, "apply_async", lambda args, **options: queued.append(args[0]))
    assert services.enqueue(range(1, 46)) == 45
    assert queued == [list(range(1, 21)), list(range(21, 41)), list(range(41, 46))]


def test_a_notices_email_and_sms_go_in_one_task(citizen, monkeypatch, django_capture_on_commit_callbacks):
    from notifications.tasks import send_notifications

    queued = []
    monkeypatch.setattr(send_notifications, "apply_async", lambda args, **options: queued.append(args[0]))
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(recipient=citizen, event="dossier_approved", context={})
    sent = sorted(row.pk for row in rows if row.channel != Channel.PORTAL)
    assert len(sent) == 2 and [sorted(batch) for batch in queued] == [sent]


def test_a_bug_on_one_row_of_a_batch_stops_none_of_the_others(citizen, sms_outbox, monkeypatch, caplog):
    from notifications.tasks import send_notifications

    first = notify(recipient=citizen, event="dossier_approved", context={})
    second = notify(recipient=citizen, event="dossier_returned", context={})
    broken = next(row for row in first if row.channel == Channel.SMS)
    real_send = sms_memory.MemorySMSBackend.send

    def send(self, *, to, text, reference):
        if reference == str(broken.key):
            raise ValueError("a bug")
        return real_send(self, to=to, text=text, reference=reference)

    monkeypatch.setattr(sms_memory.MemorySMSBackend, "send", send)
    batch = [row.pk for row in [*first, *second] if row.channel != Channel.PORTAL]
    states = send_notifications.apply(args=(batch,)).get()

    assert states.count("failed") == 1 and states.count("sent") == 3
    broken.refresh_from_db()
    assert broken.status == Status.FAILED
    assert Notification.objects.filter(pk__in=batch, status=Status.SENT).count() == 3
    assert f"Notification {broken.pk} could not be sent" in caplog.text


def _email_and_sms(rows):
    by_channel = {row.channel: row for row in rows}
    return by_channel[Channel.EMAIL], by_channel[Channel.SMS]


def test_a_batch_is_claimed_by_one_statement_then_each_result_written(
    citizen, sms_outbox, django_assert_max_num_queries
):
    """A notice's e-mail and SMS in one task: one claim for both, then one write of each result (three
    statements on PostgreSQL where one row at a time took four)."""
    from notifications.tasks import send_notifications

    email, sms = _email_and_sms(notify(recipient=citizen, event="dossier_approved", context={}))
    with django_assert_max_num_queries(3 if connection.vendor == "postgresql" else 9) as captured:
        assert send_notifications.apply(args=([email.pk, sms.pk],)).get() == ["sent", "sent"]
    claims = [query for query in captured.captured_queries if query["sql"].lstrip().startswith("UPDATE")]
    assert "claimed_at" in claims[0]["sql"] and len(mail.outbox) == 1 and len(sms_outbox) == 1
    assert Notification.objects.filter(pk__in=[email.pk, sms.pk], status=Status.SENT).count() == 2
    assert DeliveryAttempt.objects.filter(notification__in=[email, sms], outcome="sent").count() == 2


def test_a_batch_skips_the_rows_it_could_not_claim_and_sends_the_others(citizen, sms_outbox):
    from notifications.tasks import send_notifications

    email, sms = _email_and_sms(notify(recipient=citizen, event="dossier_approved", context={}))
    Notification.objects.filter(pk=email.pk).update(status=Status.SENDING, claimed_at=timezone.now())
    assert send_notifications.apply(args=([email.pk, sms.pk, 10**9],)).get() == ["skipped", "sent", "skipped"]
    assert mail.outbox == [] and len(sms_outbox) == 1


def test_a_row_whose_send_window_closed_during_the_batch_is_left_to_the_sweeper(
    citizen, sms_outbox, monkeypatch, settings
):
    """The e-mail before it took most of the lease (a provider hanging): the SMS claimed with it is not
    sent late, when another worker may already hold it; once the lease is over the sweeper queues it."""
    from notifications.tasks import send_notifications

    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 300
    email, sms = _email_and_sms(notify(recipient=citizen, event="dossier_approved", context={}))
    elapsed = datetime.timedelta(0)
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + elapsed)

    def hanging_email(row):
        nonlocal elapsed
        elapsed = datetime.timedelta(seconds=160)  # past half the lease
        return "smtp-late"

    monkeypatch.setattr(services, "send_email", hanging_email)
    assert send_notifications.apply(args=([email.pk, sms.pk],)).get() == ["sent", "skipped"]
    assert sms_outbox == []
    sms.refresh_from_db()
    assert sms.status == Status.SENDING and sms.attempts == 1

    queued = []
    monkeypatch.setattr(send_notifications, "apply_async", lambda args, **options: queued.append(args[0]))
    assert sweep(now=real_now() + datetime.timedelta(seconds=200)) == 0  # its lease still runs
    elapsed = datetime.timedelta(seconds=301)
    assert sweep(now=real_now() + elapsed) == 1 and queued == [[sms.pk]]
    assert deliver(sms.pk).state == "sent" and len(sms_outbox) == 1
    sms.refresh_from_db()
    assert sms.status == Status.SENT and sms.attempts == 2
