"""Sổ theo dõi hồ sơ as an XLSX workbook (openpyxl): the same rows as the register page, with the form's
columns (Circular 01/2018 form 06; Circular 03/2025 form 07), for printing on A4 landscape or filing."""

from django.utils import timezone

from common import clock, exports

from .models import OFFICIAL_STATE_NAMES, Dossier, RuleSet, State

COLUMNS = [
    ("STT", 6),
    ("Mã hồ sơ", 26),
    ("Người nộp hồ sơ", 24),
    ("Địa chỉ", 30),
    ("Thủ tục hành chính", 40),
    ("Ngày, giờ nhận hồ sơ", 17),
    ("Ngày hẹn trả kết quả", 14),
    ("Chuyển cơ quan giải quyết", 28),
    ("Ngày có kết quả", 17),
    ("Ngày trả kết quả", 17),
    ("Trạng thái", 22),
    ("Ghi chú", 40),
]


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def row(number: int, dossier: Dossier) -> list:
    handler = dossier.handling_agency
    transferred = handler.name if handler and handler.pk != dossier.receiving_agency_id else ""
    note = dossier.closed_reason
    if not note and dossier.is_overdue():
        note = "Quá hạn"
    return [
        number,
        dossier.code,
        dossier.applicant_name,
        dossier.applicant_address,
        dossier.procedure_version.name,
        _local(dossier.received_at),
        dossier.due_date,
        transferred,
        _local(dossier.agency_decided_at),
        _local(dossier.returned_at),
        OFFICIAL_STATE_NAMES[State(dossier.state)],
        note,
    ]


def workbook(agency, dossiers) -> bytes:
    """Title lines, then one header row and one row per dossier (in the register's order)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    form = RuleSet.in_force_on(clock.localdate()).form("register")
    book = Workbook()
    sheet = book.active
    sheet.title = "So theo doi ho so"
    sheet.append([agency.name.upper()])
    sheet.append([f"{form.get('title', 'SỔ THEO DÕI HỒ SƠ')} ({form.get('number', '')})".strip()])
    sheet.append([f"Xuất lúc {timezone.localtime():%H:%M %d/%m/%Y}"])
    sheet.append([name for name, _width in COLUMNS])
    header_row = sheet.max_row
    for cell in sheet[1] + sheet[2]:
        cell.font = Font(bold=True)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for index, (_name, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=header_row, column=index).column_letter].width = width
    for number, dossier in enumerate(dossiers.iterator(chunk_size=500), start=1):
        sheet.append(row(number, dossier))
    for column, style in (
        (6, "hh:mm dd/mm/yyyy"),
        (7, "dd/mm/yyyy"),
        (9, "hh:mm dd/mm/yyyy"),
        (10, "hh:mm dd/mm/yyyy"),
    ):
        for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=column, max_col=column):
            cell.number_format = style
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = f"{header_row}:{header_row}"
    return exports.workbook_bytes(book)
