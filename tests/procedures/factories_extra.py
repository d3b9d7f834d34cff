"""Helpers for the catalogue's admin and import/export tests."""

import csv
import io

import openpyxl

from accounts.middleware import SESSION_MFA_OK
from tests.factories import AgencyFactory, FieldFactory, UserFactory

COLUMNS = [
    "national_code",
    "name",
    "field",
    "agencies",
    "levels",
    "service_level",
    "partial_reason",
    "partial_reason_note",
    "processing_days",
    "processing_time_note",
    "fee_payment_stage",
    "legal_basis",
    "result_name",
    "result_type",
    "return_at_desk",
    "return_by_post",
    "return_electronic",
    "fees",
    "documents",
]


def catalogue_admin(*, publish=True):
    """A catalogue editor; with publish=True also a reviewer who may publish."""
    return UserFactory(catalogue_admin=True, catalogue_permissions=publish)


def sign_in_to_admin(client, user):
    """Staff must pass two-factor sign-in; tests mark the session as having done so."""
    client.force_login(user)
    session = client.session
    session[SESSION_MFA_OK] = True
    session.save()
    return client


def reference_data():
    """The field and agencies that good rows name."""
    return {
        "field": FieldFactory(code="ho-tich", name="Hộ tịch"),
        "province_dept": AgencyFactory(code="000.00.15.H29", name="Sở Tư pháp"),
        "commune": AgencyFactory(code="000.01.20.H29", name="UBND xã An Bình", kind="commune"),
    }


def good_row(**overrides):
    row = {
        "national_code": "1.001234",
        "name": "Đăng ký khai sinh",
        "field": "ho-tich",
        "agencies": "000.00.15.H29;000.01.20.H29",
        "levels": "province,commune",
        "service_level": "full",
        "partial_reason": "",
        "partial_reason_note": "",
        "processing_days": "3",
        "processing_time_note": "Trong ngày nếu nộp trước 15 giờ",
        "fee_payment_stage": "at_filing",
        "legal_basis": "Luật Hộ tịch 2014",
        "result_name": "Giấy khai sinh",
        "result_type": "certificate",
        "return_at_desk": "1",
        "return_by_post": "1",
        "return_electronic": "1",
        "fees": "charge|Lệ phí cấp|50000|50; fee|Phí sao y|8000",
        "documents": "Tờ khai|original|1|required|reusable; Giấy chứng sinh|copy|2|optional|not_reusable",
    }
    row.update(overrides)
    return row


def as_csv(rows, columns=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows, columns=COLUMNS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column, "") for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def close_file(response) -> None:
    """Close the file a FileResponse streams, as the test client does for a response it reads to the end:
    with the request's end no longer closing the database connection the test runs in (PostgreSQL's
    pool would take it back)."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
