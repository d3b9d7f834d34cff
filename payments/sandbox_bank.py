"""The sandbox bank: the other side of the sandbox gateway. It checks a payment request as a gateway would
(signature, terminal, amount, expiry), lets the payer choose success, failure or cancel, keeps its own books
(SandboxTransaction), signs the result it sends back (browser return and server-to-server notification),
answers the querydr and refund API, and publishes its daily settlement file.

It shares nothing with the merchant side but the protocol (payments.gateways.vnpay) and the hash secret."""

import datetime
import secrets

from django.db import IntegrityError, transaction

from common import clock

from . import settlement
from .gateways import sandbox
from .gateways.vnpay import (
    QUERYDR_REQUEST,
    QUERYDR_RESPONSE,
    REFUND_REQUEST,
    REFUND_RESPONSE,
    VERSION,
    VN_TIME,
    amount_in_dong,
    hash_data,
    hmac_sha512,
    pipe_data,
    same_signature,
    vnp_time,
)
from .models import SandboxTransaction

CHOICES = {
    "success": ("00", "00"),
    "failure": ("51", "02"),  # 51: not enough money in the account
    "cancel": ("24", "02"),  # 24: the customer cancelled
}
EXPIRED = ("11", "02")  # 11: the payment window expired
BANK_CODE = "NCB"


class BadRequest(Exception):
    """A request the bank refuses to show a payment page for (what a real gateway's error page says)."""


def _secret() -> str:
    return sandbox.hash_secret()


def check_payment_request(params) -> dict[str, str]:
    """The vnp_* fields of a payment request, once the bank has checked them."""
    fields = {name: str(value) for name, value in params.items() if name.startswith("vnp_")}
    given = fields.get("vnp_SecureHash", "")
    if not given or not same_signature(hmac_sha512(_secret(), hash_data(fields)), given):
        raise BadRequest("Sai chữ ký (vnp_SecureHash).")
    if fields.get("vnp_TmnCode") != sandbox.TMN_CODE:
        raise BadRequest("Mã website (vnp_TmnCode) không đúng.")
    if fields.get("vnp_Version") != VERSION or fields.get("vnp_Command") != "pay":
        raise BadRequest("Phiên bản hoặc lệnh không được hỗ trợ.")
    if fields.get("vnp_CurrCode") != "VND" or not amount_in_dong(fields.get("vnp_Amount")):
        raise BadRequest("Số tiền không hợp lệ.")
    for name in ("vnp_TxnRef", "vnp_ReturnUrl", "vnp_CreateDate", "vnp_ExpireDate"):
        if not fields.get(name):
            raise BadRequest(f"Thiếu tham số {name}.")
    try:
        parse_time(fields["vnp_ExpireDate"])
    except ValueError as error:
        raise BadRequest("Thời gian hết hạn không hợp lệ.") from error
    return fields


def parse_time(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=VN_TIME)


def is_expired(fields: dict[str, str], now=None) -> bool:
    return (now or clock.now()) > parse_time(fields["vnp_ExpireDate"])


def result_params(record: SandboxTransaction) -> dict[str, str]:
    """What the bank sends back (browser return and notification alike), signed."""
    paid = record.succeeded
    params = {
        "vnp_Amount": str(record.amount * 100),
        "vnp_BankCode": record.bank_code,
        "vnp_BankTranNo": f"VNP{record.transaction_no}" if paid else "",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": record.order_info,
        "vnp_PayDate": record.pay_date,
        "vnp_ResponseCode": record.response_code,
        "vnp_TmnCode": sandbox.TMN_CODE,
        "vnp_TransactionNo": record.transaction_no if paid else "0",
        "vnp_TransactionStatus": record.transaction_status,
        "vnp_TxnRef": record.txn_ref,
    }
    params["vnp_SecureHash"] = hmac_sha512(_secret(), hash_data(params))
    return params


def pay(params, choice: str, now=None) -> dict[str, str]:
    """The payer's choice on the bank page. The books get one row per vnp_TxnRef: a second submission (or a
    reload) gets the first result again, never a second charge."""
    fields = check_payment_request(params)
    if choice not in CHOICES:
        raise BadRequest("Lựa chọn không hợp lệ.")
    now = now or clock.now()
    existing = SandboxTransaction.objects.filter(txn_ref=fields["vnp_TxnRef"]).first()
    if existing is not None:
        return result_params(existing)
    response_code, status = EXPIRED if is_expired(fields, now) else CHOICES[choice]
    for _try in range(5):
        try:
            with transaction.atomic():
                record = SandboxTransaction.objects.create(
                    txn_ref=fields["vnp_TxnRef"],
                    transaction_no=str(10_000_000 + secrets.randbelow(90_000_000)),
                    amount=amount_in_dong(fields["vnp_Amount"]),
                    order_info=fields.get("vnp_OrderInfo", ""),
                    bank_code=BANK_CODE,
                    response_code=response_code,
                    transaction_status=status,
                    created_date=fields["vnp_CreateDate"],
                    pay_date=vnp_time(now),
                    at=now,
                )
            return result_params(record)
        except IntegrityError:
            existing = SandboxTransaction.objects.filter(txn_ref=fields["vnp_TxnRef"]).first()
            if existing is not None:  # the same request submitted twice at once
                return result_params(existing)
    raise BadRequest("Không tạo được giao dịch, thử lại.")


