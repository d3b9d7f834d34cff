import datetime
import functools
from pathlib import Path

import pytest

from e_results import sandbox_pki, signing
from tests.factories import PDF_BYTES

PASSPHRASE = b"sandbox"


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory) -> Path:
    """One sandbox PKI (root, TSA) for the session: key generation is the slow part."""
    directory = tmp_path_factory.mktemp("e_results_pki")
    sandbox_pki.ensure_sandbox_pki(directory, [("000.00.99.H99", "Sở Thử Nghiệm Ký Số")], PASSPHRASE)
    return directory


@pytest.fixture(autouse=True)
def _sandbox_pki_settings(settings, pki_dir):
    settings.E_RESULTS_PKI_DIR = str(pki_dir)
    settings.E_RESULTS_PKCS12_DIR = ""
    settings.E_RESULTS_PKCS12_PASSPHRASES = {"*": PASSPHRASE.decode()}
    settings.E_RESULTS_TSA_URL = ""
    settings.E_RESULTS_TRUST_ROOTS = []


@pytest.fixture
def give_agency_a_key(pki_dir):
    def give(agency):
        sandbox_pki.ensure_sandbox_pki(pki_dir, [(agency.code, agency.name)], PASSPHRASE)

    return give


STAMP = signing.ResultStamp(
    system_name="Cổng Dịch vụ công tỉnh Ninh Bình",
    dossier_code="000.00.99.H99-261205-0001",
    result_number="000.00.99.H99-261205-0001/KQ1",
    agency_name="Sở Thử Nghiệm Ký Số",
    verification_url="http://testserver/xac-thuc/?code=abc",
)


@functools.cache
def _signed_by_sandbox_agency(pki: str) -> bytes:
    return signing.sign_result_pdf(
        PDF_BYTES,
        stamp=STAMP,
        signer=signing.signing_identity("000.00.99.H99"),
        timestamper=signing.timestamper(),
        validation_context=signing.validation_context(for_signing=True),
    )


@pytest.fixture
def signed_pdf(pki_dir) -> bytes:
    """A result signed B-LT by the sandbox agency (made once per session)."""
    return _signed_by_sandbox_agency(str(pki_dir))


def signer_from(issued: sandbox_pki.Issued, chain, tmp_path: Path):
    from pyhanko.sign import signers

    path = tmp_path / "signer.p12"
    path.write_bytes(sandbox_pki.pkcs12_bytes(issued, chain, b"x"))
    return signers.SimpleSigner.load_pkcs12(str(path), passphrase=b"x")


def sign_with(issued, chain, tmp_path, *, timestamped=True) -> bytes:
    return signing.sign_result_pdf(
        PDF_BYTES,
        stamp=STAMP,
        signer=signer_from(issued, chain, tmp_path),
        timestamper=signing.timestamper() if timestamped else None,
    )


@pytest.fixture
def expired_signed_pdf(pki_dir, tmp_path) -> bytes:
    root = sandbox_pki.load_root(pki_dir)
    now = datetime.datetime.now(datetime.UTC)
    expired = sandbox_pki.issue_leaf(
        root,
        "Sở Hết Hạn",
        not_before=now - datetime.timedelta(days=400),
        not_after=now - datetime.timedelta(days=1),
    )
    return sign_with(expired, [root.certificate], tmp_path)


@pytest.fixture
def unknown_ca_signed_pdf(tmp_path) -> bytes:
    other_root = sandbox_pki.issue_root("Một CA lạ")
    return sign_with(sandbox_pki.issue_leaf(other_root, "Sở Giả Mạo"), [other_root.certificate], tmp_path)


@pytest.fixture
def untimestamped_pdf(pki_dir) -> bytes:
    return signing.sign_result_pdf(
        PDF_BYTES, stamp=STAMP, signer=signing.signing_identity("000.00.99.H99"), timestamper=None
    )


def one_byte_changed(pdf: bytes) -> bytes:
    """Flip one bit inside the first stream of the signed revision (covered by the signature)."""
    changed = bytearray(pdf)
    position = pdf.index(b"stream", 0) + 20
    changed[position] ^= 0x01
    return bytes(changed)
