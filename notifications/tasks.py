"""Celery tasks of notifications (queue `notifications`): thin wrappers over services."""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(ignore_result=True)
def send_notifications(notification_ids: list[int]) -> list[str]:
    """Send a batch of outbox rows (services.enqueue, services.deliver_batch): a row already sent or held by
    another worker is skipped, and a row that fails stops none of the others."""
    eager = send_notifications.request.is_eager
    outcomes = services.deliver_batch(notification_ids)
    pairs = zip(notification_ids, outcomes, strict=True)
    return [_after_send(pk, outcome, eager=eager) for pk, outcome in pairs]


@shared_task(ignore_result=True)
def send_notification(notification_id: int) -> str:
    """Send one outbox row (the task before batches: what a broker may still hold after an upgrade)."""
    eager = send_notification.request.is_eager
    return _after_send(notification_id, services.deliver(notification_id), eager=eager)


def _after_send(notification_id: int, outcome: services.Outcome, *, eager: bool) -> str:
    """Queue a retry due soon. Safe to run twice: a row is claimed first, and a second run finds it taken."""
    # Short waits ride on the broker; long ones stay in the database, where the sweeper finds them (an ETA
    # task held longer than the broker's visibility timeout would be delivered twice). In eager mode the
    # countdown would be ignored: the sweeper retries there too.
    if (
        outcome.state == "retry"
        and not eager
        and outcome.retry_in is not None
        and outcome.retry_in <= settings.NOTIFICATIONS_COUNTDOWN_MAX_SECONDS
    ):
        services.enqueue([notification_id], countdown=outcome.retry_in)
    return outcome.state


@shared_task(ignore_result=True)
def sweep_notifications() -> int:
    """Beat, every minute: queue again what a broker outage or a killed worker left behind."""
    return services.sweep()


@shared_task(ignore_result=True)
def noop() -> None:
    """Does nothing: the yardstick of bench/notifications_dispatch.py (Celery's own cost per task)."""
