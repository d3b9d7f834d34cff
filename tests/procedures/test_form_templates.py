"""The blank form of a required document ("Tờ khai … theo mẫu"): attached in the catalogue, offered on the
procedure page, the filing start page and the upload slot, downloaded safely, only for public entries."""

from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procedures import services
from procedures.models import RequiredDocument, VersionStatus
from procedures.resources import ProcedureVersionResource, row_error_lines
from tests.dossiers.factories_extra import citizen, draft, sign_in
from tests.factories import ProcedureVersionFactory, RequiredDocumentFactory, pdf_bytes
from tests.procedures.factories_extra import as_csv, catalogue_admin, close_file, good_row, reference_data

pytestmark = pytest.mark.django_db

FORM_NAME = "Tờ khai đăng ký khai sinh theo mẫu"
FORM = b"%PDF-1.4 blank form of the declaration"


def with_form(**version):
    """A version whose first required document, the declaration, has its blank form attached."""
    entry = ProcedureVersionFactory(documents=0, **version)
    document = RequiredDocumentFactory(
        version=entry, name=FORM_NAME, copy_kind="original", form_template=ContentFile(FORM, name="tk.pdf")
    )
    RequiredDocumentFactory(version=entry, name="Giấy chứng sinh")
    return entry, document


def download_url(document):
    return reverse("procedures:form_template", args=[document.pk])


def status_of(client, url) -> int:
    response = client.get(url)
    close_file(response)
    return response.status_code


# --- where it is offered ------------------------------------------------------------------------------------
def test_the_procedure_page_offers_the_form(client):
    version, document = with_form(published=True)
    page = client.get(reverse("procedures:detail", args=[version.procedure.national_code])).content.decode()
    assert f'href="{download_url(document)}"' in page
    assert page.count('class="form-template-link"') == 1  # the other document has no form


def test_the_filing_start_page_offers_the_form(client):
    version, document = with_form(published=True)
    sign_in(client, citizen())
    page = client.get(reverse("dossiers:start", args=[version.procedure.national_code])).content.decode()
    assert f'href="{download_url(document)}"' in page
    assert "Download the form" in page and "(PDF)" in page


def test_the_upload_slot_offers_the_form(client):
    version, document = with_form(published=True)
    person = citizen()
    dossier = draft(version=version, applicant=person)
    sign_in(client, person)
    page = client.get(reverse("dossiers:wizard", args=[dossier.pk, "documents"])).content.decode()
    slot = page[page.index(f'id="slot-{document.pk}"') :]
    slot = slot[: slot.index("</section>")]
    assert f'href="{download_url(document)}"' in slot
    assert "Download the form to fill in" in slot


def test_the_pages_are_in_vietnamese(client):
    version, _document = with_form(published=True)
    client.cookies["portal_language"] = "vi"
    page = client.get(reverse("procedures:detail", args=[version.procedure.national_code])).content.decode()
    assert "Tải mẫu đơn, tờ khai" in page


# --- the download -------------------------------------------------------------------------------------------
def test_the_form_downloads_as_a_named_pdf_attachment(client):
    _version, document = with_form(published=True)
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FORM
    close_file(response)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (f"attachment; filename*=utf-8''{quote(FORM_NAME + '.pdf')}")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_an_archived_version_keeps_its_form_for_the_dossiers_filed_under_it(client):
    _version, document = with_form(archived=True)
    assert status_of(client, download_url(document)) == 200


@pytest.mark.parametrize("status", [VersionStatus.DRAFT, VersionStatus.IN_REVIEW])
def test_the_form_of_an_unpublished_version_is_not_found(client, status):
    _version, document = with_form(status=status)
    assert status_of(client, download_url(document)) == 404


def test_a_document_without_a_form_or_with_a_lost_file_is_not_found(client):
    version, document = with_form(published=True)
    without = version.documents.get(name="Giấy chứng sinh")
    assert client.get(download_url(without)).status_code == 404
    document.form_template.storage.delete(document.form_template.name)
    assert status_of(client, download_url(document)) == 404
    assert client.get(reverse("procedures:form_template", args=[999999])).status_code == 404


