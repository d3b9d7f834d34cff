"""HTTP client for an SMS gateway (brand-name SMS), JSON over HTTPS.

Request:  POST SMS_GATEWAY_URL, `Authorization: Bearer <SMS_GATEWAY_API_KEY>`, `Idempotency-Key: <reference>`
          {"to": "84912345678", "from": SMS_SENDER_NAME, "text": "...", "reference": "<uuid>",
           "callback_url": "<SITE_URL>/notifications/sms/receipt/"}
Response: 2xx {"message_id": "..."}; 4xx refused (never retried) except 429 (rate limit); 5xx, 429 or no
answer: retried.
Receipts: the gateway POSTs to callback_url, signed (see notifications/views.py sms_receipt).
"""

import http.client
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.urls import reverse

from common.links import absolute_url

from .base import PermanentError, SMSBackend, TransientError, international


class HttpSMSGateway(SMSBackend):
    def __init__(self):
        if not settings.SMS_GATEWAY_URL:
            raise PermanentError("SMS_GATEWAY_URL is not set")
        self.url = settings.SMS_GATEWAY_URL
        self.api_key = settings.SMS_GATEWAY_API_KEY
        self.sender = settings.SMS_SENDER_NAME
        self.timeout = settings.SMS_GATEWAY_TIMEOUT

    def send(self, *, to: str, text: str, reference: str) -> str:
        payload = {
            "to": international(to),
            "from": self.sender,
            "text": text,
            "reference": reference,
            "callback_url": absolute_url(reverse("notifications:sms_receipt")),
        }
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.api_key}",
                "Idempotency-Key": reference,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read()[:300].decode(errors="replace")
            # 429 is the one 4xx that says "later", not "wrong": a gateway's rate limit must not lose an SMS.
            if error.code >= 500 or error.code == 429:
                raise TransientError(f"SMS gateway {error.code}: {detail}") from error
            raise PermanentError(f"SMS gateway {error.code}: {detail}") from error
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            raise TransientError(f"SMS gateway unreachable: {error}") from error
        try:
            message_id = str(json.loads(body or b"{}").get("message_id") or "")
        except (ValueError, AttributeError):
            message_id = ""
        # Accepted without an id: the reference still matches receipts that echo it.
        return message_id or reference
