"""The VNPay 2.1.0 protocol against fixed, hand-computed vectors: each expected signature is computed here
with hmac/hashlib over a string written out literally, independently of the gateway's own code."""

import datetime
import hashlib
import hmac
import urllib.parse
from types import SimpleNamespace

import pytest
from django.utils import timezone

from payments.gateways import GatewayError, GatewayRejected
from payments.gateways.vnpay import VnpayGateway, amount_in_dong
from tests.payments.support import VN, FakeTransport

SECRET = "SECRETKEY2026VNPAYTEST1234567890"
TMN = "DEMOV210"
PAY_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
API_URL = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"


def sha512(data: str) -> str:
    return hmac.new(SECRET.encode(), data.encode("utf-8"), hashlib.sha512).hexdigest()


def gateway(transport=None) -> VnpayGateway:
    return VnpayGateway(
        tmn_code=TMN,
        hash_secret=SECRET,
        payment_url=PAY_URL,
        api_url=API_URL,
        server_ip="10.0.0.5",
        transport=transport,
    )


def attempt(**changes):
    values = {
        "amount": 37_500,
        "txn_ref": "260316A1B2C3D4E5",
        "order_info": "Thanh toan phi le phi ho so 000.00.15.H29-260316-0007",
        "payer_ip": "113.160.92.202",
        # 02:15:02 UTC is 09:15:02 in Hà Nội: the protocol's dates are GMT+7.
        "created_at": datetime.datetime(2026, 3, 16, 2, 15, 2, tzinfo=datetime.UTC),
        "expires_at": datetime.datetime(2026, 3, 16, 2, 30, 2, tzinfo=datetime.UTC),
        "gateway_transaction_no": "14226112",
    }
    values.update(changes)
    return SimpleNamespace(**values)


RETURN_URL = "https://dichvucong.example.gov.vn/payments/return/vnpay/"
PAYMENT_HASH_DATA = (
    "vnp_Amount=3750000"
    "&vnp_Command=pay"
    "&vnp_CreateDate=20260316091502"
    "&vnp_CurrCode=VND"
    "&vnp_ExpireDate=20260316093002"
    "&vnp_IpAddr=113.160.92.202"
    "&vnp_Locale=vn"
    "&vnp_OrderInfo=Thanh+toan+phi+le+phi+ho+so+000.00.15.H29-260316-0007"
    "&vnp_OrderType=other"
    "&vnp_ReturnUrl=https%3A%2F%2Fdichvucong.example.gov.vn%2Fpayments%2Freturn%2Fvnpay%2F"
    "&vnp_TmnCode=DEMOV210"
    "&vnp_TxnRef=260316A1B2C3D4E5"
    "&vnp_Version=2.1.0"
)


# --- the payment URL ---------------------------------------------------------------------------------------
def test_the_payment_url_is_sorted_encoded_and_signed_with_hmac_sha512():
    url = gateway().payment_url(attempt(), return_url=RETURN_URL)

    expected_hash = sha512(PAYMENT_HASH_DATA)
    assert url == f"{PAY_URL}?{PAYMENT_HASH_DATA}&vnp_SecureHash={expected_hash}"
    assert len(expected_hash) == 128


def test_the_amount_is_dong_times_100_and_the_dates_are_on_the_gmt7_clock():
    params = dict(
        urllib.parse.parse_qsl(gateway().payment_url(attempt(), return_url=RETURN_URL).split("?")[1])
    )
    assert params["vnp_Amount"] == "3750000"
    assert params["vnp_CreateDate"] == "20260316091502"
    assert params["vnp_ExpireDate"] == "20260316093002"
    assert (
        params["vnp_Version"] == "2.1.0"
        and params["vnp_Command"] == "pay"
        and params["vnp_CurrCode"] == "VND"
    )


def test_a_txn_ref_is_new_for_every_attempt_and_starts_with_the_day_in_gmt7():
    late_evening_utc = datetime.datetime(2026, 3, 16, 18, 30, tzinfo=datetime.UTC)  # 01:30 on the 17th in VN
    refs = {gateway().new_txn_ref(late_evening_utc) for _ in range(200)}
    assert len(refs) == 200
    assert all(ref.startswith("260317") and len(ref) == 16 and ref.isalnum() for ref in refs)


# --- the notification (IPN) and the browser return ----------------------------------------------------------
IPN_HASH_DATA = (
    "vnp_Amount=3750000"
    "&vnp_BankCode=NCB"
    "&vnp_BankTranNo=VNP14226112"
    "&vnp_CardType=ATM"
    "&vnp_OrderInfo=Thanh+toan+phi+le+phi+ho+so+000.00.15.H29-260316-0007"
    "&vnp_PayDate=20260316091733"
    "&vnp_ResponseCode=00"
    "&vnp_TmnCode=DEMOV210"
    "&vnp_TransactionNo=14226112"
    "&vnp_TransactionStatus=00"
    "&vnp_TxnRef=260316A1B2C3D4E5"
)


