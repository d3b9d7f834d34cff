"""The sandbox gateway, the embedded default: the VNPay 2.1.0 protocol, unchanged, against the portal's own
sandbox bank (payments/sandbox_bank.py, pages under /sandbox-bank/). Signatures, notifications, queries and
refunds all run the real code path, so demos and browser tests exercise what production does.

Its hash secret is derived from SECRET_KEY; its pages and notifications exist only while PAYMENT_GATEWAY is
"sandbox" (never in a production that takes real money)."""

import hashlib
import hmac

from django.conf import settings
from django.urls import reverse

from .vnpay import VnpayGateway

TMN_CODE = "CONGDVC1"


def hash_secret() -> str:
    return hmac.new(settings.SECRET_KEY.encode(), b"sandbox-bank", hashlib.sha256).hexdigest()[:32].upper()


class InProcessTransport:
    """Calls the sandbox bank's API in the same process (the HTTP endpoint runs the same function): a test
    server or `runserver` serving one request at a time cannot call itself over HTTP."""

    def post_json(self, url: str, payload: dict) -> dict:
        from .. import sandbox_bank

        return sandbox_bank.api(payload)


class SandboxGateway(VnpayGateway):
    code = "sandbox"

    @classmethod
    def from_settings(cls) -> "SandboxGateway":
        return cls(
            tmn_code=TMN_CODE,
            hash_secret=hash_secret(),
            payment_url=reverse("sandbox_bank:pay"),
            api_url=reverse("sandbox_bank:api"),
            server_ip=settings.PAYMENT_SERVER_IP,
            transport=InProcessTransport(),
        )
