"""Error reporting to Sentry or a self-hosted GlitchTip (same SDK and protocol): off unless SENTRY_DSN is
set (settings.py calls `init_sentry`). No personal data leaves: the SDK's default-PII collection stays off
(no user, IP address, cookies; `send_default_pii` is left unset, which is off — setting it is deprecated
since sentry-sdk 2.5x in favour of `data_collection`), its event scrubber stays on, and every string of an
event, breadcrumbs and request data included, is masked like the logs."""

from typing import Any

from .logging import mask_structure


def scrub_event(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """before_send / before_send_transaction: ID numbers, phone numbers and emails masked everywhere."""
    masked: dict[str, Any] = mask_structure(event)
    return masked


def init_sentry(
    *,
    dsn: str,
    environment: str,
    release: str = "",
    traces_sample_rate: float = 0.0,
    transport: Any = None,
) -> bool:
    """Start the SDK with the Django and Celery integrations; False (and nothing started) without a DSN.
    `transport` replaces the HTTP one (tests)."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    options: dict[str, Any] = {}
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=traces_sample_rate,
        before_send=scrub_event,  # type: ignore[arg-type]
        before_send_transaction=scrub_event,  # type: ignore[arg-type]
        **options,
    )
    return True
