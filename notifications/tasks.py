"""Celery tasks of notifications (queue `notifications`): thin wrappers over services."""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(ignore_result=True)
def send_notification(notification_id: int) -> str:
    """Send one outbox row. Safe to run twice: the row is claimed first, and a second run finds it taken."""
    outcome = services.deliver(notification_id)
    # Short waits ride on the broker; long ones stay in the database, where the sweeper finds them (an ETA
    # task held longer than the broker's visibility timeout would be delivered twice). In eager mode the
    # countdown would be ignored: the sweeper retries there too.
    if (
        outcome.state == "retry"
        and not send_notification.request.is_eager
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