# --- the merchant API ------------------------------------------------------------------------------------
def _signed(answer: dict, fields) -> dict:
    answer["vnp_SecureHash"] = hmac_sha512(_secret(), pipe_data(answer, fields))
    return answer


def _error(command: str, code: str, message: str) -> dict:
    return {"vnp_ResponseId": secrets.token_hex(8), "vnp_Command": command, "vnp_ResponseCode": code,
            "vnp_Message": message}  # fmt: skip


def api(payload: dict) -> dict:
    """POST /sandbox-bank/api/transaction: querydr and refund, signed as the protocol says."""
    command = str(payload.get("vnp_Command", ""))
    fields = {"querydr": QUERYDR_REQUEST, "refund": REFUND_REQUEST}.get(command)
    if fields is None:
        return _error(command, "03", "Invalid command")
    given = str(payload.get("vnp_SecureHash", ""))
    if not given or not same_signature(hmac_sha512(_secret(), pipe_data(payload, fields)), given):
        return _error(command, "97", "Invalid Checksum")
    if payload.get("vnp_TmnCode") != sandbox.TMN_CODE:
        return _error(command, "02", "Merchant is not valid")
    return _querydr(payload) if command == "querydr" else _refund(payload)


def _about(record: SandboxTransaction, command: str, message: str) -> dict:
    return {
        "vnp_ResponseId": secrets.token_hex(8),
        "vnp_Command": command,
        "vnp_ResponseCode": "00",
        "vnp_Message": message,
        "vnp_TmnCode": sandbox.TMN_CODE,
        "vnp_TxnRef": record.txn_ref,
        "vnp_Amount": str(record.amount * 100),
        "vnp_BankCode": record.bank_code,
        "vnp_PayDate": record.pay_date,
        "vnp_TransactionNo": record.transaction_no,
        "vnp_TransactionType": "02" if record.refunded_at else "01",
        "vnp_TransactionStatus": record.transaction_status,
        "vnp_OrderInfo": record.order_info,
    }


def _querydr(payload: dict) -> dict:
    record = SandboxTransaction.objects.filter(txn_ref=payload.get("vnp_TxnRef")).first()
    if record is None:
        return _error("querydr", "91", "Transaction not found")
    answer = _about(record, "querydr", "QueryDR Success")
    answer.update(vnp_PromotionCode="", vnp_PromotionAmount="")
    return _signed(answer, QUERYDR_RESPONSE)


def _refund(payload: dict) -> dict:
    with transaction.atomic():
        record = (
            SandboxTransaction.objects.select_for_update().filter(txn_ref=payload.get("vnp_TxnRef")).first()
        )
        if record is None:
            return _error("refund", "91", "Transaction not found")
        if not record.succeeded:
            return _error("refund", "95", "Transaction failed at the bank: nothing to refund")
        amount = amount_in_dong(payload.get("vnp_Amount"))
        if amount is None or amount <= 0 or amount > record.amount:
            return _error("refund", "03", "Invalid amount")
        if record.refunded_at is not None:
            return _error("refund", "94", "A refund of this transaction was already requested")
        record.refunded_at = clock.now()
        record.refund_transaction_no = str(10_000_000 + secrets.randbelow(90_000_000))
        record.save(update_fields=["refunded_at", "refund_transaction_no"])
    answer = _about(record, "refund", "Refund success")
    answer["vnp_TransactionNo"] = record.refund_transaction_no
    return _signed(answer, REFUND_RESPONSE)


# --- the daily settlement file ----------------------------------------------------------------------------
def settlement_lines(day: datetime.date) -> list[settlement.Line]:
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=VN_TIME)
    end = start + datetime.timedelta(days=1)
    lines = [
        settlement.Line(
            kind="payment",
            txn_ref=record.txn_ref,
            transaction_no=record.transaction_no,
            amount=record.amount,
            bank_code=record.bank_code,
            at=record.at,
            succeeded=True,
        )
        for record in SandboxTransaction.objects.filter(at__gte=start, at__lt=end).order_by("at", "pk")
        if record.succeeded
    ]
    lines += [
        settlement.Line(
            kind="refund",
            txn_ref=record.txn_ref,
            transaction_no=record.refund_transaction_no,
            amount=record.amount,
            bank_code=record.bank_code,
            at=record.refunded_at,
            succeeded=True,
        )
        for record in SandboxTransaction.objects.filter(refunded_at__gte=start, refunded_at__lt=end).order_by(
            "refunded_at", "pk"
        )
    ]
    return lines


def settlement_csv(day: datetime.date) -> str:
    return settlement.write(settlement_lines(day))
