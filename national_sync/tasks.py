"""Celery tasks of the national portal sync (routed to the `national_sync` queue): thin wrappers over the
services. Each is safe to run twice (acks_late): a row is claimed by a conditional UPDATE first. Transient
errors are retried with backoff a few times on the broker, then left to the sweeper; in eager mode (the
embedded default, no broker) a failed send is left to the sweeper instead of being retried inline.
"""

import logging

from celery import shared_task
from django.conf import settings

from . import health, services

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def send_item(self, item_id: int) -> str:
    outcome = services.send(item_id=item_id)
    if outcome.status == "retry" and not self.request.is_eager:
        if self.request.retries < settings.NATIONAL_SYNC_MAX_RETRIES:
            raise self.retry(countdown=outcome.retry_in)
        logger.warning("national sync item %s: retries used up, the sweeper keeps trying", item_id)
    if outcome.next_item is not None:
        # The dossier's next row is free to go now that this one is done.
        services.enqueue([outcome.next_item])
    return outcome.status


@shared_task(acks_late=True, ignore_result=True)
def sweep_items() -> int:
    """Beat: queue again the rows a broker outage, a lost task or a killed worker left behind."""
    return services.sweep()


@shared_task(acks_late=True, ignore_result=True)
def check_health() -> int:
    """Beat: tell each agency's staff once about a sync lag past the threshold or a row failed for good."""
    return health.alert_staff()
