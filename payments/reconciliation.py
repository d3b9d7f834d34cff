"""Daily reconciliation (Decision 31/2021/QĐ-TTg art. 36: payments are reconciled daily between agencies,
banks and intermediaries): one day (GMT+7) and one gateway, the portal's payments and refunds against the
gateway's settlement file, every mismatch listed; an XLSX export for the accounts.

A payment counts on the day the bank dated it (vnp_PayDate), as the bank's file does; a refund on the day the
gateway confirmed it."""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from common import clock, exports

from . import sandbox_bank, settlement
from .gateways.vnpay import VN_TIME
from .models import (
    MONEY_RECEIVED,
    Gateway,
    PaymentAttempt,
    ReconciliationRun,
    Refund,
    RefundStatus,
    SettlementFile,
    SettlementKind,
    SettlementLine,
)

PROBLEMS = {
    "missing_at_gateway": gettext_lazy("In the portal, not in the gateway's file"),
    "missing_in_portal": gettext_lazy("In the gateway's file, not in the portal"),
    "amount_differs": gettext_lazy("The amounts differ"),
    "failed_at_gateway": gettext_lazy("The gateway's file says it failed"),
}


def can_reconcile(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.FINANCE)


def _require_finance(user) -> None:
    if not can_reconcile(user):
        raise PermissionDenied(_("Only finance staff reconcile payments."))


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=VN_TIME)
    return start, start + datetime.timedelta(days=1)


@dataclass(frozen=True)
class Row:
    kind: str
    txn_ref: str
    amount: int
    at: datetime.datetime | None
    transaction_no: str = ""
    dossier_id: int | None = None
    dossier_code: str = ""


@dataclass(frozen=True)
class Mismatch:
    problem: str
    kind: str
    txn_ref: str
    portal_amount: int | None
    gateway_amount: int | None
    dossier_id: int | None = None
    dossier_code: str = ""

    @property
    def label(self) -> str:
        return str(PROBLEMS[self.problem])

    def as_dict(self) -> dict:
        return {
            "problem": self.problem,
            "kind": self.kind,
            "txn_ref": self.txn_ref,
            "portal_amount": self.portal_amount,
            "gateway_amount": self.gateway_amount,
            "dossier_id": self.dossier_id,
            "dossier_code": self.dossier_code,
        }


@dataclass
class Report:
    gateway: str
    day: datetime.date
    settlement_file: SettlementFile | None
    portal: list[Row] = field(default_factory=list)
    bank: list[Row] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)

    def _sum(self, rows, kind) -> tuple[int, int]:
        chosen = [row.amount for row in rows if row.kind == kind]
        return len(chosen), sum(chosen)

    @property
    def portal_payments(self):
        return self._sum(self.portal, SettlementKind.PAYMENT)

    @property
    def portal_refunds(self):
        return self._sum(self.portal, SettlementKind.REFUND)

    @property
    def gateway_payments(self):
        return self._sum(self.bank, SettlementKind.PAYMENT)

    @property
    def gateway_refunds(self):
        return self._sum(self.bank, SettlementKind.REFUND)


def portal_rows(gateway: str, day: datetime.date) -> list[Row]:
    start, end = day_bounds(day)
    payments = (
        PaymentAttempt.objects.filter(gateway=gateway, state__in=MONEY_RECEIVED)
        .filter(
            Q(gateway_pay_date__startswith=f"{day:%Y%m%d}")
            | Q(gateway_pay_date="", paid_at__gte=start, paid_at__lt=end)
        )
        .select_related("dossier")
        .order_by("paid_at", "pk")
    )
    refunds = (
        Refund.objects.filter(
            attempt__gateway=gateway,
            status=RefundStatus.SUCCEEDED,
            completed_at__gte=start,
            completed_at__lt=end,
        )
        .select_related("dossier")
        .order_by("completed_at", "pk")
    )
    rows = [
        Row(
            kind=SettlementKind.PAYMENT,
            txn_ref=attempt.txn_ref,
            amount=attempt.amount,
            at=attempt.paid_at,
            transaction_no=attempt.gateway_transaction_no,
            dossier_id=attempt.dossier_id,
            dossier_code=attempt.dossier.code or "",
        )
        for attempt in payments
    ]
    rows += [
        Row(
            kind=SettlementKind.REFUND,
            txn_ref=refund.payment_reference,
            amount=refund.amount,
            at=refund.completed_at,
            transaction_no=refund.gateway_refund_no,
            dossier_id=refund.dossier_id,
            dossier_code=refund.dossier_code,
        )
        for refund in refunds
    ]
    return rows


