"""Signatures of the SMS gateway's delivery receipts: HMAC-SHA256 over "<timestamp>.<raw body>" with
SMS_GATEWAY_CALLBACK_SECRET, hex in X-Signature, Unix seconds in X-Timestamp (5 minutes of tolerance)."""

import hashlib
import hmac
import time

MAX_AGE_SECONDS = 300


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, now: float | None = None) -> bool:
    if not secret or not timestamp or not signature:
        return False
    try:
        age = abs((now or time.time()) - int(timestamp))
    except ValueError:
        return False
    if age > MAX_AGE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature.strip().lower())
