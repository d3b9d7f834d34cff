"""Demo results returned by public post (BCCI), through the same services as the portal: the result is
made ready (the delivery order is written), the order is handed to the sandbox postal operator, and the
operator's signed tracking notices are applied as its webhook would.

The sandbox moves a parcel one step every POSTAL_SANDBOX_STEP_SECONDS (two minutes by default, so a parcel
made while trying the portal arrives within minutes). These demo parcels were posted days ago: the
operator's side of each (its own table) is given a step of a day or half a day, so their histories read
like real ones. Delivered and in transit come from the schedule; the returned one is a parcel the operator
could not deliver.
"""

import datetime

from common import clock
from dossiers import services
from dossiers.models import Dossier, ReturnChannel
from postal import services as postal_services
from postal.carriers import get_carrier
from postal.models import DeliveryOrder, SandboxShipment

from .dossiers import Demo


def _post(d: Demo, dossier: Dossier, *, ready: datetime.datetime, step: datetime.timedelta, fails=False):
    """The result is ready at `ready` and handed to the post office a few minutes later; the operator moves
    it one step every `step`; every notice due by now reaches the portal."""
    with clock.running_at(ready):
        dossier = services.mark_result_ready(dossier=dossier, by=d.officer)
    order = DeliveryOrder.objects.get(dossier=dossier)
    with clock.running_at(ready + datetime.timedelta(minutes=20)):
        postal_services.submit_order(order_id=order.pk)
    SandboxShipment.objects.filter(key=str(order.key)).update(
        step_seconds=int(step.total_seconds()), fails=fails
    )

    def deliver(body: bytes, headers: dict) -> bool:
        return (
            postal_services.handle_webhook(carrier_name="sandbox", body=body, headers=headers).status == 200
        )

    get_carrier("sandbox").push_due_events(deliver)
    return Dossier.objects.get(pk=dossier.pk)


def _decided(
    d: Demo, applicant, code: str, *, filed: int, received: int, decided: int, address: str
) -> Dossier:
    dossier = d.at_justice(
        applicant,
        code,
        filed=filed,
        received=received,
        return_channel=ReturnChannel.POST,
        delivery_address=address,
    )
    return d.approve(dossier, decided, "15:00")


def returned_by_post(d: Demo) -> Dossier:
    """Nguyễn Thị Lan's guardianship registration: posted four days ago, delivered this morning — the
    delivery proof returned the result and closed the dossier."""
    dossier = _decided(
        d, d.citizen, "1.004837", filed=9, received=8, decided=5, address=d.citizen.profile.address
    )
    now = clock.now()
    return _post(d, dossier, ready=now - datetime.timedelta(days=3, hours=2), step=datetime.timedelta(days=1))


def in_transit_by_post(d: Demo) -> Dossier:
    """Trần Văn Minh's birth registration: posted yesterday, on its way (delivered in a few hours)."""
    dossier = _decided(
        d, d.citizen2, "1.008966", filed=5, received=4, decided=2, address=d.citizen2.profile.address
    )
    now = clock.now()
    return _post(d, dossier, ready=now - datetime.timedelta(hours=26), step=datetime.timedelta(hours=12))


def returned_to_sender(d: Demo) -> Dossier:
    """The post office could not deliver: the parcel came back, the dossier waits at the desk with an
    alert for the clerk (hand it over or send it again)."""
    dossier = _decided(
        d,
        d.citizen,
        "1.008966",
        filed=8,
        received=7,
        decided=6,
        address="Số 9 ngõ 4 phố Lê Lợi, phường Vân Giang",
    )
    now = clock.now()
    ready = now - datetime.timedelta(days=4, hours=1)
    return _post(d, dossier, ready=ready, step=datetime.timedelta(days=1), fails=True)


STORIES = [returned_by_post, in_transit_by_post, returned_to_sender]
