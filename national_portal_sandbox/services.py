"""What an administrator changes on the sandbox national portal's page: take it down or back up, set the
share of calls it fails and how long its sessions live, or clear everything it received."""

from django.db import transaction

from .models import NationalDossier, ReceivedCall, SandboxSession, SandboxSettings


def _locked_settings() -> SandboxSettings:
    SandboxSettings.load()
    return SandboxSettings.objects.select_for_update().get(pk=SandboxSettings.SINGLETON_PK)


def set_availability(*, down: bool) -> SandboxSettings:
    """Down: every call raises SandboxUnavailable in process, or answers 503 over HTTP."""
    with transaction.atomic():
        sandbox = _locked_settings()
        sandbox.down = down
        sandbox.save(update_fields=["down"])
    return sandbox


def set_failures(*, failure_rate: float, session_ttl_seconds: int) -> SandboxSettings:
    """The share of calls answered "busy" (0..1) and the lifetime of the sessions issued from now on."""
    if not 0 <= failure_rate <= 1:
        raise ValueError("failure_rate must be between 0 and 1")
    with transaction.atomic():
        sandbox = _locked_settings()
        sandbox.failure_rate = failure_rate
        sandbox.session_ttl_seconds = session_ttl_seconds
        sandbox.save(update_fields=["failure_rate", "session_ttl_seconds"])
    return sandbox


def clear_sandbox() -> None:
    """Forget every dossier, step, session and logged call; the switches stay as they are."""
    with transaction.atomic():
        sandbox = _locked_settings()
        NationalDossier.objects.all().delete()  # steps go with them
        ReceivedCall.objects.all().delete()
        SandboxSession.objects.all().delete()
        sandbox.calls_counted = 0
        sandbox.save(update_fields=["calls_counted"])
