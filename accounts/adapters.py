import copy
import logging
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib import messages
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _

from common.http import client_address
from common.links import absolute_url, site_host

from .identity import remember_loa
from .national_identity import services as national_identity
from .national_identity.claims import IdentityClaimsError, claims_of, identity_from_claims
from .services import DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE

logger = logging.getLogger(__name__)


class PortalAccountAdapter(DefaultAccountAdapter):
    """Citizens sign up themselves; staff accounts are created by administrators only."""

    def get_login_redirect_url(self, request):
        return (
            _profile_if_missing(request) or _staff_start(request) or super().get_login_redirect_url(request)
        )

    def get_signup_redirect_url(self, request):
        return _profile_if_missing(request) or super().get_signup_redirect_url(request)

    def post_login(self, request, user, **kwargs):
        """The LoA of this sign-in: the national identity service's for a sign-in through it, none (0) for a
        password (accounts.identity). A browser signing in for the first time gets its device cookie
        (accounts.services.browser_device)."""
        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        remember_loa(request, identity_loa_of(sociallogin) if sociallogin is not None else None)
        response = super().post_login(request, user, **kwargs)
        new_device = getattr(request, "new_device", None)
        if new_device and response is not None:
            response.set_cookie(
                DEVICE_COOKIE,
                new_device,
                max_age=DEVICE_COOKIE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def get_client_ip(self, request) -> str:
        """allauth's per-address rate limits and its list of open sessions use the portal's reading of the
        address (TRUSTED_PROXY_COUNT). The sessions' column holds only addresses: a request without one (no
        REMOTE_ADDR) counts as 0.0.0.0."""
        return client_address(request) or "0.0.0.0"

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


def identity_loa_of(sociallogin) -> int:
    return identity_from_claims(claims_of(sociallogin.account.extra_data)).loa


class PortalSocialAccountAdapter(DefaultSocialAccountAdapter):
    """The national identity sign-in (VNeID): accounts keyed on the ID number or tax code, made from the
    claims at the first sign-in, refreshed at each; linked to a local account only in allauth's connect
    process, which needs the person signed in to that account; never matched by email; never for staff."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True

    def pre_social_login(self, request, sociallogin) -> None:
        try:
            identity = identity_from_claims(claims_of(sociallogin.account.extra_data))
            if sociallogin.state.get("process") == AuthProcess.CONNECT:
                if not request.user.is_authenticated:
                    raise ValidationError(_("Please sign in to your account first."))
                if sociallogin.is_existing and sociallogin.user.pk != request.user.pk:
                    raise ValidationError(_("This VNeID identity is already linked to another account."))
                national_identity.link_identity(user=request.user, identity=identity)
                remember_loa(request, identity.loa)
            elif sociallogin.is_existing:
                national_identity.refresh_identity(user=sociallogin.user, identity=identity)
        except (ValidationError, IdentityClaimsError) as error:
            raise ImmediateHttpResponse(self._refusal(request, error)) from error

    def save_user(self, request, sociallogin, form=None):
        identity = identity_from_claims(claims_of(sociallogin.account.extra_data))

        def save_login(user):
            sociallogin.user = user
            sociallogin.save(request)

        try:
            return national_identity.create_account(identity=identity, save_login=save_login)
        except ValidationError as error:
            raise ImmediateHttpResponse(self._refusal(request, error)) from error

    def get_connect_redirect_url(self, request, socialaccount) -> str:
        return reverse("accounts:profile")

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        """Why a sign-in was refused goes to the log; the person sees allauth's plain error page."""
        logger.warning("National identity sign-in refused: %s %s", error, exception)

    def _refusal(self, request, error):
        for text in getattr(error, "messages", [str(error)]):
            messages.error(request, text)
        return redirect("accounts:profile" if request.user.is_authenticated else "account_login")
