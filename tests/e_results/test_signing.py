"""Sign → validate with pyHanko's validator against the sandbox root, and each way a result can fail."""

import io

import pikepdf
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from e_results import signing
from e_results.verification import NotAPdf, Verdict, verify_pdf

from .conftest import one_byte_changed


def test_signed_result_validates_against_the_sandbox_root_with_timestamp_and_embedded_validation_info(
    signed_pdf,
):
    reader = PdfFileReader(io.BytesIO(signed_pdf))
    status = validate_pdf_signature(
        reader.embedded_signatures[0],
        signer_validation_context=signing.validation_context(),
        ts_validation_context=signing.validation_context(),
    )
    assert status.bottom_line and status.intact and status.trusted
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    assert "/DSS" in reader.root  # B-LT: certificates and revocation lists in the document security store
    assert reader.root["/DSS"]["/CRLs"]


def test_stamped_page_names_system_dossier_and_result_number_with_a_qr(signed_pdf):
    with pikepdf.open(io.BytesIO(signed_pdf)) as document:
        last_page = document.pages[-1]
        assert last_page.get_images()  # the QR code
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-", "-"], input=signed_pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Cổng Dịch vụ công tỉnh Ninh Bình" in text
    assert "000.00.99.H99-261205-0001/KQ1" in text
    assert "http://testserver/xac-thuc/?code=abc" in text


def test_intact_result_is_reported_valid_with_signer_and_time(signed_pdf):
    report = verify_pdf(signed_pdf)
    assert report.verdict == Verdict.VALID
    assert report.intact and report.trusted and report.certificate_valid_then and report.timestamp_valid
    assert report.signer_name == "Sở Thử Nghiệm Ký Số"
    assert report.signed_at is not None


def test_one_changed_byte_is_reported_altered(signed_pdf):
    assert verify_pdf(one_byte_changed(signed_pdf)).verdict == Verdict.ALTERED


def test_a_byte_changed_anywhere_in_the_signed_range_is_never_valid(signed_pdf):
    for position in (len(signed_pdf) // 5, len(signed_pdf) // 3):
        changed = bytearray(signed_pdf)
        changed[position] ^= 0x01
        assert verify_pdf(bytes(changed)).verdict in {Verdict.ALTERED, Verdict.INVALID}


def test_certificate_from_an_unknown_ca_is_reported_untrusted(unknown_ca_signed_pdf):
    report = verify_pdf(unknown_ca_signed_pdf)
    assert report.verdict == Verdict.UNTRUSTED
    assert report.intact and not report.trusted


def test_expired_certificate_is_reported_expired(expired_signed_pdf):
    report = verify_pdf(expired_signed_pdf)
    assert report.verdict == Verdict.EXPIRED
    assert not report.certificate_valid_then


def test_missing_timestamp_is_reported(untimestamped_pdf):
    report = verify_pdf(untimestamped_pdf)
    assert report.verdict == Verdict.NO_TIMESTAMP
    assert report.intact and report.trusted and not report.timestamp_present


def test_unsigned_pdf_is_reported_unsigned():
    from tests.factories import PDF_BYTES

    assert verify_pdf(PDF_BYTES).verdict == Verdict.UNSIGNED


@pytest.mark.parametrize("garbage", [b"", b"hello", b"%PDF-1.7\n" + b"\x00" * 200, b"%PDF-1.4\n1 0 obj <<"])
def test_garbage_is_not_a_pdf(garbage):
    with pytest.raises(NotAPdf):
        verify_pdf(garbage)


def test_signing_a_file_that_is_not_a_pdf_fails_cleanly(pki_dir):
    from .conftest import STAMP

    with pytest.raises(signing.SigningError):
        signing.sign_result_pdf(
            b"not a pdf",
            stamp=STAMP,
            signer=signing.signing_identity("000.00.99.H99"),
            timestamper=signing.timestamper(),
        )
