"""Thin receivers: Django's and allauth's auth signals feed the account lock, the sign-in history, the session
clock and the session's copy of the simple-mode choice."""

from allauth.account.signals import password_reset
from allauth.mfa.signals import authentication_failed as second_factor_failed
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from . import services, simple_mode
from .middleware import start_session_clock


@receiver(user_login_failed)
def count_login_failure(sender, credentials, request=None, **kwargs):
    email = credentials.get("email") or credentials.get("username") or ""
    if email:
        services.record_login_failure(email=email, request=request)


@receiver(second_factor_failed)
def count_second_factor_failure(sender, request, user, **kwargs):
    services.record_second_factor_failure(user=user, request=request)


@receiver(user_logged_in)
def reset_login_failures(sender, request, user, **kwargs):
    services.record_login_success(user=user, request=request)
    if request is not None and hasattr(request, "session"):
        start_session_clock(request.session)
        simple_mode.load_into_session(request, user)


@receiver(password_reset)
def unlock_after_password_reset(sender, request, user, **kwargs):
    services.unlock_account(user=user)
