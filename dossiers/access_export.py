"""Who opened which file, for the auditors: the `DocumentAccess` rows of a period (at most a year), of one
agency or all, as CSV streamed row by row (a year of a province is millions of rows: never held in memory).
Text cells go through `common.exports.safe_cell` (no formula runs when a spreadsheet opens the file)."""

import csv
import datetime
from collections.abc import Iterator

from django.utils import timezone, translation

from common import clock
from common.exports import safe_cell

from .models import DocumentAccess

MAX_DAYS = 366
CHUNK = 2000
COLUMNS = [
    "Thời điểm",
    "Mã hồ sơ",
    "Loại giấy tờ",
    "Tên tệp",
    "Người mở",
    "Vai trò",
    "Mã cơ quan",
    "Cơ quan",
    "Kênh",
    "Đường dẫn",
    "Chủ thể dữ liệu (mã tài khoản)",
    "Tệp trong kho (mã)",
    "Địa chỉ IP (băm)",
]
FIELDS = [
    "at",
    "dossier__code",
    "what",
    "file_name",
    "actor_name",
    "actor_role",
    "agency__code",
    "agency__name",
    "via",
    "route_name",
    "subject_id",
    "stored_file_id",
    "client_ip_hash",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(first: datetime.date, last: datetime.date, agency=None) -> Iterator[str]:
    """The header, then one line per access in time order; a BOM first so that Excel reads UTF-8."""
    start, end = clock.day_bounds(first, last)
    rows = (
        DocumentAccess.objects.in_period(start, end, agency)
        .order_by("at", "pk")
        .values_list(*FIELDS)
        .iterator(chunk_size=CHUNK)
    )
    with translation.override("vi"):  # the columns are Vietnamese: so are the values, whoever downloads
        what = {key: str(label) for key, label in DocumentAccess.What.choices}
        via = {key: str(label) for key, label in DocumentAccess.Via.choices}
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(COLUMNS)
    for row in rows:
        values = dict(zip(FIELDS, row, strict=True))
        values["at"] = timezone.localtime(values["at"]).strftime("%Y-%m-%d %H:%M:%S")
        values["what"] = what.get(values["what"], values["what"])
        values["via"] = via.get(values["via"], values["via"])
        yield writer.writerow([safe_cell("" if values[name] is None else values[name]) for name in FIELDS])
