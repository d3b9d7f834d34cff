"""Celery tasks of notifications (queue `notifications`): thin wrappers over services."""

import logging

from celery import shared_task
from django.conf import settings

from . import services

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def send_notifications(notification_ids: list[int]) -> list[str]:
    """Send a batch of outbox rows (services.enqueue), one after the other, each claimed on its own: a row
    already sent or held by another worker is skipped, and a row that fails stops none of the others."""
    eager = send_notifications.request.is_eager
    states = []
    for notification_id in notification_ids:
        try:
            states.append(_send(notification_id, eager=eager))
        except Exception:  # a bug, not the provider: deliver() failed the row visibly; the batch goes on
            logger.exception("Notification %s could not be sent", notification_id)
            states.append("failed")
    return states


@shared_task(ignore_result=True)
def send_notification(notification_id: int) -> str:
    """Send one outbox row (the task before batches: what a broker may still hold after an upgrade)."""
    return _send(notification_id, eager=send_notification.request.is_eager)


def _send(notification_id: int, *, eager: bool) -> str:
    """Safe to run twice: the row is claimed first, and a second run finds it taken."""
    outcome = services.deliver(notification_id)
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
