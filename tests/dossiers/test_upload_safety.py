"""Risky uploads are refused with a message the citizen understands, next to the slot, and nothing is
kept: PDFs with JavaScript (an opening action, additional actions), launch actions, embedded files, a
compression bomb, an HTML page with a PDF header. The stored extension and the download name come from the
content, never from the browser's name; uploaded files are served sandboxed."""

import functools
import io
import zlib

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from pikepdf import Array, Dictionary, Name, String

from dossiers import services
from dossiers.models import DossierDocument, StoredFile
from tests.dossiers.factories_extra import PNG_BYTES, citizen, draft, image_bytes, jpeg_upload, sign_in
from tests.factories import filed_dossier, pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db


# --- hostile files, built here ------------------------------------------------------------------------------
def _saved(pdf: pikepdf.Pdf, **options) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **options)
    return out.getvalue()


def _one_page() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    return pdf


def open_action_javascript() -> bytes:
    pdf = _one_page()
    pdf.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=String("app.launchURL('https://evil.example/')"))
    return _saved(pdf)


def page_additional_action_javascript() -> bytes:
    pdf = _one_page()
    pdf.pages[0].AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=pdf.make_stream(b"this.print()")))
    return _saved(pdf)


def javascript_in_an_object_stream() -> bytes:
    pdf = _one_page()
    pdf.Root.Names = Dictionary(
        JavaScript=Dictionary(Names=Array([String("a"), Dictionary(S=Name.JavaScript, JS=String("x"))]))
    )
    return _saved(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def launch_action() -> bytes:
    pdf = _one_page()
    pdf.Root.OpenAction = Dictionary(S=Name.Launch, F=String("cmd.exe"), Win=Dictionary(F=String("cmd.exe")))
    return _saved(pdf)


def embedded_file() -> bytes:
    pdf = _one_page()
    pdf.attachments["hoa-don.exe"] = pikepdf.AttachedFileSpec(
        pdf, b"MZ\x90\x00", mime_type="application/x-msdownload"
    )
    return _saved(pdf)


def file_attachment_annotation() -> bytes:
    pdf = _one_page()
    spec = pikepdf.AttachedFileSpec(pdf, b"payload", mime_type="text/plain")
    annotation = Dictionary(
        Type=Name.Annot, Subtype=Name.FileAttachment, Rect=Array([0, 0, 20, 20]), FS=spec.obj
    )
    pdf.pages[0].Annots = Array([pdf.make_indirect(annotation)])
    return _saved(pdf)


@functools.cache
def flate_bomb() -> bytes:
    """300 MB of zeros, compressed a megabyte at a time (never held whole), in one stream: ~300 KB."""
    compressor = zlib.compressobj(9)
    zeros = bytes(1024 * 1024)
    raw = b"".join(compressor.compress(zeros) for _ in range(300)) + compressor.flush()
    pdf = _one_page()
    stream = pikepdf.Stream(pdf, b"")
    stream.write(raw, filter=Name.FlateDecode)  # already encoded: pikepdf keeps the bytes as they are
    pdf.pages[0].Contents = pdf.make_indirect(stream)
    return _saved(pdf, stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False)


def html_with_a_pdf_header() -> bytes:
    return b"%PDF-1.7\n<html><body><script>fetch('/api/')</script></body></html>\n%%EOF\n"


HOSTILE = {
    "open_action_javascript": (open_action_javascript, "script", "contains scripts (JavaScript)"),
    "page_additional_action": (page_additional_action_javascript, "script", "contains scripts (JavaScript)"),
    "javascript_name_tree": (javascript_in_an_object_stream, "script", "contains scripts (JavaScript)"),
    "launch_action": (launch_action, "launch", "opens other programs or files"),
    "embedded_file": (embedded_file, "embedded_file", "has other files hidden inside it"),
    "file_attachment": (file_attachment_annotation, "embedded_file", "has other files hidden inside it"),
    "flate_bomb": (flate_bomb, "too_large_inflated", "becomes far too large when opened"),
    "html_with_a_pdf_header": (html_with_a_pdf_header, "damaged", "is damaged or incomplete"),
}
VIETNAMESE = {
    "script": "có chứa mã lệnh (JavaScript)",
    "launch": "có chứa lệnh mở chương trình hoặc tệp khác",
    "embedded_file": "có chứa tệp khác đính kèm bên trong",
    "too_large_inflated": "khi mở ra lớn quá mức",
    "damaged": "bị lỗi hoặc không đầy đủ",
}


def nothing_stored():
    return not StoredFile.objects.exists() and not DossierDocument.objects.exists()


def test_the_flate_bomb_is_small_on_disk_and_huge_inside():
    bomb = flate_bomb()
    assert len(bomb) < 400_000
    from common.pdf_safety import inflated_size

    with pikepdf.open(io.BytesIO(bomb)) as pdf:
        raw = pdf.pages[0].Contents.read_raw_bytes()
    assert inflated_size(raw, 400 * 1024 * 1024) == 300 * 1024 * 1024


# --- the service --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", HOSTILE)
def test_the_service_refuses_a_risky_file_and_keeps_nothing(kind):
    build, code, words = HOSTILE[kind]
    person = citizen()
    dossier = draft(applicant=person)
    required = dossier.procedure_version.documents.first()
    with pytest.raises(ValidationError) as refused:
        services.attach_upload(
            dossier=dossier,
            required_document=required,
            uploaded=pdf_upload("giay-to.pdf", build()),
            by=person,
        )
    assert refused.value.code == code
    assert words in refused.value.messages[0] and "giay-to.pdf" in refused.value.messages[0]
    assert nothing_stored()


def test_a_good_pdf_still_passes_and_is_stored_as_a_pdf():
    person = citizen()
    dossier = draft(applicant=person)
    required = dossier.procedure_version.documents.first()
    added = services.attach_upload(
        dossier=dossier, required_document=required, uploaded=pdf_upload("Giấy khai sinh.PDF"), by=person
    )
    stored = added.stored_file
    assert stored.content_type == "application/pdf" and stored.original_name == "Giấy khai sinh.pdf"
    assert stored.file.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("sent_name", "content", "stored_name", "extension"),
    [
        ("trang.html", pdf_bytes(), "trang.pdf", ".pdf"),
        ("anh.jpg", PNG_BYTES, "anh.png", ".png"),
        ("anh.JPEG", image_bytes("JPEG"), "anh.jpeg", ".jpg"),
        ("giay." + "x" * 200, pdf_bytes(), "giay.pdf", ".pdf"),
        ("..\\..\\hop\u202edong\x07.exe", pdf_bytes(), "hopdong.pdf", ".pdf"),
        ("a" * 300 + ".pdf", pdf_bytes(), "a" * 120 + ".pdf", ".pdf"),
        ("   .pdf", pdf_bytes(), "tai-lieu.pdf", ".pdf"),
    ],
)
def test_the_stored_extension_and_name_come_from_the_content(sent_name, content, stored_name, extension):
    person = citizen()
    uploaded = SimpleUploadedFile(sent_name, content, content_type="text/html")
    stored = services.store_upload(owner=person, uploaded=uploaded, by=person)
    assert stored.original_name == stored_name
    assert stored.file.name.endswith(extension) and stored.file.name.count(".") == 1


