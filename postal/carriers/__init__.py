"""The postal operators the portal can hand parcels to. POSTAL_CARRIER picks the one new orders use; an
order keeps the carrier it was created with, so tracking still works after a switch."""

from django.conf import settings

from .base import Carrier
from .http import HttpCarrier
from .sandbox import SandboxCarrier

CARRIERS: dict[str, type[Carrier]] = {"sandbox": SandboxCarrier, "http": HttpCarrier}


def get_carrier(name: str | None = None) -> Carrier:
    """The carrier called `name` (default: POSTAL_CARRIER); KeyError for an unknown name."""
    return CARRIERS[name or settings.POSTAL_CARRIER]()
