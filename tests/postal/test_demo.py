"""The demo's results by post (`load_demo`): one delivered (the dossier returned with the proof), one in
transit, one returned to the sender and flagged for the desk."""

from io import StringIO

import pytest
from django.core.management import call_command

from dossiers.models import State
from postal.models import DeliveryOrder, OrderStatus

pytestmark = [pytest.mark.django_db, pytest.mark.demo_content]


def test_the_demo_has_a_parcel_delivered_one_in_transit_and_one_returned(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=StringIO())

    orders = {order.status: order for order in DeliveryOrder.objects.select_related("dossier")}
    assert set(orders) == {OrderStatus.DELIVERED, OrderStatus.IN_TRANSIT, OrderStatus.RETURNED}
    delivered = orders[OrderStatus.DELIVERED]
    assert delivered.dossier.state == State.RETURNED
    assert (
        delivered.dossier.events.get(action="return").data["proof"]["tracking_number"]
        == delivered.tracking_number
    )
    assert orders[OrderStatus.IN_TRANSIT].dossier.state == State.RESULT_READY
    returned = orders[OrderStatus.RETURNED]
    assert returned.dossier.state == State.RESULT_READY
    assert list(DeliveryOrder.objects.needing_desk()) == [returned]
    # Typed with the ward abolished in 2025: the parcel went to the ward that replaced it.
    assert returned.commune.name == "Phường Hoa Lư" and returned.province.name == "Tỉnh Ninh Bình"
    for order in orders.values():
        codes = [e.code for e in order.events.all()]
        assert codes[:2] == ["created", "created"] and "submitted" in codes
