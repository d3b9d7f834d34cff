"""Celery tasks of payments: thin wrappers over the services, idempotent (acks_late may run one twice).
They stay on the default queue."""

import datetime
import logging

from celery import shared_task
from django.conf import settings

from common import clock
from common.tasks import queue_each

from . import reconciliation, services
from .gateways import GatewayError
from .models import IpnSource

logger = logging.getLogger(__name__)

REFUND_MAX_TRIES = 6
IPN_MAX_TRIES = 10


def backoff(retries: int) -> int:
    """Seconds before retry number `retries` + 1: 30 s, 1, 2, 4, 8 min… at most an hour."""
    return min(30 * 2**retries, 3600)


@shared_task(bind=True, max_retries=IPN_MAX_TRIES, acks_late=True)
def deliver_sandbox_ipn(self, params: dict) -> str:
    """The sandbox bank's server-to-server notification: the same handler as the HTTP endpoint, with the
    same signed parameters. Retried, like a real gateway, while the portal answers 99."""
    answer = services.handle_notification(gateway_code="sandbox", params=params, source=IpnSource.SANDBOX)
    if answer.rsp_code == "99" and self.request.retries < IPN_MAX_TRIES:
        return _retry(self, backoff(self.request.retries), params)
    return answer.rsp_code


def _retry(task, countdown: int, *args):
    """Retry with a countdown on a worker; in eager mode (the embedded default, tests) there is no broker to
    hold a delayed message, so the next try runs at once."""
    if task.request.is_eager:
        return task.apply(args=args, retries=task.request.retries + 1, throw=True).get()
    raise task.retry(countdown=countdown)


@shared_task(bind=True, max_retries=REFUND_MAX_TRIES - 1, acks_late=True)
def send_refund(self, refund_id: int) -> str:
    """Give a payment back; transient gateway failures are retried with backoff, then left to finance."""
    try:
        return services.send_refund(refund_id=refund_id)
    except GatewayError as error:
        if self.request.retries >= REFUND_MAX_TRIES - 1:
            logger.error("Refund %s gave up after %s tries: %s", refund_id, REFUND_MAX_TRIES, error)
            services.give_up_refund(refund_id=refund_id)
            return "failed"
        countdown = backoff(self.request.retries)
        services.schedule_retry(refund_id=refund_id, countdown=countdown)
        return _retry(self, countdown, refund_id)


@shared_task(acks_late=True)
def query_stale_attempts() -> dict:
    """Every few minutes: attempts still pending 15 minutes on are asked about (querydr)."""
    outcomes = {}
    for attempt_id in services.stale_attempt_ids():
        try:
            outcome = services.check_attempt(attempt_id=attempt_id)
        except Exception:  # one bad attempt must not stop the others; it is asked again next run
            logger.exception("Checking payment attempt %s failed", attempt_id)
            outcome = "error"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@shared_task(acks_late=True)
def resend_stalled_refunds() -> int:
    return queue_each(send_refund, services.stalled_refund_ids())


@shared_task(acks_late=True)
def reconcile_previous_day() -> list[int]:
    """Daily: the previous day (GMT+7) of every enabled gateway."""
    day = clock.localdate() - datetime.timedelta(days=1)
    return [
        reconciliation.reconcile_day(gateway=code, day=day, fetch=True).pk
        for code in sorted({settings.PAYMENT_GATEWAY})
    ]
