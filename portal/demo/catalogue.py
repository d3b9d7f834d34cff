"""A demo province after the 1 July 2025 reform: Tỉnh Ninh Bình (which absorbed Hà Nam and Nam Định), its
communes, agencies, catalogue fields and 57 procedures written by hand. The data lives in `data/`:

    province.json    administrative units (old ones point at their successor), agencies, fields;
                     parents are listed before their children
    procedures.csv   the catalogue, one row per procedure, in the admin's import format
                     (procedures/resources.py); `load_demo` imports it through that same import
    revisions.csv    a second version of three procedures, imported once the first is published,
                     so the archived first version can be seen

Names, legal bases and fees follow the national catalogue as published by provinces; national codes, unit
codes, agency codes (QCVN 102:2016 shape) and contact details are illustrative demo values — check them
against the National Database on Administrative Procedures before using any of this for real.
"""

import csv
import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
PROCEDURES_FILE = DATA_DIR / "procedures.csv"
REVISIONS_FILE = DATA_DIR / "revisions.csv"

_province = json.loads((DATA_DIR / "province.json").read_text(encoding="utf-8"))
UNITS: list[dict] = _province["units"]
AGENCIES: list[dict] = _province["agencies"]
FIELDS: list[dict] = _province["fields"]

PROVINCE_CODE = next(row["code"] for row in UNITS if row["level"] == "province" and not row.get("is_legacy"))

# Agencies the demo accounts, dossiers and synthetic entries name (codes of province.json).
TRUNG_TAM_PVHCC = "000.00.01.H43"
SO_NOI_VU = "000.00.03.H43"
SO_TU_PHAP = "000.00.05.H43"
SO_TAI_CHINH = "000.00.06.H43"
SO_CONG_THUONG = "000.00.07.H43"
SO_NONG_NGHIEP_MOI_TRUONG = "000.00.08.H43"
SO_XAY_DUNG = "000.00.09.H43"
SO_GIAO_DUC = "000.00.12.H43"
SO_Y_TE = "000.00.13.H43"
UBND_PHUONG_HOA_LU = "000.01.30.H43"
COMMUNE_AGENCIES = [row["code"] for row in AGENCIES if row["kind"] == "commune" and not row.get("is_legacy")]


def procedure_rows(path: Path = PROCEDURES_FILE) -> list[dict[str, str]]:
    """The rows of a catalogue file as the import reads them (column name → cell text)."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))
