"""The delivery order: written with the "result ready" transition when the result goes by post, with the
parcel's contents, today's address units, the postage and the cash to collect; held when the address
cannot be read."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dossiers import hooks
from dossiers import services as dossier_services
from dossiers.models import State
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.forms import new_payment_key
from postal import addresses, services
from postal.carriers.base import TrackingEvent
from postal.models import AddressProblem, DeliveryOrder, OrderStatus, SandboxShipment
from tests.dossiers.factories_extra import sign_in
from tests.postal.support import approved_by_post, make_result_ready, units

pytestmark = pytest.mark.django_db


def test_result_ready_by_post_writes_the_delivery_order_with_the_parcel(django_capture_on_commit_callbacks):
    case = approved_by_post(fee=30_000)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_result_ready(case)

    order = DeliveryOrder.objects.get(dossier=case.dossier)
    assert order.status == OrderStatus.PENDING and order.carrier == "sandbox"
    assert order.recipient_name == "Nguyễn Thị Lan" and order.recipient_phone == "0915234678"
    assert order.street_address == "Số 15 đường Trần Hưng Đạo, tổ dân phố 3"
    assert (order.commune, order.province) == (case.units.hoa_lu, case.units.province)
    assert order.sender_agency == case.desk.agency
    result = case.dossier.documents.get(kind="result")
    assert order.contents == [{"document": result.pk, "name": "Trích lục khai sinh", "file": "trich-luc.pdf"}]
    # One document: 30 g envelope + 50 g; the base postage up to 250 g; fees due before return + postage.
    assert order.weight_grams == 80 and order.postage == 22_000
    assert order.fees_to_collect == 30_000 and order.cod_amount == 52_000
    assert [event.code for event in order.events.all()] == ["created"]
    # The carrier is called only after commit (by the task the commit queues).
    assert len(callbacks) >= 1 and order.tracking_number is None


def test_no_fees_to_collect_when_they_are_already_paid(settings):
    settings.POSTAL_RECIPIENT_PAYS_POSTAGE = False
    case = approved_by_post(fee=30_000)
    dossier_services.settle_fees(
        dossier=case.dossier, settlement="paid_online", reference="VNP-0001", amount=30_000
    )
    make_result_ready(case)
    order = DeliveryOrder.objects.get(dossier=case.dossier)
    assert order.fees_to_collect == 0 and order.cod_amount == 0


def test_no_order_when_the_result_comes_back_another_way():
    case = approved_by_post()
    dossier = case.dossier
    # Changing the channel after filing is not a citizen action: set it as a clerk's correction would.
    type(dossier).objects.filter(pk=dossier.pk).update(return_channel="desk")
    case.reload()
    make_result_ready(case)
    assert not DeliveryOrder.objects.exists()


def test_the_order_is_written_in_the_transition_transaction(monkeypatch):
    """If the change fails after postal's hook wrote the order (a later hook raises), the order goes with
    it: no parcel for a dossier that is not ready."""
    case = approved_by_post()

    def broken_hook(change):
        raise RuntimeError("a later hook failed")

    monkeypatch.setattr(hooks, "_handlers", {**hooks._handlers, "tests.broken": broken_hook})
    with pytest.raises(RuntimeError):
        make_result_ready(case)
    assert case.reload().state == State.APPROVED
    assert not DeliveryOrder.objects.exists()
    assert not case.dossier.events.filter(action="result_ready").exists()


def test_a_second_result_ready_does_not_make_a_second_order():
    case = approved_by_post()
    make_result_ready(case)
    again = dossier_services.mark_result_ready
    with pytest.raises(Exception):  # noqa: B017 — the state machine refuses; nothing is created either way
        again(dossier=case.reload(), by=case.handler.officer)
    assert DeliveryOrder.objects.filter(dossier=case.dossier).count() == 1


def test_an_address_typed_by_hand_is_read_in_todays_units():
    u = units()
    # Written with the old ward and the old province (both merged in 2025): today's units come out.
    resolved = addresses.parse("Số 7 ngõ 12 phố Lê Lợi, phường Vân Giang, tỉnh Nam Định")
    assert (resolved.commune, resolved.province) == (u.hoa_lu, u.province)
    assert resolved.street_address == "Số 7 ngõ 12 phố Lê Lợi" and resolved.problem == ""
    # Without diacritics, without the unit word, without the province.
    resolved = addresses.parse("12 Tran Phu, Nam Dinh")
    assert (resolved.commune, resolved.province) == (u.nam_dinh, u.province)


def test_an_unreadable_address_holds_the_order_for_the_desk(django_capture_on_commit_callbacks):
    case = approved_by_post(delivery_address="Số 3 ngõ Hòa Bình, xóm Bến")
    with django_capture_on_commit_callbacks(execute=True):
        make_result_ready(case)
    order = DeliveryOrder.objects.get(dossier=case.dossier)
    assert order.status == OrderStatus.HELD and order.commune is None
    assert order.address_problem == AddressProblem.UNKNOWN_COMMUNE
    assert order.address_as_written == "Số 3 ngõ Hòa Bình, xóm Bến"
    assert order.tracking_number is None  # nothing went to the carrier
    assert DeliveryOrder.objects.needing_desk().get() == order


def test_fees_paid_before_the_parcel_leaves_are_not_collected_again(django_capture_on_commit_callbacks):
    case = approved_by_post(fee=30_000)
    with django_capture_on_commit_callbacks(execute=False):
        make_result_ready(case)
    dossier_services.settle_fees(
        dossier=case.reload(), settlement="paid_online", reference="VNP-0002", amount=30_000
    )
    order = DeliveryOrder.objects.get(dossier=case.dossier)
    assert services.submit_order(order_id=order.pk).status == "submitted"
    order.refresh_from_db()
    assert (order.fees_to_collect, order.cod_amount) == (0, 22_000)
    assert SandboxShipment.objects.get().request["cod_amount"] == 22_000
    assert order.events.filter(code="fees_paid").exists()


def test_fees_paid_after_the_parcel_left_are_flagged_for_a_refund(django_capture_on_commit_callbacks):
    case = approved_by_post(fee=30_000)
    with django_capture_on_commit_callbacks(execute=True):
        make_result_ready(case)
    order = DeliveryOrder.objects.get(dossier=case.dossier)
    dossier_services.settle_fees(
        dossier=case.reload(), settlement="paid_online", reference="VNP-0003", amount=30_000
    )
    delivered = TrackingEvent(
        event_id="E-1", status="delivered", at=timezone.now(), tracking_number=order.tracking_number
    )
    services.apply_tracking_event(order=order, event=delivered, source="webhook")
    assert case.reload().state == State.RETURNED
    assert case.dossier.fees_settlement == "paid_online"  # the online payment stands
    flagged = order.events.get(code="fees_paid_twice")
    assert flagged.data == {"amount": "30000"} and "30.000 đồng" in flagged.text


def test_once_the_parcel_carries_the_fees_no_online_payment_is_taken(client):
    case = approved_by_post(fee=30_000)
    assert payment_selectors.payable(case.dossier)  # before "result ready" the citizen may still pay online
    dossier = make_result_ready(case)

    assert dossier.fees_collected_on_delivery() and not payment_selectors.payable(dossier)
    with pytest.raises(ValidationError, match="post office collects the fees"):
        payment_services.start_payment(
            dossier=dossier, payer=case.applicant, idempotency_key=new_payment_key()
        )
    sign_in(client, case.applicant)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "The post office collects the fees when it delivers the result." in page
