"""Sign a result PDF as PAdES B-LT (Decree 45/2020: an electronic result signed by the agency equals the
paper one): a stamped page with the system name, dossier code, result number and a QR code to the
verification page, then the agency's signature with a timestamp and the validation information embedded.

`sign_result_pdf` is bytes → bytes and knows nothing of the database; `signing_identity` and `timestamper`
read the configuration (the agency's PKCS#12, the timestamp authority) — the sandbox ones by default.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import io
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import sandbox_pki

SIGNATURE_FIELD = "KetQuaDienTu"
T = TypeVar("T")


class SigningError(Exception):
    """The result could not be signed (no key for the agency, not a PDF, the TSA did not answer…)."""


@dataclass(frozen=True)
class ResultStamp:
    system_name: str
    dossier_code: str
    result_number: str
    agency_name: str
    verification_url: str


def outside_event_loop(function: Callable[[], T]) -> T:
    """pyHanko's sync API runs its own asyncio loop: from a thread that already runs one (an ASGI worker,
    Playwright in tests) it is called in a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


def pki_dir() -> Path:
    return Path(settings.E_RESULTS_PKI_DIR)


def agency_pkcs12_path(agency_code: str) -> Path:
    return Path(settings.E_RESULTS_PKCS12_DIR or pki_dir()) / sandbox_pki.agency_pkcs12_name(agency_code)


def agency_passphrase(agency_code: str) -> bytes:
    """E_RESULTS_PKCS12_PASSPHRASES maps agency codes to passphrases; "*" is the one for all others."""
    passphrases = settings.E_RESULTS_PKCS12_PASSPHRASES
    return str(passphrases.get(agency_code, passphrases.get("*", ""))).encode()


def signing_identity(agency_code: str):
    """The agency's signer (key + certificate + chain) from its PKCS#12."""
    from pyhanko.sign import signers

    path = agency_pkcs12_path(agency_code)
    if not path.exists():
        raise SigningError(f"No signing certificate for agency {agency_code} ({path.name}).")
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=agency_passphrase(agency_code))
    if signer is None:
        raise SigningError(f"The signing certificate of agency {agency_code} cannot be opened.")
    return signer


# Certificates and keys are parsed once per process (a key takes ~40 ms; every verification used to load the
# root key again) and read again when their file changes (a renewed root, a new sandbox PKI). Validation
# contexts are not shared: pyHanko's keeps what each validation met (the uploader's certificates among them)
# and the time it was made.
def _modified(path: str | Path) -> int:
    return os.stat(path).st_mtime_ns


@functools.lru_cache(maxsize=16)
def _certificate(path: str, modified: int):
    from pyhanko.keys import load_cert_from_pemder

    return load_cert_from_pemder(path)


@functools.lru_cache(maxsize=4)
def _sandbox_root(directory: str, modified: int) -> sandbox_pki.Issued:
    return sandbox_pki.load_root(Path(directory))


@functools.lru_cache(maxsize=4)
def _sandbox_tsa_identity(directory: str, modified: int) -> tuple:
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder

    return (
        load_cert_from_pemder(str(Path(directory) / sandbox_pki.TSA_CERT)),
        load_private_key_from_pemder(str(Path(directory) / sandbox_pki.TSA_KEY), passphrase=None),
    )


def trust_roots() -> list:
    """The roots a result must chain to: E_RESULTS_TRUST_ROOTS (PEM files), or the sandbox root."""
    paths = settings.E_RESULTS_TRUST_ROOTS or [str(pki_dir() / sandbox_pki.ROOT_CERT)]
    try:
        return [_certificate(str(path), _modified(path)) for path in paths]
    except FileNotFoundError as error:
        raise ImproperlyConfigured(f"E-result trust root missing: {error.filename}") from error


def timestamper():
    """The timestamp authority: E_RESULTS_TSA_URL (RFC 3161 over HTTP), or the sandbox TSA in-process."""
    from pyhanko.sign import timestamps

    if settings.E_RESULTS_TSA_URL:
        return timestamps.HTTPTimeStamper(settings.E_RESULTS_TSA_URL, timeout=10)
    return sandbox_timestamper()


