"""Factories for sign-in tests: allauth's verified email addresses and TOTP authenticators."""

import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from allauth.mfa.utils import encrypt
from factory.django import DjangoModelFactory

from accounts.selectors import current_totp_code
from procedures.models import GovernmentLevel
from tests.factories import AdministrativeUnitFactory, UserFactory

PASSWORD = "correct-horse-42"  # UserFactory's password


class EmailAddressFactory(DjangoModelFactory):
    """The address allauth signs a user in with; verified unless told otherwise."""

    class Meta:
        model = EmailAddress

    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email)
    verified = True
    primary = True


class TOTPAuthenticatorFactory(DjangoModelFactory):
    class Meta:
        model = Authenticator

    user = factory.SubFactory(UserFactory, clerk=True)
    type = Authenticator.Type.TOTP
    data = factory.LazyFunction(lambda: {"secret": encrypt(generate_totp_secret())})


class ProvinceFactory(AdministrativeUnitFactory):
    name = factory.Sequence(lambda n: f"Tỉnh Thử Nghiệm {n}")
    level = GovernmentLevel.PROVINCE


def verified_user(**kwargs):
    """A user who can sign in: UserFactory plus a verified primary email address."""
    user = UserFactory(**kwargs)
    EmailAddressFactory(user=user)
    return user


def fresh_totp_code(authenticator) -> str:
    """The current code, never within two seconds of the end of its time step: still valid when checked."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 2:
        time.sleep(2.1)
    return current_totp_code(authenticator)
