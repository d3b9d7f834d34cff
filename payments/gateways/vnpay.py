"""The VNPay payment gateway, protocol version 2.1.0.

- Payment: the browser is sent to the gateway with the vnp_* parameters sorted by name, each name and value
  URL-encoded (space as "+"), joined with "&"; vnp_SecureHash is the HMAC-SHA512 (hex) of that same string
  under the terminal's hash secret. vnp_Amount is đồng × 100; vnp_CreateDate / vnp_ExpireDate are
  yyyyMMddHHmmss on the GMT+7 clock; vnp_TxnRef is unique per attempt (and so per day).
- Notification (IPN) and browser return: the same parameters back, signed the same way (without
  vnp_SecureHash and vnp_SecureHashType); paid only when vnp_ResponseCode and vnp_TransactionStatus are
  both "00".
- Query (querydr) and refund: JSON POSTed to the merchant API; the request and the answer are signed over
  their fields joined with "|" in the order the protocol lists (QUERYDR_* and REFUND_* below).
"""

import hashlib
import hmac
import secrets
import urllib.parse
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

from django.conf import settings

from common import clock

from .base import (
    GatewayError,
    GatewayRejected,
    HttpTransport,
    Notification,
    PaymentGateway,
    QueryResult,
    RefundResult,
)

VERSION = "2.1.0"
VN_TIME = ZoneInfo("Asia/Ho_Chi_Minh")  # the protocol's clock is GMT+7 whatever the server's zone

QUERYDR_REQUEST = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERYDR_RESPONSE = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
REFUND_REQUEST = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_RESPONSE = tuple(name for name in QUERYDR_RESPONSE if not name.startswith("vnp_Promotion"))
# Answers of the query/refund API worth asking again later: 94 duplicate request (within the API's time
# window), 99 other error. Everything else but 00 (and 91 "not found" for a query) is final.
RETRY_LATER = {"94", "99"}
UNSIGNED = {"vnp_SecureHash", "vnp_SecureHashType"}


# --- the protocol's building blocks ----------------------------------------------------------------------
def vnp_time(moment) -> str:
    return moment.astimezone(VN_TIME).strftime("%Y%m%d%H%M%S")


def encode(value) -> str:
    """URL-encode as the gateway does (space as '+', everything but letters, digits and -_. escaped)."""
    return urllib.parse.quote_plus(str(value), safe="")


def hash_data(params: Mapping[str, str]) -> str:
    """The signed string of a payment request or notification: sorted, encoded, non-empty fields only."""
    return "&".join(
        f"{encode(name)}={encode(value)}"
        for name, value in sorted(params.items())
        if name not in UNSIGNED and value not in ("", None)
    )


def pipe_data(values: Mapping[str, object], fields: Iterable[str]) -> str:
    """The signed string of an API request or answer: the listed fields' values joined with '|'."""
    return "|".join("" if values.get(name) is None else str(values.get(name)) for name in fields)


def hmac_sha512(secret: str, data: str) -> str:
    return hmac.new(secret.encode("utf-8"), data.encode("utf-8"), hashlib.sha512).hexdigest()


def same_signature(expected: str, given: str) -> bool:
    """Constant-time comparison (hex, either case)."""
    return hmac.compare_digest(expected.encode("ascii"), given.strip().lower().encode("utf-8", "replace"))


def amount_in_dong(value) -> int | None:
    """vnp_Amount (đồng × 100) back to whole đồng; None when it is not a whole number of đồng."""
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or int(text) % 100:
        return None
    return int(text) // 100


