import copy
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sites.models import Site
from django.shortcuts import resolve_url
from django.urls import reverse

from common.http import client_ip
from common.links import absolute_url, site_host


class PortalAccountAdapter(DefaultAccountAdapter):
    """Citizens sign up themselves; staff accounts are created by administrators only."""

    def get_login_redirect_url(self, request):
        return (
            _profile_if_missing(request) or _staff_start(request) or super().get_login_redirect_url(request)
        )

    def get_signup_redirect_url(self, request):
        return _profile_if_missing(request) or super().get_signup_redirect_url(request)

    def get_client_ip(self, request) -> str:
        """allauth's per-address rate limits use the portal's reading of the address (TRUSTED_PROXY_COUNT)."""
        return client_ip(request)

    # allauth builds the links in its mails from the host the request came to; the portal's mails, SMS and
    # slips all link to SITE_URL (common.links), so these do too.
    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))

    def send_account_already_exists_mail(self, email: str) -> None:
        context = {
            "signup_url": absolute_url(reverse("account_signup")),
            "password_reset_url": absolute_url(reverse("account_reset_password")),
        }
        self.send_mail("account/email/account_already_exists", email, context)

    def send_mail(self, template_prefix: str, email, context: dict) -> None:
        """The Site's domain in the mail's greeting and the "unknown account" mail's sign-up link follow
        SITE_URL as well."""
        site = copy.copy(Site.objects.get_current())
        site.domain = site_host()
        context = {**context, "current_site": site}
        if "signup_url" in context:
            context["signup_url"] = absolute_url(reverse("account_signup"))
        super().send_mail(template_prefix, email, context)


def _profile_if_missing(request) -> str | None:
    """A citizen without a profile fills it in first: every dossier form is pre-filled from it."""
    user = request.user
    if user.is_authenticated and user.is_citizen and not hasattr(user, "profile"):
        return reverse("accounts:profile")
    return None


def _staff_start(request) -> str | None:
    """Staff who work for an agency land on their work, not on their account page: the page the project
    names (settings.STAFF_LOGIN_REDIRECT_URL: the busiest queue); staff of no agency get the dashboard."""
    user = request.user
    if user.is_authenticated and user.is_staff_role and user.memberships.exists():
        return resolve_url(settings.STAFF_LOGIN_REDIRECT_URL)
    return None


class PortalMFAAdapter(DefaultMFAAdapter):
    """Staff must keep their authenticator app: they may not switch two-factor sign-in off themselves."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and authenticator.user.is_staff_role:
            return False
        return super().can_delete_authenticator(authenticator)
