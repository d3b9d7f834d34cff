"""The sandbox PKI of the embedded default: a root CA, one signing certificate per agency (as PKCS#12, like
the ones a real CA hands out) and a timestamp authority's certificate, written under E_RESULTS_PKI_DIR by
`setup_sandbox_pki` (called by load_demo). Nothing here is trusted outside the sandbox."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT_KEY = "root.key.pem"
ROOT_CERT = "root.cert.pem"
TSA_KEY = "tsa.key.pem"
TSA_CERT = "tsa.cert.pem"
VALID_YEARS = 10


@dataclass(frozen=True)
class Issued:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


def agency_pkcs12_name(agency_code: str) -> str:
    return f"agency-{agency_code}.p12"


def _name(common_name: str, organisation: str = "Cổng dịch vụ công (sandbox)") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def issue_root(
    common_name: str = "Sandbox Root CA — Cổng dịch vụ công", *, years: int = VALID_YEARS
) -> Issued:
    key = new_key()
    now = datetime.datetime.now(datetime.UTC)
    name = _name(common_name)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(key, cert)


def issue_leaf(
    issuer: Issued,
    common_name: str,
    *,
    organisation: str = "Cổng dịch vụ công (sandbox)",
    timestamping: bool = False,
    not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None,
) -> Issued:
    """A signing certificate (document signing, or the TSA's timeStamping) issued by `issuer`."""
    key = new_key()
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - datetime.timedelta(days=1))
        .not_valid_after(not_after or now + datetime.timedelta(days=365 * VALID_YEARS - 2))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not timestamping,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    )
    if timestamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return Issued(key, builder.sign(issuer.key, hashes.SHA256()))


def pkcs12_bytes(issued: Issued, chain: list[x509.Certificate], passphrase: bytes) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"e-result signer",
        issued.key,
        issued.certificate,
        chain,
        serialization.BestAvailableEncryption(passphrase),
    )


def _write_pem(issued: Issued, key_path: Path, cert_path: Path) -> None:
    key_path.write_bytes(
        issued.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(issued.certificate.public_bytes(serialization.Encoding.PEM))


def _read_pem(key_path: Path, cert_path: Path) -> Issued:
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return Issued(key, x509.load_pem_x509_certificate(cert_path.read_bytes()))


def load_root(directory: Path) -> Issued:
    return _read_pem(directory / ROOT_KEY, directory / ROOT_CERT)


def ensure_sandbox_pki(directory: Path, agencies: list[tuple[str, str]], passphrase: bytes) -> list[str]:
    """Create what is missing (root, TSA, one PKCS#12 per (code, name) agency); returns what was created.
    Existing files are kept, so results signed earlier still validate against the same root."""
    directory.mkdir(parents=True, exist_ok=True)
    created = []
    if not (directory / ROOT_CERT).exists():
        _write_pem(issue_root(), directory / ROOT_KEY, directory / ROOT_CERT)
        created.append(ROOT_CERT)
    root = load_root(directory)
    if not (directory / TSA_CERT).exists():
        tsa = issue_leaf(root, "Sandbox Timestamp Authority", timestamping=True)
        _write_pem(tsa, directory / TSA_KEY, directory / TSA_CERT)
        created.append(TSA_CERT)
    for code, name in agencies:
        path = directory / agency_pkcs12_name(code)
        if path.exists():
            continue
        issued = issue_leaf(root, name, organisation=name)
        path.write_bytes(pkcs12_bytes(issued, [root.certificate], passphrase))
        path.chmod(0o600)
        created.append(path.name)
    return created
