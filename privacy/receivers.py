from allauth.account.signals import user_signed_up
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import selectors, services
from .middleware import NEW_NOTICE_SESSION_KEY
from .models import Consent


@receiver(user_signed_up)
def record_consent_at_signup(sender, request, user, **kwargs):
    """The sign-up form (accounts.forms.PortalSignupForm) requires ticking the notice: record that consent.
    A sign-up through the national identity service shows no form, so records none."""
    if kwargs.get("sociallogin") is None and request is not None and request.POST.get("privacy_consent"):
        services.record_notice_consent(user=user, how=Consent.How.SIGNUP)


@receiver(user_logged_in)
def check_notice_at_sign_in(sender, request, user, **kwargs):
    """A citizen who accepted an older notice is asked to accept the new one (privacy.middleware)."""
    if (
        request is not None
        and hasattr(request, "session")
        and user.is_citizen
        and selectors.needs_new_consent(user)
    ):
        request.session[NEW_NOTICE_SESSION_KEY] = True
