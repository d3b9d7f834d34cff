"""The scorecard as an XLSX workbook: the indicators of the chosen scope and period, then the agencies ranked.
Official figures: Vietnamese headings whatever the UI language, like the register."""

from django.utils import timezone

from common import exports

from .selectors import Report, Scorecard


def _value(row) -> float | None:
    if row.measure.value is None:
        return None
    return round(row.measure.value, 2) if row.indicator.lower_is_better else round(100 * row.measure.value, 2)


def _round(value):
    return None if value is None else round(value, 2)


def indicator_rows(card: Scorecard):
    for group in card.groups:
        for row in group.indicators:
            indicator = row.indicator
            yield [
                f"{group.group.number}. {group.group.name}",
                indicator.code,
                str(indicator.name),
                _value(row),
                "≤ quy định" if indicator.lower_is_better else round(100 * indicator.target, 1),
                _round(row.points) if row.has_data else "Chưa có dữ liệu",
                indicator.max_points,
                row.measure.numerator,
                row.measure.denominator,
                str(indicator.formula),
                str(indicator.source),
            ]


def workbook(report: Report, scope_name: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Chi so 766"
    sheet.append(["CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (Quyết định 766/QĐ-TTg)"])
    sheet.append([f"{scope_name} — kỳ {report.period.label}"])
    sheet.append([f"Xuất lúc {timezone.localtime():%H:%M %d/%m/%Y}"])
    card = report.card
    sheet.append(
        ["Tổng điểm", _round(card.points), "trên", card.max_with_data, "điểm có dữ liệu (tối đa 100)"]
    )
    sheet.append([])
    sheet.append(
        [
            "Nhóm",
            "Mã",
            "Chỉ tiêu",
            "Giá trị (%; ngày với 2.2)",
            "Mục tiêu (%)",
            "Điểm",
            "Điểm tối đa",
            "Tử số",
            "Mẫu số",
            "Công thức",
            "Nguồn",
        ]
    )
    header = sheet.max_row
    for row in indicator_rows(card):
        sheet.append(row)
    for cell in sheet[1] + sheet[header]:
        cell.font = Font(bold=True)
    ranking = book.create_sheet("Xep hang")
    ranking.append(
        [
            "Hạng",
            "Cơ quan",
            "Mã cơ quan",
            "Điểm quy đổi 100",
            "Điểm",
            "Điểm có dữ liệu",
            *[f"Nhóm {group.group.number}" for group in card.groups],
        ]
    )
    for cell in ranking[1]:
        cell.font = Font(bold=True)
    for rank, row in enumerate(report.ranking, start=1):
        ranking.append(
            [
                rank,
                row.agency.name,
                row.agency.code,
                _round(row.card.percent),
                _round(row.card.points),
                row.card.max_with_data,
                *[_round(group.points) if group.max_with_data else None for group in row.card.groups],
            ]
        )
    for column, width in zip("ABCDEFGHIJK", (28, 6, 50, 14, 12, 14, 10, 10, 10, 60, 30), strict=True):
        sheet.column_dimensions[column].width = width
    ranking.column_dimensions["B"].width = 50
    return exports.workbook_bytes(book)