def sandbox_timestamper():
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    directory = pki_dir()
    tsa_cert, tsa_key = _sandbox_tsa_identity(str(directory), _modified(directory / sandbox_pki.TSA_KEY))
    return DummyTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key)


def revocation_lists() -> list:
    """In the sandbox the root key is at hand: a fresh, empty CRL is the revocation information embedded
    for B-LT. Elsewhere the validator fetches the CA's own CRL/OCSP."""
    from asn1crypto import crl  # type: ignore[import-untyped]  # no type information shipped
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    if settings.E_RESULTS_TRUST_ROOTS or not (pki_dir() / sandbox_pki.ROOT_KEY).exists():
        return []
    root = _sandbox_root(str(pki_dir()), _modified(pki_dir() / sandbox_pki.ROOT_KEY))
    now = datetime.datetime.now(datetime.UTC)
    built = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.certificate.subject)
        .last_update(now - datetime.timedelta(minutes=5))
        .next_update(now + datetime.timedelta(days=7))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()), critical=False
        )
        .sign(root.key, hashes.SHA256())
    )
    return [crl.CertificateList.load(built.public_bytes(serialization.Encoding.DER))]


def validation_context(*, for_signing: bool = False, moment: datetime.datetime | None = None):
    """Trust roots and revocation information; `moment`: validate as of then (the signature's timestamp)."""
    from pyhanko_certvalidator import ValidationContext

    crls = revocation_lists()
    return ValidationContext(
        trust_roots=trust_roots(),
        moment=moment,
        crls=crls,
        allow_fetching=not crls,
        revocation_mode="hard-fail" if for_signing and crls else "soft-fail",
    )


STAMP_CSS = Path(__file__).with_name("stamp_page.css")


def stamp_page_pdf(stamp: ResultStamp) -> bytes:
    """WeasyPrint with the page's stylesheet from a file: templates carry no inline style (CSP scan)."""
    import weasyprint  # type: ignore[import-untyped]  # no type information shipped

    from common import pdf

    html = pdf.render_html(
        "e_results/stamp_page.pdf.html", {"stamp": stamp, "qr": pdf.qr_data_uri(stamp.verification_url)}
    )
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[weasyprint.CSS(filename=str(STAMP_CSS))])


def add_stamp_page(pdf_bytes: bytes, stamp: ResultStamp) -> bytes:
    """The printed face of the e-result: a last page saying what it is and where to check it."""
    import pikepdf

    try:
        with (
            pikepdf.open(io.BytesIO(pdf_bytes)) as document,
            pikepdf.open(io.BytesIO(stamp_page_pdf(stamp))) as stamp_pdf,
        ):
            document.pages.extend(stamp_pdf.pages)
            out = io.BytesIO()
            document.save(out)
            return out.getvalue()
    except pikepdf.PdfError as error:
        raise SigningError("The result document is not a readable PDF.") from error


def sign_result_pdf(
    pdf_bytes: bytes, *, stamp: ResultStamp, signer, timestamper, validation_context=None
) -> bytes:
    """The stamped, PAdES-signed result. With a validation context the signer's chain and its revocation
    information are embedded (B-LT); without one (tests of broken certificates) it is B-T."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    stamped = add_stamp_page(pdf_bytes, stamp)
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=f"Kết quả giải quyết hồ sơ {stamp.dossier_code}, số {stamp.result_number}",
        location="Việt Nam",
        name=stamp.agency_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=validation_context is not None,
        validation_context=validation_context,
        use_pades_lta=False,
    )
    out = io.BytesIO()
    try:
        outside_event_loop(
            lambda: signers.PdfSigner(metadata, signer=signer, timestamper=timestamper).sign_pdf(
                IncrementalPdfFileWriter(io.BytesIO(stamped), strict=False), output=out
            )
        )
    except SigningError:
        raise
    except Exception as error:  # pyHanko raises many kinds: certificate path, TSA, PDF structure
        raise SigningError(f"Signing failed: {error}") from error
    return out.getvalue()
