"""Spreadsheet exports that cannot run what someone typed (OWASP "CSV injection").

A citizen's name, an address or a file reference may start with "=", "+", "-", "@", a tab or a carriage
return; a spreadsheet opening the export would read it as a formula (=HYPERLINK(...) sends the row to
another site). Every export of the portal writes such values as text:

- CSV has no types, so the value gets a leading apostrophe (`safe_cell`); an import of the portal's own
  files takes it off again (`unescape_cell`).
- XLSX (openpyxl) keeps the value as it is, typed as a string with Excel's quote prefix, so it stays text
  even when someone edits the cell (`workbook_bytes`, the one way the portal saves a workbook).

The catalogue's admin export goes through `TextCSV` and `TextXLSX`, django-import-export formats that do
the same.
"""

import io

from import_export.formats.base_formats import CSV, XLSX

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def is_formula_like(value) -> bool:
    """Text a spreadsheet would evaluate (or, for + - @, turn into a formula) when it opens the file."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(value):
    """A value for a CSV cell: formula-like text gets a leading apostrophe; anything else is unchanged."""
    return QUOTE + value if is_formula_like(value) else value


def unescape_cell(value):
    """The reverse of `safe_cell` when the portal reads back a file it wrote."""
    if isinstance(value, str) and value.startswith(QUOTE) and is_formula_like(value[1:]):
        return value[1:]
    return value


def keep_as_text(sheet) -> None:
    """Every text cell of the sheet stays a string (openpyxl makes text starting with "=" a formula)."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and (cell.data_type == "f" or is_formula_like(cell.value)):
                cell.data_type = "s"
                cell.quotePrefix = True


def workbook_bytes(book) -> bytes:
    """The workbook as an .xlsx file, every formula-like text written as text."""
    for sheet in book.worksheets:
        keep_as_text(sheet)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


class TextCSV(CSV):
    """django-import-export's CSV, with every cell passed through `safe_cell`."""

    def export_data(self, dataset, **kwargs):
        import tablib

        headers = [safe_cell(header) for header in dataset.headers] if dataset.headers else None
        rows = [tuple(safe_cell(value) for value in row) for row in dataset]
        return super().export_data(tablib.Dataset(*rows, headers=headers), **kwargs)


class TextXLSX(XLSX):
    """django-import-export's XLSX, laid out by tablib, saved through `workbook_bytes`."""

    def export_data(self, dataset, **kwargs):
        from openpyxl import Workbook
        from tablib.formats._xlsx import XLSXFormat, safe_xlsx_sheet_title

        book = Workbook()
        sheet = book.active
        sheet.title = safe_xlsx_sheet_title(dataset.title or "Tablib Dataset")
        XLSXFormat.dset_sheet(dataset, sheet)
        return workbook_bytes(book)
