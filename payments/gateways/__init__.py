"""The gateway registry: which providers exist and which one takes new payments (settings.PAYMENT_GATEWAY).

Notifications are accepted only for the active gateway: the sandbox bank cannot confirm anything on a portal
that takes real money through VNPay."""

from django.conf import settings

from .base import GatewayError, GatewayRejected, Notification, PaymentGateway, QueryResult, RefundResult
from .sandbox import SandboxGateway
from .vnpay import VnpayGateway

PROVIDERS = {"sandbox": SandboxGateway, "vnpay": VnpayGateway}


class UnknownGateway(LookupError):
    pass


def enabled_codes() -> set[str]:
    return {settings.PAYMENT_GATEWAY}


def get(code: str) -> PaymentGateway:
    """The gateway `code`, configured from settings (queries and refunds of older attempts still reach the
    gateway they were paid through)."""
    if code not in PROVIDERS:
        raise UnknownGateway(code)
    return PROVIDERS[code].from_settings()


def accepts_notifications(code: str) -> bool:
    return code in PROVIDERS and code in enabled_codes()


def active() -> PaymentGateway:
    return get(settings.PAYMENT_GATEWAY)


__all__ = [
    "GatewayError",
    "GatewayRejected",
    "Notification",
    "PaymentGateway",
    "QueryResult",
    "RefundResult",
    "UnknownGateway",
    "accepts_notifications",
    "active",
    "enabled_codes",
    "get",
]
