"""Postal delivery on a real Celery worker and beat, on a private Redis (marker `services`, PostgreSQL
only): the order committed with "result ready" is submitted by the worker from the `postal` queue, the
sandbox operator's notices (a beat task) move it to delivered, and the delivery closes the dossier."""

import pytest

from dossiers.models import Dossier, State
from postal.models import DeliveryOrder, OrderStatus
from tests.postal.support import approved_by_post, make_result_ready
from tests.services_support import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FAST_SANDBOX = {
    "POSTAL_SANDBOX_STEP_SECONDS": "1",
    "POSTAL_SANDBOX_ADVANCE_SECONDS": "0.5",
    "POSTAL_SANDBOX_FAILURE_RATE": "0",
}


def test_an_order_goes_from_creation_to_delivered_on_real_workers(celery_services):
    worker = celery_services.worker(queues="postal", **FAST_SANDBOX)  # only the postal queue: routing works
    celery_services.worker(name="w2", queues="default,notifications", **FAST_SANDBOX)
    celery_services.beat(**FAST_SANDBOX)
    case = approved_by_post()

    make_result_ready(case)  # commits: the on-commit task goes to Redis, the postal worker takes it

    order = DeliveryOrder.objects.get(dossier=case.dossier)
    wait_for(
        lambda: Dossier.objects.get(pk=case.dossier.pk).state == State.RETURNED,
        timeout=30,
        message="the delivery to close the dossier",
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED and order.tracking_number
    carrier_steps = list(order.events.exclude(source="portal").values_list("code", flat=True))
    assert carrier_steps == ["created", "picked_up", "in_transit", "delivered"]
    assert order.events.filter(code="submitted").count() == 1
    assert "postal.tasks.submit_order" in worker.log()
