"""The processing register as an XLSX workbook (openpyxl, saved through common.exports.workbook_bytes)."""

from django.utils import timezone

from common.exports import workbook_bytes

from .selectors import RegisterRow

HEADERS = [
    "Bảng dữ liệu",
    "Mô hình",
    "Dữ liệu gì",
    "Vì sao (căn cứ)",
    "Lưu bao lâu",
    "Ai được xem",
    "Khi xóa tài khoản",
    "Trường dữ liệu cá nhân",
    "Số dòng hiện có",
]
ON_DELETION = {"keep": "Giữ lại", "pseudonymise": "Ẩn danh hóa", "delete": "Xóa"}


def workbook(rows: list[RegisterRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "So dang ky xu ly"
    sheet.append(["SỔ ĐĂNG KÝ HOẠT ĐỘNG XỬ LÝ DỮ LIỆU CÁ NHÂN (Luật 91/2025/QH15)"])
    sheet.append([f"Xuất lúc {timezone.localtime():%H:%M %d/%m/%Y}"])
    sheet.append([])
    sheet.append(HEADERS)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    sheet["A1"].font = Font(bold=True)
    for each in rows:
        kind = each.kind
        sheet.append(
            [
                each.name,
                kind.model,
                kind.what,
                kind.why,
                kind.retention,
                kind.who_sees,
                ON_DELETION[kind.on_deletion.value],
                ", ".join(kind.personal_fields),
                each.rows,
            ]
        )
    return workbook_bytes(book)