def latest_file(gateway: str, day: datetime.date) -> SettlementFile | None:
    return SettlementFile.objects.filter(gateway=gateway, day=day).order_by("-imported_at", "-pk").first()


def build_report(gateway: str, day: datetime.date) -> Report:
    """The two sides and what does not match, matched by (payment or refund, transaction reference)."""
    file = latest_file(gateway, day)
    report = Report(gateway=gateway, day=day, settlement_file=file, portal=portal_rows(gateway, day))
    if file is None:
        return report
    lines = list(file.lines.all())
    report.bank = [
        Row(
            kind=line.kind,
            txn_ref=line.txn_ref,
            amount=line.amount,
            at=line.at,
            transaction_no=line.transaction_no,
        )
        for line in lines
        if line.succeeded
    ]
    failed = {(line.kind, line.txn_ref) for line in lines if not line.succeeded}
    ours = {(row.kind, row.txn_ref): row for row in report.portal}
    theirs = {(row.kind, row.txn_ref): row for row in report.bank}
    for key, row in ours.items():
        bank_row = theirs.get(key)
        if bank_row is None:
            problem = "failed_at_gateway" if key in failed else "missing_at_gateway"
            report.mismatches.append(
                Mismatch(problem, row.kind, row.txn_ref, row.amount, None, row.dossier_id, row.dossier_code)
            )
        elif bank_row.amount != row.amount:
            report.mismatches.append(
                Mismatch(
                    "amount_differs",
                    row.kind,
                    row.txn_ref,
                    row.amount,
                    bank_row.amount,
                    row.dossier_id,
                    row.dossier_code,
                )
            )
    for key, row in theirs.items():
        if key not in ours:
            report.mismatches.append(Mismatch("missing_in_portal", row.kind, row.txn_ref, None, row.amount))
    return report


def _save_run(report: Report) -> ReconciliationRun:
    payments, refunds = report.portal_payments, report.portal_refunds
    bank_payments, bank_refunds = report.gateway_payments, report.gateway_refunds
    run, _created = ReconciliationRun.objects.update_or_create(
        gateway=report.gateway,
        day=report.day,
        defaults={
            "ran_at": clock.now(),
            "settlement_file": report.settlement_file,
            "portal_count": payments[0],
            "portal_total": payments[1],
            "gateway_count": bank_payments[0],
            "gateway_total": bank_payments[1],
            "portal_refund_count": refunds[0],
            "portal_refund_total": refunds[1],
            "gateway_refund_count": bank_refunds[0],
            "gateway_refund_total": bank_refunds[1],
            "mismatch_count": len(report.mismatches),
            "mismatches": [mismatch.as_dict() for mismatch in report.mismatches],
        },
    )
    return run


def _store_file(gateway: str, day: datetime.date, name: str, content: bytes, lines, by) -> SettlementFile:
    file = SettlementFile.objects.create(
        gateway=gateway,
        day=day,
        file_name=name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        imported_at=clock.now(),
        imported_by=by,
    )
    SettlementLine.objects.bulk_create(
        SettlementLine(
            file=file,
            kind=line.kind,
            txn_ref=line.txn_ref,
            transaction_no=line.transaction_no,
            amount=line.amount,
            bank_code=line.bank_code,
            at=line.at,
            succeeded=line.succeeded,
        )
        for line in lines
    )
    return file