def test_a_file_of_another_type_is_sent_as_opaque_bytes_not_a_page(client):
    _version, document = with_form(published=True)
    RequiredDocument.objects.filter(pk=document.pk).update(form_template="procedures/forms/x.html")
    document.form_template.storage.save("procedures/forms/x.html", ContentFile(b"<script>alert(1)</script>"))
    response = client.get(download_url(document))
    close_file(response)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_api_gives_the_form_address(client):
    version, document = with_form(published=True)
    body = client.get(f"/api/procedures/{version.procedure.national_code}/").json()
    urls = {item["name"]: item["form_template_url"] for item in body["documents"]}
    assert urls == {FORM_NAME: f"http://testserver{download_url(document)}", "Giấy chứng sinh": None}


# --- attaching it -------------------------------------------------------------------------------------------
def test_a_form_is_attached_to_a_draft_through_the_service():
    editor = catalogue_admin()
    document = RequiredDocumentFactory(version=ProcedureVersionFactory())
    document = services.attach_form_template(
        document=document, form=ContentFile(pdf_bytes(), name="to-khai.pdf"), by=editor
    )
    assert document.form_template.name.startswith("procedures/forms/to-khai")
    assert RequiredDocument.objects.get(pk=document.pk).form_template_extension == "pdf"


def test_a_published_version_s_form_is_frozen():
    document = RequiredDocumentFactory(version=ProcedureVersionFactory(published=True))
    with pytest.raises(ValidationError, match="Only a draft can be edited"):
        services.attach_form_template(
            document=document, form=ContentFile(pdf_bytes(), name="to-khai.pdf"), by=catalogue_admin()
        )
    with pytest.raises(PermissionDenied):
        services.attach_form_template(
            document=RequiredDocumentFactory(),
            form=ContentFile(pdf_bytes(), name="to-khai.pdf"),
            by=citizen(),
        )


@pytest.mark.parametrize("name", ["form.exe", "form.html", "form.svg"])
def test_only_document_types_are_accepted_as_forms(name):
    document = RequiredDocumentFactory.build(version=ProcedureVersionFactory())
    document.form_template = SimpleUploadedFile(name, b"x")
    with pytest.raises(ValidationError) as refused:
        document.full_clean()
    assert "form_template" in refused.value.message_dict


def test_a_form_over_5_mb_is_refused():
    document = RequiredDocumentFactory.build(version=ProcedureVersionFactory())
    document.form_template = SimpleUploadedFile("to-khai.pdf", b"x" * (5 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="at most 5 MB"):
        document.full_clean()


def test_the_admin_offers_a_form_upload_on_a_draft(client):
    from tests.procedures.factories_extra import sign_in_to_admin

    version = ProcedureVersionFactory()
    sign_in_to_admin(client, catalogue_admin())
    page = client.get(reverse("admin:procedures_procedureversion_change", args=[version.pk])).content.decode()
    assert 'name="documents-0-form_template"' in page


# --- import and export --------------------------------------------------------------------------------------
def import_rows(rows, user):
    from import_export.formats.base_formats import CSV

    dataset = CSV(encoding="utf-8-sig").create_dataset(as_csv(rows))
    return ProcedureVersionResource().import_data(
        dataset, use_transactions=True, rollback_on_validation_errors=True, user=user
    )


def test_the_export_names_the_form_and_the_import_reattaches_it():
    _version, document = with_form(published=True)
    cell = ProcedureVersionResource().dehydrate_documents(document.version)
    assert cell.startswith(f"{FORM_NAME}|original|1|required|not_reusable||{document.form_template.name};")

    reference_data()
    result = import_rows([good_row(documents=cell)], catalogue_admin())
    assert row_error_lines(result) == []
    imported = RequiredDocument.objects.exclude(pk=document.pk).get(name=FORM_NAME)
    assert imported.form_template.name == document.form_template.name


@pytest.mark.parametrize(
    "stored_name",
    ["procedures/forms/missing.pdf", "../settings.py", "procedures/forms/../../secret.pdf", "/etc/passwd"],
)
def test_the_import_refuses_a_form_that_is_not_an_uploaded_form(stored_name):
    reference_data()
    result = import_rows(
        [good_row(documents=f"Tờ khai|original|1|required|not_reusable||{stored_name}")], catalogue_admin()
    )
    assert any("no form template is stored as" in line for line in row_error_lines(result))
    assert not RequiredDocument.objects.filter(name="Tờ khai").exists()
