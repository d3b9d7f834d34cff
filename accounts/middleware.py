import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

SESSION_STARTED = "_portal_started_at"
SESSION_LAST_SEEN = "_portal_last_seen"
SESSION_MFA_OK = "_portal_mfa_ok"
PASSIVE_PATHS = ("/accounts/session/",)  # polled by the warning script: must not count as activity


def idle_timeout_for(user) -> float:
    limit = settings.SESSION_IDLE_TIMEOUT_STAFF if user.is_staff_role else settings.SESSION_IDLE_TIMEOUT_CITIZEN
    return limit.total_seconds()


def session_deadline(request) -> float | None:
    """Epoch seconds at which this session ends, whichever comes first: idle limit or maximum age."""
    if not request.user.is_authenticated or SESSION_LAST_SEEN not in request.session:
        return None
    idle_end = request.session[SESSION_LAST_SEEN] + idle_timeout_for(request.user)
    max_end = request.session[SESSION_STARTED] + settings.SESSION_MAX_AGE.total_seconds()
    return min(idle_end, max_end)


class SessionTimeoutMiddleware:
    """Ends a session after the idle limit (15 minutes for citizens) or 12 hours in all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            if SESSION_STARTED not in session:
                session[SESSION_STARTED] = session[SESSION_LAST_SEEN] = now
            deadline = session_deadline(request)
            if deadline is not None and now >= deadline:
                logout(request)
                messages.info(request, _("You were signed out after a period without activity. Please sign in again."))
                if request.method == "GET" and not request.path.startswith(PASSIVE_PATHS):
                    return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
                return redirect("account_login")
            if not request.path.startswith(PASSIVE_PATHS):
                session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """Staff work on citizens' data: until a staff account has TOTP set up, it can only set it up."""

    allowed_prefixes = ("/accounts/2fa/", "/accounts/logout/", "/accounts/session/", "/i18n/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff_role
            and not request.session.get(SESSION_MFA_OK)
            and not request.path.startswith(self.allowed_prefixes)
        ):
            from allauth.mfa.models import Authenticator

            if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                request.session[SESSION_MFA_OK] = True
            else:
                messages.warning(request, _("Staff accounts must use two-factor sign-in. Set up an authenticator app to continue."))
                return redirect("mfa_activate_totp")
        return self.get_response(request)
