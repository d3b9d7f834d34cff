"""The fee rule on the dossier: "at filing" fees are settled before the one-stop shop receives, "before
return" fees before the result is handed over; settled online, at the desk, or exempted by a clerk with a
reason (audited)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from common.money import vnd_in_words
from dossiers import policies
from dossiers import services as dossier_services
from dossiers.models import FeeSettlement, State
from payments import services
from payments.models import AttemptState
from procedures.models import FeePaymentStage
from tests.dossiers.factories_core import assert_refused
from tests.dossiers.factories_extra import sign_in
from tests.factories import pdf_upload, staff_member
from tests.payments.support import clerk_of, fee_version, filed, pay, receive, reload, start

pytestmark = pytest.mark.django_db


def test_an_unpaid_at_filing_dossier_cannot_be_received_and_the_clerk_is_told_why():
    dossier = filed()
    clerk = clerk_of(dossier)

    assert "receive" not in policies.allowed_actions(dossier, clerk)
    assert_refused(
        ValidationError,
        lambda: dossier_services.receive(dossier=dossier, clerk=clerk),
        dossier,
        match="fees are due when filing",
    )
    assert {"refuse", "request_supplement"} <= set(policies.allowed_actions(dossier, clerk))


def test_once_paid_online_the_dossier_can_be_received():
    dossier = filed()
    pay(dossier)
    clerk = clerk_of(dossier)
    assert "receive" in policies.allowed_actions(reload(dossier), clerk)
    assert receive(dossier, clerk).state == State.RECEIVED


def test_a_free_dossier_is_received_as_before():
    dossier = filed(fee_version(amount=0))
    assert dossier.fee_total == 0
    assert receive(dossier).state == State.RECEIVED


def test_before_return_fees_block_only_the_return():
    dossier = filed(fee_version(stage=FeePaymentStage.BEFORE_RETURN))
    clerk = clerk_of(dossier)
    officer = staff_member(dossier.receiving_agency, role="officer")
    dossier = receive(dossier, clerk)
    dossier = dossier_services.transfer(dossier=dossier, by=clerk, to_agency=dossier.receiving_agency)
    dossier = dossier_services.approve(dossier=dossier, officer=officer, result_file=pdf_upload("kq.pdf"))
    dossier = dossier_services.mark_result_ready(dossier=dossier, by=officer)

    assert "returned" not in policies.allowed_actions(dossier, clerk)
    assert_refused(
        ValidationError,
        lambda: dossier_services.mark_returned(dossier=dossier, by=clerk),
        dossier,
        match="before the result is returned",
    )
    pay(reload(dossier))
    assert dossier_services.mark_returned(dossier=reload(dossier), by=clerk).state == State.RETURNED


def test_a_clerk_exempts_the_fees_with_a_reason_which_is_audited():
    dossier = filed()
    pending = start(dossier)
    clerk = clerk_of(dossier)

    services.exempt_fees(dossier=reload(dossier), clerk=clerk, reason="Người có công với cách mạng (Điều 5)")

    dossier = reload(dossier)
    assert dossier.fees_settlement == FeeSettlement.EXEMPT and dossier.fees_settled_by == clerk
    event = dossier.events.get(action="exempt_fees")
    assert event.actor == clerk and event.note == "Người có công với cách mạng (Điều 5)"
    assert event.data == {"amount": 50_000} and event.agency == dossier.receiving_agency
    assert reload(pending).state == AttemptState.CANCELLED  # money arriving for it later goes back
    assert receive(dossier, clerk).state == State.RECEIVED


def test_an_exemption_needs_a_reason_and_a_clerk_of_the_receiving_agency():
    dossier = filed()
    clerk = clerk_of(dossier)
    with pytest.raises(ValidationError, match="reason"):
        services.exempt_fees(dossier=dossier, clerk=clerk, reason="  ")
    for person in [
        staff_member(dossier.receiving_agency, role="officer"),  # not the desk
        clerk_of(filed()),  # another agency's clerk
        dossier.applicant,
    ]:
        assert_refused(
            PermissionDenied,
            lambda p=person: services.exempt_fees(dossier=dossier, clerk=p, reason="Miễn theo quy định"),
            dossier,
        )


def test_a_desk_payment_is_recorded_by_a_clerk_with_the_receipt_number():
    dossier = filed()
    clerk = clerk_of(dossier)

    dossier = services.record_desk_payment(dossier=dossier, clerk=clerk, receipt_number="BL-000123")

    assert dossier.fees_settlement == FeeSettlement.PAID_AT_DESK and dossier.fees_reference == "BL-000123"
    event = dossier.events.get(action="pay_fees")
    assert event.actor == clerk and event.data["settlement"] == "paid_at_desk"
    with pytest.raises(ValidationError, match="already settled"):
        services.record_desk_payment(dossier=dossier, clerk=clerk, receipt_number="BL-000124")
    with pytest.raises(PermissionDenied):
        services.record_desk_payment(dossier=filed(), clerk=dossier.applicant, receipt_number="BL-1")


def test_settling_the_wrong_amount_or_a_closed_dossier_is_refused():
    dossier = filed()
    with pytest.raises(ValidationError, match="not the amount due"):
        dossier_services.settle_fees(
            dossier=dossier, settlement=FeeSettlement.PAID_ONLINE, reference="X1", amount=1_000
        )
    dossier_services.withdraw(dossier=dossier, by=dossier.applicant)
    with pytest.raises(dossier_services.FeesNotPayable):
        dossier_services.settle_fees(
            dossier=reload(dossier), settlement=FeeSettlement.PAID_ONLINE, reference="X1", amount=50_000
        )


def test_the_receipt_slip_says_whether_the_fee_is_paid():
    from dossiers import slips

    dossier = filed()
    pay(dossier)
    dossier = receive(dossier)
    assert slips.slip_context(dossier, "receipt")["fee"] == "50.000 đồng (đã thanh toán trực tuyến)"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (105, "Một trăm lẻ năm đồng"),
        (3_000, "Ba nghìn đồng"),
        (37_500, "Ba mươi bảy nghìn năm trăm đồng"),
        (50_000, "Năm mươi nghìn đồng"),
        (135_000, "Một trăm ba mươi lăm nghìn đồng"),
        (1_000_005, "Một triệu không trăm lẻ năm đồng"),
        (2_200_000, "Hai triệu hai trăm nghìn đồng"),
        (1_000_000_000, "Một tỷ đồng"),
    ],
)
def test_amounts_in_words_for_receipts_and_vouchers(amount, words):
    assert vnd_in_words(amount) == words


def test_the_8_hour_answer_clock_starts_when_an_at_filing_fee_is_paid():
    dossier = filed()
    assert dossier.intake_deadline is None  # nothing the one-stop shop can receive yet

    pay(dossier)

    dossier = reload(dossier)
    assert dossier.intake_deadline is not None and dossier.intake_deadline > dossier.fees_settled_at


def test_the_answer_clock_starts_with_an_exemption_too():
    dossier = filed()
    dossier_services.exempt_fees(dossier=dossier, clerk=clerk_of(dossier), reason="Người có công")
    assert reload(dossier).intake_deadline is not None


def test_a_free_or_before_return_dossier_gets_its_answer_time_at_filing():
    assert filed(fee_version(amount=0)).intake_deadline is not None
    assert filed(fee_version(stage=FeePaymentStage.BEFORE_RETURN)).intake_deadline is not None


def test_the_citizen_is_told_the_check_starts_once_the_fee_is_paid(client):
    dossier = filed()
    sign_in(client, dossier.applicant)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "the one-stop shop checks the dossier once they are paid" in page
