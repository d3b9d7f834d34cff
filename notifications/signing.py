"""Signatures of the SMS gateway's delivery receipts: HMAC-SHA256 over "<timestamp>.<raw body>" with
SMS_GATEWAY_CALLBACK_SECRET, hex in X-Signature, Unix seconds in X-Timestamp (5 minutes of tolerance)."""

import hashlib
import hmac
import re
import time

MAX_AGE_SECONDS = 300
# Headers arrive as whatever text the sender put there: only these shapes are ever compared or parsed.
SIGNATURE_FORMAT = re.compile(r"[0-9a-f]{64}")
TIMESTAMP_FORMAT = re.compile(r"[0-9]{1,12}")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, now: float | None = None) -> bool:
    """True for a fresh receipt signed with `secret`. Malformed headers (non-ASCII, not hex, a timestamp
    that is not plain ASCII digits) are a refusal like a wrong signature, never an error."""
    signature = signature.strip().lower()
    if not secret or not TIMESTAMP_FORMAT.fullmatch(timestamp) or not SIGNATURE_FORMAT.fullmatch(signature):
        return False
    if abs((now or time.time()) - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body).encode("ascii"), signature.encode("ascii"))
