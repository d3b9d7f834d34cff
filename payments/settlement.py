"""The gateway's settlement file: the CSV of one day's transactions that the gateway sends the merchant (by
email or SFTP, or as an export of its merchant portal) for the daily reconciliation.

VNPay does not publish the column layout of its file; this is the layout of its merchant-portal transaction
export as the portal expects it (one header row, Vietnamese column names, UTF-8 with or without BOM, comma
or semicolon separated). If a bank's file differs, only COLUMNS and `_line` below change.

    STT,Mã GD VNPAY,Mã GD merchant,Loại GD,Số tiền,Ngân hàng,Thời gian GD,Trạng thái
    1,14226112,260316A1B2C3D4E5,Thanh toán,50.000,NCB,16/03/2026 09:15:02,Thành công
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from common.exports import safe_cell, unescape_cell

from .gateways.vnpay import VN_TIME

COLUMNS = [
    "STT",
    "Mã GD VNPAY",
    "Mã GD merchant",
    "Loại GD",
    "Số tiền",
    "Ngân hàng",
    "Thời gian GD",
    "Trạng thái",
]
KINDS = {"thanh toán": "payment", "hoàn trả": "refund", "hoàn tiền": "refund"}
KIND_LABELS = {"payment": "Thanh toán", "refund": "Hoàn trả"}
SUCCEEDED = {"thành công": True, "không thành công": False, "thất bại": False}
TIME_FORMAT = "%d/%m/%Y %H:%M:%S"
MAX_BYTES = 5 * 1024 * 1024


class SettlementFileError(ValueError):
    """The file cannot be read; `messages` says where and why (nothing is imported)."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Line:
    kind: str
    txn_ref: str
    transaction_no: str
    amount: int
    bank_code: str
    at: datetime.datetime
    succeeded: bool


WHOLE_DONG = re.compile(r"^(\d+|\d{1,3}([.,]\d{3})+)$")


def _amount(text: str) -> int:
    """Whole đồng as the file writes them: "50000", "50.000" or "50,000" ("12,5" is a decimal: refused)."""
    text = text.strip().replace(" ", "")
    if not WHOLE_DONG.match(text):
        raise ValueError(text)
    return int(text.replace(".", "").replace(",", ""))


def _line(row: dict) -> Line:
    kind = KINDS.get(row["Loại GD"].strip().lower())
    succeeded = SUCCEEDED.get(row["Trạng thái"].strip().lower())
    if kind is None:
        raise ValueError(_("unknown transaction type “%(value)s”") % {"value": row["Loại GD"]})
    if succeeded is None:
        raise ValueError(_("unknown status “%(value)s”") % {"value": row["Trạng thái"]})
    try:
        amount = _amount(row["Số tiền"])
    except ValueError:
        raise ValueError(
            _("the amount “%(value)s” is not a whole number of đồng") % {"value": row["Số tiền"]}
        ) from None
    try:
        at = datetime.datetime.strptime(row["Thời gian GD"].strip(), TIME_FORMAT).replace(tzinfo=VN_TIME)
    except ValueError:
        raise ValueError(
            _("the time “%(value)s” is not dd/mm/yyyy hh:mm:ss") % {"value": row["Thời gian GD"]}
        ) from None
    txn_ref = row["Mã GD merchant"].strip()
    if not txn_ref:
        raise ValueError(_("the merchant transaction reference is empty"))
    return Line(
        kind=kind,
        txn_ref=txn_ref[:40],
        transaction_no=row["Mã GD VNPAY"].strip()[:40],
        amount=amount,
        bank_code=row["Ngân hàng"].strip()[:20],
        at=at,
        succeeded=succeeded,
    )


def parse(content: bytes) -> list[Line]:
    """Every line of the file, or SettlementFileError listing each problem with its line number."""
    if len(content) > MAX_BYTES:
        raise SettlementFileError([_("The file is larger than 5 MB.")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SettlementFileError([_("The file is not UTF-8 text: export it again as CSV UTF-8.")]) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise SettlementFileError(
            [_("Columns missing from the file: %(names)s.") % {"names": ", ".join(missing)}]
        )
    reader.fieldnames = header
    lines, problems = [], []
    for number, row in enumerate(reader, start=2):
        if not any((value or "").strip() for value in row.values()):
            continue
        try:
            lines.append(_line({key: unescape_cell(value or "") for key, value in row.items() if key}))
        except ValueError as error:
            problems.append(_("Line %(number)s: %(problem)s.") % {"number": number, "problem": error})
    if problems:
        raise SettlementFileError(problems[:20])
    return lines  # a day without transactions is a header alone


def write(lines: list[Line]) -> str:
    """The same layout back (what the sandbox bank publishes)."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for number, line in enumerate(lines, start=1):
        row = [
            number,
            line.transaction_no,
            line.txn_ref,
            KIND_LABELS[line.kind],
            f"{line.amount:,}".replace(",", "."),
            line.bank_code,
            line.at.astimezone(VN_TIME).strftime(TIME_FORMAT),
            "Thành công" if line.succeeded else "Không thành công",
        ]
        writer.writerow([safe_cell(value) for value in row])
    return output.getvalue()
