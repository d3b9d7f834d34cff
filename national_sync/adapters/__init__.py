"""The adapters that carry the national portal's protocol. NATIONAL_PORTAL["ADAPTER"] picks one."""

from django.conf import settings

from .base import NationalPortal


def get_adapter(name: str | None = None) -> NationalPortal:
    """The adapter called `name` (default: NATIONAL_PORTAL["ADAPTER"]); KeyError for an unknown name."""
    from .http import HttpNationalPortal
    from .sandbox import SandboxNationalPortal

    adapters = {"http": HttpNationalPortal, "sandbox": SandboxNationalPortal}
    return adapters[name or settings.NATIONAL_PORTAL["ADAPTER"]]()
