from abc import ABC, abstractmethod


class TransientError(Exception):
    """The provider may accept the message later: a timeout, a dropped connection, a 5xx. Retried."""


class PermanentError(Exception):
    """The provider refused the message (a 4xx: bad number, bad credentials, …). Never retried."""


class SMSBackend(ABC):
    """Hands one SMS to a gateway and returns the gateway's message id (used to match delivery receipts).
    `reference` is the outbox row's key: gateways that deduplicate on it make a resend after a crash safe."""

    @abstractmethod
    def send(self, *, to: str, text: str, reference: str) -> str: ...


def international(phone: str) -> str:
    """0912345678 / +84912345678 → 84912345678, the form SMS gateways in Vietnam expect."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("+"):
        return digits
    if digits.startswith("0"):
        return "84" + digits[1:]
    return digits
