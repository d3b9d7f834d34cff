"""Check a PDF presented as an e-result: is the signature intact, who signed it, when, was the certificate
valid then and chained to a trusted root, is there a timestamp — read with pyHanko's validator."""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import dataclass, field

from . import signing


class Verdict:
    VALID = "valid"  # intact, trusted, timestamped
    ALTERED = "altered"  # the signed bytes changed, or changes after signing that are not allowed
    UNTRUSTED = "untrusted"  # the certificate does not chain to a trusted root
    EXPIRED = "expired"  # the certificate was not valid at the signing time
    NO_TIMESTAMP = "no_timestamp"  # intact and trusted, but the signing time is only the signer's claim
    UNSIGNED = "unsigned"  # a PDF without a signature
    INVALID = "invalid"  # other failures (revoked, wrong key usage, broken signature structure)


@dataclass
class VerificationReport:
    verdict: str
    intact: bool = False
    trusted: bool = False
    certificate_valid_then: bool = False
    timestamp_present: bool = False
    timestamp_valid: bool = False
    signer_name: str = ""
    signer_organisation: str = ""
    certificate_serial: str = ""
    signed_at: datetime.datetime | None = None
    modification_level: str = ""
    sha256: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.verdict == Verdict.VALID


class NotAPdf(ValueError):
    pass


def verify_pdf(pdf_bytes: bytes) -> VerificationReport:
    """The report for the last signature of the PDF. Raises NotAPdf for a file pyHanko cannot read."""
    return signing.outside_event_loop(lambda: _verify(pdf_bytes))


def _verify(pdf_bytes: bytes) -> VerificationReport:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator.errors import PathBuildingError

    if not pdf_bytes.lstrip()[:5] == b"%PDF-":
        raise NotAPdf("not a PDF")
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # a hostile file can make the parser raise anything (zlib, struct, …)
        if b"/ByteRange" in pdf_bytes:  # it was signed, and no longer reads as the signer wrote it
            return VerificationReport(verdict=Verdict.ALTERED, problems=[str(error)])
        raise NotAPdf(str(error)) from error
    digest = hashlib.sha256(pdf_bytes).hexdigest()
    if not signatures:
        return VerificationReport(verdict=Verdict.UNSIGNED, sha256=digest)
    embedded = signatures[-1]
    context = signing.validation_context()
    try:
        status = validate_pdf_signature(
            embedded, signer_validation_context=context, ts_validation_context=context
        )
    except (SignatureValidationError, PathBuildingError) as error:
        return VerificationReport(verdict=Verdict.INVALID, problems=[str(error)], sha256=digest)
    except Exception as error:  # the signed revision no longer parses: it was changed after signing
        return VerificationReport(verdict=Verdict.ALTERED, problems=[str(error)], sha256=digest)
    if not status.trusted and status.timestamp_validity is not None and status.timestamp_validity.trusted:
        # A certificate that expired after a trusted timestamp was valid when it signed: judge as of then.
        then = signing.validation_context(moment=status.timestamp_validity.timestamp)
        try:
            status = validate_pdf_signature(
                embedded, signer_validation_context=then, ts_validation_context=context
            )
        except (SignatureValidationError, PathBuildingError) as error:
            return VerificationReport(verdict=Verdict.INVALID, problems=[str(error)], sha256=digest)
    report = _report(embedded, status)
    report.sha256 = digest
    return report


def _report(embedded, status) -> VerificationReport:
    cert = status.signing_cert
    subject = cert.subject.native if cert is not None else {}
    timestamp = status.timestamp_validity
    report = VerificationReport(
        verdict=Verdict.INVALID,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        timestamp_present=timestamp is not None,
        timestamp_valid=bool(
            timestamp is not None and timestamp.intact and timestamp.valid and timestamp.trusted
        ),
        signer_name=subject.get("common_name", ""),
        signer_organisation=subject.get("organization_name", ""),
        certificate_serial=format(cert.serial_number, "x") if cert is not None else "",
        modification_level=status.modification_level.name if status.modification_level else "",
    )
    report.signed_at = timestamp.timestamp if timestamp is not None else status.signer_reported_dt
    if cert is not None and report.signed_at is not None:
        validity = cert["tbs_certificate"]["validity"]
        report.certificate_valid_then = (
            validity["not_before"].native <= report.signed_at <= validity["not_after"].native
        )
    coverage_ok = (
        status.docmdp_ok is not False
        and status.coverage is not None
        and status.coverage.name
        in (
            "ENTIRE_FILE",
            "ENTIRE_REVISION",
        )
    )
    if not report.intact or not coverage_ok:
        report.verdict = Verdict.ALTERED
    elif cert is not None and not report.certificate_valid_then:
        report.verdict = Verdict.EXPIRED
    elif not report.trusted:
        report.verdict = Verdict.UNTRUSTED
    elif not report.timestamp_present:
        report.verdict = Verdict.NO_TIMESTAMP
    elif not report.timestamp_valid:
        report.verdict = Verdict.INVALID
        report.problems.append("timestamp")
    elif status.bottom_line:
        report.verdict = Verdict.VALID
    return report
