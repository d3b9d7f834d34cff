"""The public verification page /xac-thuc/: upload or QR code; every verdict in Vietnamese; no 5xx."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from e_results.models import SignedResult
from tests.dossiers.factories_extra import approved
from tests.factories import filed_dossier

from .conftest import one_byte_changed

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, name="ket-qua.pdf"):
    return client.post(
        "/xac-thuc/",
        {"pdf": SimpleUploadedFile(name, content, content_type="application/pdf")},
        HTTP_ACCEPT_LANGUAGE="vi",
    )


def text_of(answer) -> str:
    return answer.content.decode()


def test_page_opens_in_vietnamese(client):
    answer = client.get("/xac-thuc/")
    assert answer.status_code == 200
    assert "Xác thực kết quả điện tử" in text_of(answer)


def test_valid_result(client, signed_pdf):
    answer = upload(client, signed_pdf)
    page = text_of(answer)
    assert answer.status_code == 200
    assert "Hợp lệ: đã ký số và không bị thay đổi" in page
    assert "Sở Thử Nghiệm Ký Số" in page
    assert "có dấu thời gian hợp lệ" in page


def test_altered_result(client, signed_pdf):
    page = text_of(upload(client, one_byte_changed(signed_pdf)))
    assert "Không hợp lệ: tệp đã bị thay đổi sau khi ký" in page


def test_unknown_ca(client, unknown_ca_signed_pdf):
    page = text_of(upload(client, unknown_ca_signed_pdf))
    assert "Không hợp lệ: chứng thư số của người ký không do tổ chức tin cậy cấp" in page


def test_expired_certificate(client, expired_signed_pdf):
    page = text_of(upload(client, expired_signed_pdf))
    assert "Không hợp lệ: chứng thư số của người ký không còn hiệu lực tại thời điểm ký" in page


def test_missing_timestamp(client, untimestamped_pdf):
    page = text_of(upload(client, untimestamped_pdf))
    assert "Chưa đầy đủ: chữ ký không có dấu thời gian" in page


NOT_PDF = "Tệp này không phải PDF"
UNREADABLE = "Không đọc được tệp PDF này"


@pytest.mark.parametrize(
    ("garbage", "message"),
    [
        (b"hello world", NOT_PDF),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 50, NOT_PDF),
        (b"%PDF-1.7\n" + b"\x00" * 300, UNREADABLE),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog", UNREADABLE),
    ],
)
def test_garbage_upload_is_a_clear_400(client, garbage, message):
    answer = upload(client, garbage)
    assert answer.status_code == 400
    assert message in text_of(answer)


def test_empty_upload_is_a_400(client):
    assert upload(client, b"").status_code == 400


def test_too_large_upload_is_refused(client, settings):
    settings.E_RESULTS_MAX_UPLOAD_BYTES = 100
    answer = upload(client, b"%PDF-1.7\n" + b"x" * 200)
    assert answer.status_code == 400
    assert "Tệp quá lớn" in text_of(answer)


def test_uploads_are_rate_limited_per_address(client, settings):
    settings.E_RESULTS_UPLOADS_PER_ADDRESS = 2
    assert upload(client, b"hello").status_code == 400
    assert upload(client, b"hello").status_code == 400
    answer = upload(client, b"hello")
    assert answer.status_code == 429
    assert "Quá nhiều lượt kiểm tra" in text_of(answer)


def test_qr_code_link_shows_the_issued_result(client, give_agency_a_key, django_capture_on_commit_callbacks):
    dossier = filed_dossier()
    give_agency_a_key(dossier.receiving_agency)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = approved(dossier)
    result = SignedResult.objects.get(dossier=dossier)
    page = text_of(client.get(f"/xac-thuc/?code={result.verification_code}", HTTP_ACCEPT_LANGUAGE="vi"))
    assert dossier.code in page and result.result_number in page and dossier.handling_agency.name in page

    with result.signed_file.file.open("rb") as handle:
        uploaded_page = text_of(upload(client, handle.read()))
    assert "Hợp lệ: đã ký số và không bị thay đổi" in uploaded_page
    assert dossier.code in uploaded_page


@pytest.mark.parametrize("code", ["nope", "x" * 500, "'; DROP TABLE", "%00"])
def test_unknown_code_is_a_clear_404(client, code):
    answer = client.get("/xac-thuc/", {"code": code}, HTTP_ACCEPT_LANGUAGE="vi")
    assert answer.status_code == 404
    assert "Không có kết quả điện tử nào" in text_of(answer)


def test_sandbox_tsa_answers_rfc3161_and_refuses_garbage(client):
    from asn1crypto import tsp
    from pyhanko.sign.timestamps import TimeStamper

    _nonce, request = TimeStamper().request_cms(b"\x00" * 32, "sha256")
    answer = client.post(
        "/e-results/sandbox-tsa/", request.dump(), content_type="application/timestamp-query"
    )
    assert answer.status_code == 200
    assert tsp.TimeStampResp.load(answer.content)["status"]["status"].native == "granted"
    assert client.post("/e-results/sandbox-tsa/", b"junk", content_type="application/x").status_code == 400
