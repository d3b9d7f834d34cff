from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.urls import reverse

from common.http import client_ip


class PortalAccountAdapter(DefaultAccountAdapter):
    """Citizens sign up themselves; staff accounts are created by administrators only."""

    def get_login_redirect_url(self, request):
        return _profile_if_missing(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return _profile_if_missing(request) or super().get_signup_redirect_url(request)

    def get_client_ip(self, request) -> str:
        """allauth's per-address rate limits use the portal's reading of the address (TRUSTED_PROXY_COUNT)."""
        return client_ip(request)


def _profile_if_missing(request) -> str | None:
    """A citizen without a profile fills it in first: every dossier form is pre-filled from it."""
    user = request.user
    if user.is_authenticated and user.is_citizen and not hasattr(user, "profile"):
        return reverse("accounts:profile")
    return None


class PortalMFAAdapter(DefaultMFAAdapter):
    """Staff must keep their authenticator app: they may not switch two-factor sign-in off themselves."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and authenticator.user.is_staff_role:
            return False
        return super().can_delete_authenticator(authenticator)
