"""The postal operator's JSON API over HTTPS (a VNPost-like design, documented in API.md beside this file).

Create is idempotent on our client order code (also sent as `Idempotency-Key`); errors are classified so
the submission task retries only what may succeed later: timeouts, connection errors, 5xx, 408, 429 (and
401/403, a credentials problem the operator can fix without the order being lost). Any other 4xx is
permanent. Tracking notices are signed: HMAC-SHA256 over "<timestamp>.<body>" with the shared secret,
compared in constant time, refused when older than WEBHOOK_TOLERANCE.
"""

import datetime
import hashlib
import hmac
import json
import logging
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings

from .base import (
    TRACKING_STATUSES,
    Carrier,
    CarrierOrder,
    OrderRequest,
    Party,
    PermanentCarrierError,
    TrackingEvent,
    TransientCarrierError,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Postal-Signature"
TIMESTAMP_HEADER = "X-Postal-Timestamp"
WEBHOOK_TOLERANCE = datetime.timedelta(minutes=5)
TIMESTAMP_FORMAT = re.compile(r"[0-9]{1,12}")  # ASCII Unix seconds: str.isdigit() also takes "²" and "١"
RETRYABLE_STATUS = {401, 403, 408, 425, 429}

# (method, url, headers, body, timeout) -> (HTTP status, response body). Raises OSError on network failure.
Transport = Callable[[str, str, dict, bytes | None, float], tuple[int, bytes]]


def urllib_transport(method: str, url: str, headers: dict, body: bytes | None, timeout: float):
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(secret: str, body: bytes, now: float | None = None) -> dict:
    """The headers a tracking notice carries (the sandbox signs its notices the same way)."""
    timestamp = str(int(now if now is not None else time.time()))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: sign(secret, timestamp, body)}


def _header(headers, name: str) -> str:
    value = headers.get(name)
    if value is None:  # Django's request.headers is case-insensitive; a plain dict may not be
        value = next((v for k, v in headers.items() if k.lower() == name.lower()), "")
    return value or ""


def verify_signature(secret: str, body: bytes, headers, now: float | None = None) -> bool:
    """Fail closed: no secret configured, no or stale timestamp, or a wrong signature all refuse."""
    if not secret:
        return False
    timestamp, signature = _header(headers, TIMESTAMP_HEADER), _header(headers, SIGNATURE_HEADER)
    if not TIMESTAMP_FORMAT.fullmatch(timestamp) or not signature:
        return False
    now = now if now is not None else time.time()
    if abs(now - int(timestamp)) > WEBHOOK_TOLERANCE.total_seconds():
        return False
    return hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.encode())


def parse_time(value: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("time without an offset")
    return moment


def event_from_json(item: dict, tracking_number: str = "", client_order_code: str = "") -> TrackingEvent:
    status = item["status"]
    if status not in TRACKING_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    return TrackingEvent(
        event_id=str(item["id"]),
        status=status,
        at=parse_time(item["time"]),
        tracking_number=str(item.get("tracking_number") or tracking_number),
        client_order_code=str(item.get("client_order_code") or client_order_code),
        location=str(item.get("location") or "")[:200],
        description=str(item.get("description") or "")[:500],
        proof=item.get("proof") or {},
    )


def _party(party: Party) -> dict:
    return {
        "name": party.name,
        "phone": party.phone,
        "address": party.street_address,
        "ward_code": party.commune_code,
        "ward_name": party.commune_name,
        "province_code": party.province_code,
        "province_name": party.province_name,
    }


class SignedJSONNotices:
    """Tracking notices as the API documents them (signed JSON {"events": [...]}): the real operator's and
    the sandbox's are read by the same code. Needs `self.webhook_secret`."""

    webhook_secret: str

    def verify_webhook(self, body: bytes, headers) -> bool:
        return verify_signature(self.webhook_secret, body, headers)

    def parse_webhook(self, body: bytes) -> list[TrackingEvent]:
        data = json.loads(body)
        if not isinstance(data, dict) or not isinstance(data.get("events"), list):
            raise ValueError("expected {'events': [...]}")
        try:
            return [event_from_json(item) for item in data["events"]]
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"malformed event: {error}") from error