def ipn_params(hash_data=IPN_HASH_DATA, signature=None) -> dict[str, str]:
    """The query string as the gateway sends it, parsed the way Django parses request.GET."""
    query = f"{hash_data}&vnp_SecureHashType=HmacSHA512&vnp_SecureHash={signature or sha512(hash_data)}"
    return dict(urllib.parse.parse_qsl(query))


def test_a_notification_signed_over_its_sorted_encoded_fields_is_valid():
    note = gateway().parse_notification(ipn_params())

    assert note.valid_signature and note.succeeded
    assert (note.txn_ref, note.amount, note.transaction_no, note.bank_code, note.pay_date) == (
        "260316A1B2C3D4E5",
        37_500,
        "14226112",
        "NCB",
        "20260316091733",
    )


def test_the_signature_may_come_in_upper_case():
    assert gateway().parse_notification(ipn_params(signature=sha512(IPN_HASH_DATA).upper())).valid_signature


@pytest.mark.parametrize(
    ("field", "value"),
    [("vnp_Amount", "375000000"), ("vnp_ResponseCode", "24"), ("vnp_TxnRef", "260316A1B2C3D4E6")],
)
def test_any_changed_field_breaks_the_signature(field, value):
    params = ipn_params()
    params[field] = value
    assert not gateway().parse_notification(params).valid_signature


def test_a_missing_or_foreign_signature_is_invalid():
    params = ipn_params()
    del params["vnp_SecureHash"]
    assert not gateway().parse_notification(params).valid_signature
    other_secret = hmac.new(b"another-secret", IPN_HASH_DATA.encode(), hashlib.sha512).hexdigest()
    assert not gateway().parse_notification(ipn_params(signature=other_secret)).valid_signature
    assert not gateway().parse_notification(ipn_params(signature="zz" * 64 + "é")).valid_signature


def test_another_terminal_signing_with_our_secret_is_not_accepted():
    data = IPN_HASH_DATA.replace("vnp_TmnCode=DEMOV210", "vnp_TmnCode=OTHER001")
    assert not gateway().parse_notification(ipn_params(hash_data=data)).valid_signature


@pytest.mark.parametrize(
    ("response", "status", "paid"), [("00", "00", True), ("00", "02", False), ("24", "00", False)]
)
def test_paid_only_when_both_the_response_code_and_the_transaction_status_are_00(response, status, paid):
    data = IPN_HASH_DATA.replace("vnp_ResponseCode=00", f"vnp_ResponseCode={response}").replace(
        "vnp_TransactionStatus=00", f"vnp_TransactionStatus={status}"
    )
    note = gateway().parse_notification(ipn_params(hash_data=data))
    assert note.valid_signature and note.succeeded is paid


@pytest.mark.parametrize(
    ("raw", "dong"), [("3750000", 37_500), ("3750050", None), ("-100", None), ("", None)]
)
def test_an_amount_that_is_not_whole_dong_is_unreadable(raw, dong):
    assert amount_in_dong(raw) == dong


# --- querydr and refund: JSON, signed over "|"-joined fields ------------------------------------------------
@pytest.fixture
def frozen(monkeypatch):
    moment = datetime.datetime(2026, 3, 16, 10, 0, 0, tzinfo=VN)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


QUERY_REQUEST_DATA = (
    "20260316100000aa01|2.1.0|querydr|DEMOV210|260316A1B2C3D4E5|20260316091502|20260316100000|10.0.0.5|"
    "Truy van giao dich 260316A1B2C3D4E5"
)
QUERY_ANSWER = {
    "vnp_ResponseId": "4f1b2c3d4e5f6a7b",
    "vnp_Command": "querydr",
    "vnp_ResponseCode": "00",
    "vnp_Message": "QueryDR Success",
    "vnp_TmnCode": "DEMOV210",
    "vnp_TxnRef": "260316A1B2C3D4E5",
    "vnp_Amount": "3750000",
    "vnp_BankCode": "NCB",
    "vnp_PayDate": "20260316091733",
    "vnp_TransactionNo": "14226112",
    "vnp_TransactionType": "01",
    "vnp_TransactionStatus": "00",
    "vnp_OrderInfo": "Thanh toan phi le phi ho so 000.00.15.H29-260316-0007",
    "vnp_PromotionCode": "",
    "vnp_PromotionAmount": "",
}
QUERY_ANSWER_DATA = (
    "4f1b2c3d4e5f6a7b|querydr|00|QueryDR Success|DEMOV210|260316A1B2C3D4E5|3750000|NCB|20260316091733|"
    "14226112|01|00|Thanh toan phi le phi ho so 000.00.15.H29-260316-0007||"
)


