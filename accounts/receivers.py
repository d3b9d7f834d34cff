"""Thin receivers: Django's auth signals feed the account-lock counter kept by accounts.services."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from . import services


@receiver(user_login_failed)
def count_login_failure(sender, credentials, request=None, **kwargs):
    email = credentials.get("email") or credentials.get("username") or ""
    if email:
        services.record_login_failure(email=email)


@receiver(user_logged_in)
def reset_login_failures(sender, request, user, **kwargs):
    services.record_login_success(user=user)
