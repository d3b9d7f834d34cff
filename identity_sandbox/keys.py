"""The sandbox provider's RS256 signing key: made at the first start into var/ (mode 0600), then reused, so
ID tokens stay verifiable across restarts and the JWKS does not change under a running client."""

import os
from pathlib import Path

from django.conf import settings


def signing_key_pem() -> str:
    path = Path(settings.IDENTITY_SANDBOX_KEY_FILE)
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(pem)
        temporary.chmod(0o600)
        try:
            os.link(temporary, path)  # first writer wins when two processes start at once
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text()


def install_signing_key() -> None:
    from oauth2_provider.settings import oauth2_settings

    settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] = signing_key_pem()
    oauth2_settings.reload()