def import_settlement_file(*, gateway: str, day: datetime.date, uploaded, by) -> ReconciliationRun:
    """Finance staff import the gateway's file for a day; the day is reconciled again at once. A file that
    cannot be read, or lists another day's transactions, is refused whole with the reasons."""
    _require_finance(by)
    if gateway not in Gateway.values:
        raise ValidationError(_("Choose a gateway."))
    content = uploaded.read()
    try:
        lines = settlement.parse(content)
    except settlement.SettlementFileError as error:
        raise ValidationError(error.messages) from error
    other_days = [
        _("%(ref)s is dated %(date)s, not the day chosen.")
        % {"ref": line.txn_ref, "date": line.at.astimezone(VN_TIME).strftime("%d/%m/%Y")}
        for line in lines
        if line.at.astimezone(VN_TIME).date() != day
    ]
    if other_days:
        raise ValidationError(other_days[:20])
    with transaction.atomic():
        _store_file(gateway, day, getattr(uploaded, "name", "settlement.csv"), content, lines, by)
        return _save_run(build_report(gateway, day))


def reconcile_day(*, gateway: str, day: datetime.date, fetch: bool = False) -> ReconciliationRun:
    """Reconcile one day; `fetch`: first take the sandbox bank's file for the day (a real gateway's file
    arrives by email or SFTP and is imported by finance staff)."""
    with transaction.atomic():
        if fetch and gateway == Gateway.SANDBOX:
            lines = sandbox_bank.settlement_lines(day)
            content = settlement.write(lines).encode("utf-8")
            _store_file(gateway, day, f"sandbox-{day:%Y%m%d}.csv", content, lines, None)
        return _save_run(build_report(gateway, day))


def workbook(report: Report) -> bytes:
    """The reconciliation of one day as XLSX: the totals, every mismatch, then both sides line by line."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Doi soat"
    bold = Font(bold=True)
    sheet.append([f"ĐỐI SOÁT THANH TOÁN NGÀY {report.day:%d/%m/%Y}"])
    sheet.append([f"Cổng thanh toán: {Gateway(report.gateway).label}"])
    file = report.settlement_file
    if file is None:
        sheet.append(["Chưa có tệp đối soát của cổng thanh toán"])
    else:
        sheet.append(
            [f"Tệp đối soát: {file.file_name} ({timezone.localtime(file.imported_at):%H:%M %d/%m/%Y})"]
        )
    sheet.append([])
    sheet.append(
        ["", "Số GD cổng DVC", "Số tiền cổng DVC", "Số GD cổng thanh toán", "Số tiền cổng thanh toán"]
    )
    sheet.append(["Thanh toán", *report.portal_payments, *report.gateway_payments])
    sheet.append(["Hoàn trả", *report.portal_refunds, *report.gateway_refunds])
    sheet.append([])
    sheet.append(["SAI LỆCH", f"{len(report.mismatches)}"])
    sheet.append(
        ["Loại", "Mã GD merchant", "Mã hồ sơ", "Số tiền cổng DVC", "Số tiền cổng thanh toán", "Sai lệch"]
    )
    vi = {
        "missing_at_gateway": "Có trên cổng DVC, không có trong tệp",
        "missing_in_portal": "Có trong tệp, không có trên cổng DVC",
        "amount_differs": "Số tiền khác nhau",
        "failed_at_gateway": "Tệp ghi giao dịch không thành công",
    }
    kinds = {"payment": "Thanh toán", "refund": "Hoàn trả"}
    for mismatch in report.mismatches:
        sheet.append(
            [
                kinds[mismatch.kind],
                mismatch.txn_ref,
                mismatch.dossier_code,
                mismatch.portal_amount,
                mismatch.gateway_amount,
                vi[mismatch.problem],
            ]
        )
    for title, rows in (("CỔNG DỊCH VỤ CÔNG", report.portal), ("CỔNG THANH TOÁN", report.bank)):
        sheet.append([])
        sheet.append([title])
        sheet.append(["Loại", "Mã GD merchant", "Mã GD cổng thanh toán", "Mã hồ sơ", "Số tiền", "Thời gian"])
        for row in rows:
            at = timezone.localtime(row.at).replace(tzinfo=None) if row.at else None
            sheet.append([kinds[row.kind], row.txn_ref, row.transaction_no, row.dossier_code, row.amount, at])
            sheet.cell(row=sheet.max_row, column=6).number_format = "dd/mm/yyyy hh:mm:ss"
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.isupper() and len(cell.value) > 3:
                cell.font = bold
    for column, width in zip("ABCDEF", (14, 22, 22, 28, 18, 36), strict=True):
        sheet.column_dimensions[column].width = width
    return exports.workbook_bytes(book)
