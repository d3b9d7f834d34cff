"""The payment pages: pay from the dossier page through the sandbox bank (signed return and notification),
the receipt, the browser return that only displays, the IPN endpoint, who may see and do what."""

import re
import urllib.parse

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers.models import State
from payments.models import AttemptState, IpnLog, PaymentAttempt
from tests.dossiers.staff_support import sign_in
from tests.factories import CitizenProfileFactory, staff_member
from tests.payments.support import (
    bank_answer,
    clerk_of,
    fee_version,
    filed,
    notify_portal,
    pay,
    reload,
    start,
)
from tests.payments.test_refunds import pdftotext

pytestmark = pytest.mark.django_db


def citizen_client(client, dossier):
    client.force_login(dossier.applicant)
    client.cookies["portal_language"] = "en"
    return client


def pay_form_key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def test_the_citizen_pays_from_the_dossier_page_through_the_sandbox_bank(
    client, django_capture_on_commit_callbacks
):
    dossier = filed()
    citizen_client(client, dossier)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "not paid yet" in page and reverse("payments:pay", args=[dossier.pk]) in page

    to_bank = client.post(reverse("payments:pay", args=[dossier.pk]), {"idempotency_key": pay_form_key(page)})
    assert to_bank.status_code == 302 and to_bank.url.startswith("/sandbox-bank/pay/?")
    bank_page = client.get(to_bank.url)
    assert bank_page.status_code == 200 and "50.000" in bank_page.content.decode()

    fields = dict(urllib.parse.parse_qsl(to_bank.url.split("?", 1)[1]))
    with django_capture_on_commit_callbacks(execute=True):
        back = client.post("/sandbox-bank/pay/", {**fields, "choice": "success"})
    assert back.status_code == 302 and back.url.startswith(f"{settings.SITE_URL}/payments/return/sandbox/?")

    attempt = PaymentAttempt.objects.get()
    assert attempt.state == AttemptState.PAID  # by the bank's notification (task), not by the browser
    assert IpnLog.objects.get().source == "sandbox"
    result = client.get(back.url).content.decode()
    assert "Payment received" in result and reverse("payments:receipt", args=[attempt.pk]) in result

    pdf = client.get(reverse("payments:receipt", args=[attempt.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdftotext(pdf.content)
    for expected in [dossier.code, attempt.txn_ref, "50.000 đồng", "Năm mươi nghìn đồng", "Lệ phí cấp giấy"]:
        assert expected in text, expected


def test_a_double_click_gives_one_attempt(client):
    dossier = filed()
    citizen_client(client, dossier)
    key = pay_form_key(client.get(reverse("payments:dossier", args=[dossier.pk])).content.decode())

    first = client.post(reverse("payments:pay", args=[dossier.pk]), {"idempotency_key": key})
    second = client.post(reverse("payments:pay", args=[dossier.pk]), {"idempotency_key": key})

    assert first.url == second.url and PaymentAttempt.objects.count() == 1


def test_the_browser_return_only_displays(client):
    dossier = filed()
    citizen_client(client, dossier)
    attempt = start(dossier)
    params = bank_answer(attempt)  # the bank says paid; its notification has not arrived yet

    page = client.get(reverse("payments:return", args=["sandbox"]), params)

    assert page.status_code == 200 and "Waiting for the bank" in page.content.decode()
    assert reload(attempt).state == AttemptState.PENDING and reload(dossier).fees_settled_at is None
    assert not IpnLog.objects.exists()


def test_a_tampered_return_is_not_read(client):
    dossier = filed()
    citizen_client(client, dossier)
    params = {**bank_answer(start(dossier)), "vnp_Amount": "100"}
    page = client.get(reverse("payments:return", args=["sandbox"]), params)
    assert page.status_code == 400 and "could not be read" in page.content.decode()


def test_a_failed_payment_can_be_tried_again_from_the_return_page(client):
    dossier = filed()
    citizen_client(client, dossier)
    attempt = start(dossier)
    params = bank_answer(attempt, "failure")
    notify_portal(params)

    page = client.get(reverse("payments:return", args=["sandbox"]), params).content.decode()

    assert "did not go through" in page and "not enough money" in page
    assert reverse("payments:pay", args=[dossier.pk]) in page and pay_form_key(page)


def test_the_ipn_endpoint_answers_json_and_takes_get_only(client):
    attempt = start(filed())
    params = bank_answer(attempt)
    url = reverse("payments:ipn", args=["sandbox"])

    assert client.get(url, params).json() == {"RspCode": "00", "Message": "Confirm Success"}
    assert client.get(url, params).json()["RspCode"] == "02"
    assert client.get(url, {}).json()["RspCode"] == "97"
    assert client.get(reverse("payments:ipn", args=["nobank"]), params).json()["RspCode"] == "97"
    assert client.post(url, params).status_code == 405


def test_a_citizen_cannot_pay_or_see_another_persons_payment(client):
    dossier = filed()
    attempt = pay(dossier)
    client.force_login(CitizenProfileFactory().user)

    assert client.get(reverse("payments:dossier", args=[dossier.pk])).status_code == 404
    assert (
        client.post(reverse("payments:pay", args=[dossier.pk]), {"idempotency_key": "k" * 32}).status_code
        == 404
    )
    assert client.get(reverse("payments:receipt", args=[attempt.pk])).status_code == 404
    assert client.get(reverse("payments:return", args=["sandbox"]), bank_answer(attempt)).status_code == 400
    assert client.get(reverse("payments:voucher", args=[1])).status_code == 404
    assert PaymentAttempt.objects.count() == 1


def test_staff_see_the_payment_state_on_the_queue_and_the_dossier_page(client):
    paid, unpaid = filed(), None
    pay(paid)
    unpaid = filed(fee_version(agency=paid.receiving_agency))
    clerk = clerk_of(paid)
    sign_in(client, clerk)

    queue = client.get(
        reverse("staff:queue", args=[paid.receiving_agency.code]), {"view": "new"}
    ).content.decode()
    assert queue.count("not paid yet") == 1 and ">paid</span>" in queue
    detail = client.get(reverse("staff:detail", args=[unpaid.pk])).content.decode()
    assert "due before receipt" in detail and reverse("payments:staff_dossier", args=[unpaid.pk]) in detail
    assert "action-receive" not in detail


def test_the_fees_column_adds_no_query_to_the_queue(client):
    first = filed()
    agency = first.receiving_agency
    clerk = clerk_of(first)
    sign_in(client, clerk)
    url = reverse("staff:queue", args=[agency.code])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(4):
        pay(filed(fee_version(agency=agency)))
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_the_desk_clerk_exempts_or_records_a_desk_payment_from_the_staff_page(client):
    dossier = filed()
    clerk = clerk_of(dossier)
    sign_in(client, clerk)
    page = client.get(reverse("payments:staff_dossier", args=[dossier.pk]))
    assert page.status_code == 200 and "Exempt the fees" in page.content.decode()
    url = reverse("payments:staff_action", args=[dossier.pk, "exempt"])

    empty = client.post(url, {"reason": "", "expected_version": dossier.lock_version})
    assert empty.status_code == 400 and reload(dossier).fees_settled_at is None
    stale = client.post(url, {"reason": "Hộ nghèo", "expected_version": dossier.lock_version - 1})
    assert stale.status_code == 409 and reload(dossier).fees_settled_at is None
    done = client.post(url, {"reason": "Hộ nghèo (Điều 4)", "expected_version": dossier.lock_version})
    assert done.status_code == 302 and reload(dossier).fees_settlement == "exempt"

    other = filed(fee_version(agency=dossier.receiving_agency))
    desk = client.post(
        reverse("payments:staff_action", args=[other.pk, "desk"]),
        {"receipt_number": "BL-0042", "expected_version": other.lock_version},
    )
    assert desk.status_code == 302 and reload(other).fees_reference == "BL-0042"


def test_an_officer_cannot_exempt_and_a_citizen_cannot_open_staff_pages(client):
    dossier = filed()
    sign_in(client, staff_member(dossier.receiving_agency, role="officer"))
    response = client.post(
        reverse("payments:staff_action", args=[dossier.pk, "exempt"]),
        {"reason": "Miễn", "expected_version": dossier.lock_version},
    )
    assert response.status_code == 403 and reload(dossier).fees_settled_at is None
    client.force_login(dossier.applicant)
    assert client.get(reverse("payments:staff_dossier", args=[dossier.pk])).status_code == 403


def test_the_citizen_sees_the_refund(client, django_capture_on_commit_callbacks):
    from dossiers import services as dossier_services

    dossier = filed()
    pay(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_services.refuse(dossier=reload(dossier), clerk=clerk_of(dossier), reason="Ngoài thẩm quyền")
    citizen_client(client, dossier)

    page = client.get(reverse("payments:dossier", args=[dossier.pk])).content.decode()
    detail = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()

    assert reload(dossier).state == State.REFUSED
    assert "Refunded" in page and "The fees were refunded on" in page
    assert ">refunded</span>" in detail and "The fees were refunded." in detail


def test_the_sandbox_bank_exists_only_while_it_is_the_gateway(client, settings):
    settings.PAYMENT_GATEWAY = "vnpay"
    assert client.get("/sandbox-bank/pay/").status_code == 404
    assert (
        client.post("/sandbox-bank/api/transaction", "{}", content_type="application/json").status_code == 404
    )


def test_the_sandbox_bank_refuses_a_request_it_cannot_verify(client):
    attempt = start(filed())
    to_bank = dict(urllib.parse.parse_qsl(
        __import__("payments.gateways", fromlist=["get"]).get("sandbox").payment_url(
            attempt, return_url="http://testserver/payments/return/sandbox/"
        ).split("?", 1)[1]
    ))  # fmt: skip
    to_bank["vnp_Amount"] = "100"
    page = client.get("/sandbox-bank/pay/", to_bank)
    assert page.status_code == 400 and "chữ ký" in page.content.decode()