def test_an_image_with_too_many_pixels_is_refused(settings):
    settings.DOSSIER_UPLOAD_MAX_IMAGE_PIXELS = 100 * 100
    person = citizen()
    uploaded = SimpleUploadedFile("anh.png", image_bytes("PNG", (101, 100)), content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        services.store_upload(owner=person, uploaded=uploaded, by=person)
    assert refused.value.code == "too_many_pixels" and nothing_stored()


# --- the citizen's upload page ------------------------------------------------------------------------------
def upload_page(client, dossier, required, uploaded):
    return client.post(
        reverse("dossiers:wizard", args=[dossier.pk, "documents"]),
        {"action": "upload", "slot": str(required.pk), f"slot-{required.pk}-file": uploaded},
    )


def slot_of(page: str, required) -> str:
    start = page.index(f'id="slot-{required.pk}"')
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_upload_page_shows_the_refusal_in_vietnamese_next_to_the_slot(client, kind):
    build, code, _words = HOSTILE[kind]
    person = citizen()
    dossier = draft(applicant=person)
    required = dossier.procedure_version.documents.first()
    sign_in(client, person, language="vi")

    response = upload_page(client, dossier, required, pdf_upload("giay-to.pdf", build()))

    assert response.status_code == 400
    slot = slot_of(response.content.decode(), required)
    assert VIETNAMESE[code] in slot and "giay-to.pdf" in slot
    assert f'id="id_slot-{required.pk}-file_error"' in slot
    assert nothing_stored()


def test_a_long_extension_is_accepted_and_cleaned_not_a_bare_400(client):
    person = citizen()
    dossier = draft(applicant=person)
    required = dossier.procedure_version.documents.first()
    sign_in(client, person)
    response = upload_page(client, dossier, required, pdf_upload("giay." + "x" * 200, pdf_bytes()))
    assert response.status_code == 302
    assert dossier.documents.get().stored_file.original_name == "giay.pdf"


# --- serving what was uploaded ------------------------------------------------------------------------------
def fetch(client, url):
    response = client.get(url)
    response.body = b"".join(response.streaming_content)
    return response


def test_an_uploaded_pdf_is_downloaded_sandboxed_never_shown_by_the_portal(client):
    dossier = filed_dossier()
    document = dossier.documents.first()
    sign_in(client, dossier.applicant)
    response = fetch(client, reverse("dossiers:document", args=[document.pk]))
    assert response.status_code == 200 and response.body.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Cache-Control"] == "private, no-store"


def test_an_uploaded_image_opens_in_the_browser_but_sandboxed(client):
    person = citizen()
    stored = services.store_upload(owner=person, uploaded=jpeg_upload("cccd.jpg"), by=person)
    sign_in(client, person)
    response = fetch(client, reverse("dossiers:stored_file", args=[stored.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="cccd.jpg"'
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_site_wide_csp_middleware_keeps_the_sandbox_policy(settings):
    """django-csp adds the site's policy to every response it is not told to leave alone."""
    csp_middleware = pytest.importorskip("csp.middleware")
    from common.downloads import user_file

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    request = RequestFactory().get("/dossiers/documents/1/")
    middleware = csp_middleware.CSPMiddleware(lambda r: None)
    middleware.process_request(request)
    response = user_file(io.BytesIO(b"%PDF-"), filename="a.pdf", content_type="application/pdf")
    response = middleware.process_response(request, response)
    assert response["Content-Security-Policy"] == "sandbox"
    assert "Content-Security-Policy-Report-Only" not in response
    page = middleware.process_response(request, HttpResponse("ok"))
    assert "default-src 'self'" in page["Content-Security-Policy"]  # what the middleware does elsewhere