class HttpCarrier(SignedJSONNotices, Carrier):
    name = "http"

    def __init__(
        self,
        *,
        base_url=None,
        api_key=None,
        partner_code=None,
        webhook_secret=None,
        timeout=None,
        transport: Transport | None = None,
    ):
        self.base_url = (base_url if base_url is not None else settings.POSTAL_API_URL).rstrip("/")
        self.api_key = api_key if api_key is not None else settings.POSTAL_API_KEY
        self.partner_code = partner_code if partner_code is not None else settings.POSTAL_PARTNER_CODE
        self.webhook_secret = webhook_secret if webhook_secret is not None else settings.POSTAL_WEBHOOK_SECRET
        self.timeout = timeout if timeout is not None else settings.POSTAL_API_TIMEOUT
        self.transport = transport or urllib_transport

    # --- calls ------------------------------------------------------------------------------------------
    def _call(self, method: str, path: str, payload: dict | None = None, idempotency_key: str = "") -> dict:
        if not self.base_url:
            raise TransientCarrierError("POSTAL_API_URL is not set")
        body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None
        headers = {
            "Accept": "application/json",
            "Authorization": f"Bearer {self.api_key}",
            "X-Partner-Code": self.partner_code,
        }
        if body is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        url = self.base_url + path
        try:
            status, content = self.transport(method, url, headers, body, self.timeout)
        except TimeoutError as error:
            raise TransientCarrierError(f"{method} {path}: timed out after {self.timeout} s") from error
        except OSError as error:  # URLError, connection refused/reset, DNS
            raise TransientCarrierError(f"{method} {path}: {error}") from error
        if status >= 500 or status in RETRYABLE_STATUS:
            raise TransientCarrierError(f"{method} {path}: HTTP {status} {self._message(content)}")
        if status >= 400:
            raise PermanentCarrierError(f"HTTP {status} {self._message(content)}".strip())
        try:
            return json.loads(content or b"{}")
        except ValueError as error:
            raise TransientCarrierError(
                f"{method} {path}: HTTP {status} with a body that is not JSON"
            ) from error

    @staticmethod
    def _message(content: bytes) -> str:
        try:
            error = json.loads(content).get("error") or {}
            return f"{error.get('code', '')}: {error.get('message', '')}".strip(": ")
        except (ValueError, AttributeError):
            return content[:200].decode(errors="replace")

    def create_order(self, request: OrderRequest) -> CarrierOrder:
        payload = {
            "client_order_code": request.key,
            "service": "BCCI_TTHC",
            "reference": request.reference,
            "sender": _party(request.sender),
            "receiver": _party(request.recipient),
            "parcel": {
                "weight_grams": request.weight_grams,
                "contents": request.contents,
                "item_count": len(request.contents),
            },
            "cod_amount": request.cod_amount,
            "note": request.note,
        }
        data = self._call("POST", "/orders", payload, idempotency_key=request.key)
        try:
            fee = data.get("fee") or {}
            return CarrierOrder(
                tracking_number=str(data["tracking_number"]),
                carrier_order_id=str(data.get("order_id", "")),
                postage=int(fee["postage"]) if "postage" in fee else None,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise TransientCarrierError(f"POST /orders: unexpected answer {data!r:.200}") from error

    def cancel_order(self, tracking_number: str) -> None:
        self._call("POST", f"/orders/{quote(tracking_number)}/cancel", {})

    def track(self, tracking_number: str) -> list[TrackingEvent]:
        data = self._call("GET", f"/orders/{quote(tracking_number)}/events")
        try:
            return [
                event_from_json(item, tracking_number, data.get("client_order_code", ""))
                for item in data.get("events", [])
            ]
        except (KeyError, TypeError, ValueError) as error:
            raise TransientCarrierError(f"GET events: unexpected answer {data!r:.200}") from error