def test_querydr_is_signed_over_the_protocols_fields_and_its_signed_answer_is_read(frozen):
    transport = FakeTransport({**QUERY_ANSWER, "vnp_SecureHash": sha512(QUERY_ANSWER_DATA)})

    result = gateway(transport).query(attempt(), request_id="20260316100000aa01")

    url, body = transport.requests[0]
    assert url == API_URL
    assert body["vnp_SecureHash"] == sha512(QUERY_REQUEST_DATA)
    assert body["vnp_TransactionDate"] == "20260316091502" and body["vnp_CreateDate"] == "20260316100000"
    assert (
        result.found and result.succeeded and result.amount == 37_500 and result.transaction_no == "14226112"
    )


def test_an_answer_with_a_wrong_signature_is_not_trusted(frozen):
    transport = FakeTransport({**QUERY_ANSWER, "vnp_SecureHash": sha512(QUERY_ANSWER_DATA + "x")})
    with pytest.raises(GatewayError, match="signature"):
        gateway(transport).query(attempt(), request_id="20260316100000aa01")


def test_an_unsigned_success_is_not_trusted(frozen):
    with pytest.raises(GatewayError, match="not signed"):
        gateway(FakeTransport(dict(QUERY_ANSWER))).query(attempt(), request_id="20260316100000aa01")


@pytest.mark.parametrize(
    ("code", "outcome"),
    [("91", "not found"), ("94", GatewayError), ("99", GatewayError), ("02", GatewayRejected)],
)
def test_querydr_error_answers(frozen, code, outcome):
    transport = FakeTransport({"vnp_ResponseId": "1", "vnp_Command": "querydr", "vnp_ResponseCode": code})
    if outcome == "not found":
        assert not gateway(transport).query(attempt(), request_id="r1").found
    else:
        with pytest.raises(outcome):
            gateway(transport).query(attempt(), request_id="r1")


REFUND_REQUEST_DATA = (
    "20260316100000bb02|2.1.0|refund|DEMOV210|02|260316A1B2C3D4E5|3750000|14226112|20260316091502|cong-dvc|"
    "20260316100000|10.0.0.5|Hoan tra phi le phi giao dich 260316A1B2C3D4E5"
)
REFUND_ANSWER = {
    "vnp_ResponseId": "9a8b7c6d5e4f3a2b",
    "vnp_Command": "refund",
    "vnp_ResponseCode": "00",
    "vnp_Message": "Refund success",
    "vnp_TmnCode": "DEMOV210",
    "vnp_TxnRef": "260316A1B2C3D4E5",
    "vnp_Amount": "3750000",
    "vnp_BankCode": "NCB",
    "vnp_PayDate": "20260316100001",
    "vnp_TransactionNo": "14226999",
    "vnp_TransactionType": "02",
    "vnp_TransactionStatus": "05",
    "vnp_OrderInfo": "Hoan tra phi le phi giao dich 260316A1B2C3D4E5",
}
REFUND_ANSWER_DATA = (
    "9a8b7c6d5e4f3a2b|refund|00|Refund success|DEMOV210|260316A1B2C3D4E5|3750000|NCB|20260316100001|14226999|"
    "02|05|Hoan tra phi le phi giao dich 260316A1B2C3D4E5"
)


def test_a_full_refund_is_signed_over_the_protocols_fields(frozen):
    transport = FakeTransport({**REFUND_ANSWER, "vnp_SecureHash": sha512(REFUND_ANSWER_DATA)})
    refund = SimpleNamespace(attempt=attempt(), amount=37_500)

    result = gateway(transport).refund(refund, request_id="20260316100000bb02", created_by="cong-dvc")

    body = transport.requests[0][1]
    assert body["vnp_SecureHash"] == sha512(REFUND_REQUEST_DATA)
    assert body["vnp_TransactionType"] == "02" and body["vnp_Amount"] == "3750000"
    assert result.response_code == "00" and result.transaction_no == "14226999"


@pytest.mark.parametrize(
    ("code", "error"), [("94", GatewayError), ("99", GatewayError), ("95", GatewayRejected)]
)
def test_refund_error_answers_are_transient_or_final(frozen, code, error):
    transport = FakeTransport({"vnp_ResponseId": "1", "vnp_Command": "refund", "vnp_ResponseCode": code})
    with pytest.raises(error):
        gateway(transport).refund(
            SimpleNamespace(attempt=attempt(), amount=37_500), request_id="r", created_by="x"
        )