class VnpayGateway(PaymentGateway):
    code = "vnpay"
    order_type = "other"

    def __init__(
        self,
        *,
        tmn_code: str,
        hash_secret: str,
        payment_url: str,
        api_url: str,
        server_ip: str = "127.0.0.1",
        transport=None,
    ):
        self.tmn_code = tmn_code
        self.hash_secret = hash_secret
        self.payment_endpoint = payment_url
        self.api_url = api_url
        self.server_ip = server_ip
        self.transport = transport or HttpTransport()

    @classmethod
    def from_settings(cls) -> "VnpayGateway":
        return cls(
            tmn_code=settings.VNPAY_TMN_CODE,
            hash_secret=settings.VNPAY_HASH_SECRET,
            payment_url=settings.VNPAY_PAYMENT_URL,
            api_url=settings.VNPAY_API_URL,
            server_ip=settings.PAYMENT_SERVER_IP,
        )

    # --- payment --------------------------------------------------------------------------------------
    def new_txn_ref(self, now) -> str:
        """The day (GMT+7) then 10 random hex digits: unique per attempt; the day makes it unique per day."""
        return f"{now.astimezone(VN_TIME):%y%m%d}{secrets.token_hex(5).upper()}"

    def sign(self, data: str) -> str:
        return hmac_sha512(self.hash_secret, data)

    def payment_params(self, attempt, *, return_url: str) -> dict[str, str]:
        return {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(attempt.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": attempt.txn_ref,
            "vnp_OrderInfo": attempt.order_info,
            "vnp_OrderType": self.order_type,
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": attempt.payer_ip or self.server_ip,
            "vnp_CreateDate": vnp_time(attempt.created_at),
            "vnp_ExpireDate": vnp_time(attempt.expires_at),
        }

    def signed_payment_params(self, attempt, *, return_url: str) -> dict[str, str]:
        params = self.payment_params(attempt, return_url=return_url)
        return {**params, "vnp_SecureHash": self.sign(hash_data(params))}

    def payment_url(self, attempt, *, return_url: str) -> str:
        data = hash_data(self.payment_params(attempt, return_url=return_url))
        return f"{self.payment_endpoint}?{data}&vnp_SecureHash={self.sign(data)}"

    def parse_notification(self, params: Mapping[str, str]) -> Notification:
        fields = {name: value for name, value in params.items() if name.startswith("vnp_")}
        given = str(fields.get("vnp_SecureHash", ""))
        valid = bool(given) and same_signature(self.sign(hash_data(fields)), given)
        return Notification(
            valid_signature=valid and fields.get("vnp_TmnCode") == self.tmn_code,
            txn_ref=str(fields.get("vnp_TxnRef", ""))[:40],
            amount=amount_in_dong(fields.get("vnp_Amount")),
            response_code=str(fields.get("vnp_ResponseCode", "")),
            transaction_status=str(fields.get("vnp_TransactionStatus", "")),
            transaction_no=str(fields.get("vnp_TransactionNo", ""))[:40],
            bank_code=str(fields.get("vnp_BankCode", ""))[:20],
            pay_date=str(fields.get("vnp_PayDate", ""))[:14],
        )

    # --- the merchant API (querydr, refund) -----------------------------------------------------------
    def _call(self, body: dict, request_fields, response_fields) -> dict:
        body["vnp_SecureHash"] = self.sign(pipe_data(body, request_fields))
        answer = self.transport.post_json(self.api_url, body)
        given = str(answer.get("vnp_SecureHash", ""))
        code = str(answer.get("vnp_ResponseCode", ""))
        if given:
            if not same_signature(self.sign(pipe_data(answer, response_fields)), given):
                raise GatewayError("The gateway's answer has an invalid signature")
        elif code == "00":
            raise GatewayError("The gateway's answer is not signed")
        return answer

    def query(self, attempt, *, request_id: str) -> QueryResult:
        body = {
            "vnp_RequestId": request_id,
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": attempt.txn_ref,
            "vnp_OrderInfo": f"Truy van giao dich {attempt.txn_ref}",
            "vnp_TransactionDate": vnp_time(attempt.created_at),
            "vnp_CreateDate": vnp_time(clock.now()),
            "vnp_IpAddr": self.server_ip,
        }
        if attempt.gateway_transaction_no:
            body["vnp_TransactionNo"] = attempt.gateway_transaction_no
        answer = self._call(body, QUERYDR_REQUEST, QUERYDR_RESPONSE)
        code = str(answer.get("vnp_ResponseCode", ""))
        if code == "91":
            return QueryResult(found=False, response_code=code, raw=answer)
        if code in RETRY_LATER:
            raise GatewayError(f"querydr answered {code}: {answer.get('vnp_Message', '')}")
        if code != "00":
            raise GatewayRejected(f"querydr answered {code}: {answer.get('vnp_Message', '')}")
        if answer.get("vnp_TxnRef") != attempt.txn_ref:
            raise GatewayError("querydr answered about another transaction")
        return QueryResult(
            found=True,
            response_code=code,
            transaction_status=str(answer.get("vnp_TransactionStatus", "")),
            transaction_type=str(answer.get("vnp_TransactionType", "")),
            amount=amount_in_dong(answer.get("vnp_Amount")),
            transaction_no=str(answer.get("vnp_TransactionNo", ""))[:40],
            bank_code=str(answer.get("vnp_BankCode", ""))[:20],
            pay_date=str(answer.get("vnp_PayDate", ""))[:14],
            raw=answer,
        )

    def refund(self, refund, *, request_id: str, created_by: str) -> RefundResult:
        """A full refund (vnp_TransactionType 02) of the payment behind `refund`."""
        attempt = refund.attempt
        body = {
            "vnp_RequestId": request_id,
            "vnp_Version": VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionType": "02",
            "vnp_TxnRef": attempt.txn_ref,
            "vnp_Amount": str(refund.amount * 100),
            "vnp_OrderInfo": f"Hoan tra phi le phi giao dich {attempt.txn_ref}",
            "vnp_TransactionNo": attempt.gateway_transaction_no,
            "vnp_TransactionDate": vnp_time(attempt.created_at),
            "vnp_CreateBy": created_by,
            "vnp_CreateDate": vnp_time(clock.now()),
            "vnp_IpAddr": self.server_ip,
        }
        answer = self._call(body, REFUND_REQUEST, REFUND_RESPONSE)
        code = str(answer.get("vnp_ResponseCode", ""))
        message = str(answer.get("vnp_Message", ""))[:300]
        if code in RETRY_LATER:
            raise GatewayError(f"refund answered {code}: {message}")
        if code != "00":
            raise GatewayRejected(f"refund answered {code}: {message}")
        return RefundResult(
            response_code=code,
            message=message,
            transaction_no=str(answer.get("vnp_TransactionNo", ""))[:40],
            raw=answer,
        )
