"""Celery tasks of postal delivery (routed to the `postal` queue): thin wrappers over the services.

Each receives ids, re-fetches, and is safe to run twice (acks_late): a submission claims the order by a
conditional UPDATE and the carrier deduplicates on the client order code; tracking events are recorded once.
Only transient carrier errors are retried, with exponential backoff; in eager mode (the embedded default,
no broker) a failed submission is left to the sweeper instead of being retried inline in the request.
"""

import logging

from celery import shared_task
from django.conf import settings

from common import clock
from common.tasks import queue_each

from . import selectors, services
from .carriers import get_carrier
from .carriers.base import CarrierError, TransientCarrierError
from .carriers.sandbox import SandboxCarrier
from .models import DeliveryOrder

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=None)
def submit_order(self, order_id: int) -> str:
    outcome = services.submit_order(order_id=order_id)
    if outcome.status == "retry" and not self.request.is_eager:
        if self.request.retries < settings.POSTAL_SUBMIT_MAX_RETRIES:
            raise self.retry(countdown=outcome.retry_in)
        logger.warning("postal order %s: retries used up, the sweeper keeps trying", order_id)
    return outcome.status


@shared_task(acks_late=True)
def sweep_unsubmitted() -> int:
    """Beat: queue again the orders still pending past their next attempt (worker killed, broker down at
    commit time, retries used up). Returns how many were queued."""
    return queue_each(submit_order, selectors.due_for_submission(clock.now()))


@shared_task(bind=True, acks_late=True, max_retries=5)
def track_order(self, order_id: int) -> int:
    order = DeliveryOrder.objects.filter(pk=order_id).first()
    if order is None or not order.is_with_carrier:
        return 0
    try:
        return services.poll_order(order=order)
    except TransientCarrierError as error:
        if self.request.is_eager:
            return 0
        raise self.retry(countdown=services.retry_delay(self.request.retries + 1), exc=error) from error
    except CarrierError as error:  # e.g. the carrier does not know the parcel: polling again will not help
        logger.warning("postal order %s: tracking refused: %s", order_id, error)
        return 0


@shared_task(acks_late=True)
def poll_tracking() -> int:
    """Beat: ask the carrier about parcels on their way that no notice has moved for a while."""
    return queue_each(track_order, selectors.due_for_polling(clock.now()))


@shared_task(bind=True, acks_late=True, max_retries=8)
def cancel_at_carrier(self, order_id: int) -> str:
    try:
        return services.cancel_with_carrier(order_id=order_id)
    except TransientCarrierError as error:
        if self.request.is_eager:
            return "retry"
        raise self.retry(countdown=services.retry_delay(self.request.retries + 1), exc=error) from error


@shared_task(acks_late=True)
def advance_sandbox() -> int:
    """Beat, sandbox carrier only: the pretend postal operator sends its due tracking notices, signed,
    through the same handling as the HTTP webhook. Returns how many events were sent."""
    carrier = get_carrier("sandbox")
    assert isinstance(carrier, SandboxCarrier)

    def deliver(body: bytes, headers: dict) -> bool:
        outcome = services.handle_webhook(carrier_name="sandbox", body=body, headers=headers)
        return outcome.status == 200

    return carrier.push_due_events(deliver)
