"""`manage.py check --deploy`: a production portal that still talks to the sandbox national portal sends
nothing to the real one, and its sandbox pages and API answer anyone: say so before it goes live."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility, deploy=True)
def national_portal_is_real(app_configs, **kwargs) -> list[checks.CheckMessage]:
    config = settings.NATIONAL_PORTAL
    if config.get("ADAPTER") != "sandbox":
        if not (config.get("BASE_URL") and config.get("USERNAME") and config.get("PASSWORD")):
            return [
                checks.Error(
                    "NATIONAL_PORTAL_URL, NATIONAL_PORTAL_USERNAME and NATIONAL_PORTAL_PASSWORD must be "
                    "set for the national portal's adapter.",
                    id="national_sync.E001",
                )
            ]
        return []
    return [
        checks.Warning(
            "NATIONAL_PORTAL_ADAPTER is 'sandbox': dossiers are synced to the built-in sandbox national "
            "portal, not to the real one, and its pages and API are open.",
            hint="Set NATIONAL_PORTAL_ADAPTER=http with NATIONAL_PORTAL_URL, _USERNAME and _PASSWORD "
            "(national_sync/adapters/API.md).",
            id="national_sync.W001",
        )
    ]
