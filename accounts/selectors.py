"""Reads about accounts shared by views, commands and tests."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.db.models import Q

from .models import User


def user_for_login(email: str) -> User | None:
    """The account a sign-in address belongs to: its own email or any address allauth knows for it."""
    email = (email or "").strip()
    if not email:
        return None
    return (
        User.objects.filter(Q(email__iexact=email) | Q(emailaddress__email__iexact=email))
        .order_by("pk")
        .first()
    )


def totp_authenticator(user: User) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


def current_totp_code(authenticator: Authenticator, at: float | None = None) -> str:
    """The code the user's authenticator app shows now, computed the way allauth checks it."""
    secret = decrypt(authenticator.data["secret"])
    counter = int(time.time() if at is None else at) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
