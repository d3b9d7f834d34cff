"""Providers that carry a notification out of the portal: Django's email backends, and an SMS gateway
behind a small base class (HTTP gateway for production, a file for the embedded default, memory for tests)."""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import PermanentError, SMSBackend, TransientError
from .email import send_email

__all__ = ["PermanentError", "SMSBackend", "TransientError", "send_email", "sms_backend"]


def sms_backend() -> SMSBackend:
    return import_string(settings.SMS_BACKEND)()
