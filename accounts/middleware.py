"""Sign-in rules applied to every request: session time limits, and two-factor sign-in for staff."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage import default_storage
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from common.links import reversed_once

from . import simple_mode
from .selectors import totp_authenticator

SESSION_STARTED = "_portal_started_at"
SESSION_LAST_SEEN = "_portal_last_seen"
SESSION_MFA_OK = "_portal_mfa_ok"
# Requests closer together than this do not rewrite the session just to move the idle clock.
ACTIVITY_RESOLUTION_SECONDS = 10


def idle_timeout_for(user, *, simple: bool = False) -> float:
    """Seconds without activity before sign-out; in simple mode never less than SESSION_IDLE_TIMEOUT_SIMPLE
    (30 minutes: people who read slowly are not signed out mid-question)."""
    limit = (
        settings.SESSION_IDLE_TIMEOUT_STAFF if user.is_staff_role else settings.SESSION_IDLE_TIMEOUT_CITIZEN
    )
    if simple:
        limit = max(limit, settings.SESSION_IDLE_TIMEOUT_SIMPLE)
    return limit.total_seconds()


def start_session_clock(session, now: float | None = None) -> None:
    """Called at sign-in: the maximum age and the idle limit count from here."""
    now = time.time() if now is None else now
    session[SESSION_STARTED] = session[SESSION_LAST_SEEN] = now


def session_deadline(request) -> float | None:
    """Epoch seconds at which this session ends, whichever comes first: idle limit or maximum age."""
    if not request.user.is_authenticated or SESSION_LAST_SEEN not in request.session:
        return None
    last_seen = request.session[SESSION_LAST_SEEN]
    idle_end = last_seen + idle_timeout_for(request.user, simple=simple_mode.is_on(request))
    max_end = request.session.get(SESSION_STARTED, last_seen) + settings.SESSION_MAX_AGE.total_seconds()
    return min(idle_end, max_end)


def _reverse_or_none(name: str) -> str | None:
    try:
        return reversed_once(name)
    except NoReverseMatch:
        return None


def _is_passive(request) -> bool:
    """The warning script polls the session status: that is not activity."""
    return request.path == reversed_once("accounts:session")


def _message_storage(request):
    """The request's message storage, or our own when MessageMiddleware comes after this middleware.

    Returns (storage, owned): an owned storage must be written to the response by the caller.
    """
    if hasattr(request, "_messages"):
        return request._messages, False
    return default_storage(request), True


class SessionTimeoutMiddleware:
    """Ends a session after the idle limit (15 minutes for citizens, 30 for staff and in simple mode) or
    12 hours in all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            if SESSION_STARTED not in session:  # signed in before this middleware was installed
                start_session_clock(session, now)
            deadline = session_deadline(request)
            if deadline is not None and now >= deadline:
                return self.sign_out(request, now)
            if not _is_passive(request) and now - session[SESSION_LAST_SEEN] >= ACTIVITY_RESOLUTION_SECONDS:
                session[SESSION_LAST_SEEN] = now
        return self.get_response(request)

    def sign_out(self, request, now):
        max_end = request.session.get(SESSION_STARTED, now) + settings.SESSION_MAX_AGE.total_seconds()
        if now >= max_end:
            text = _("For your security, sessions last at most %(hours)d hours. Please sign in again.") % {
                "hours": settings.SESSION_MAX_AGE.total_seconds() // 3600
            }
        else:
            text = _("You were signed out after a period without activity. Please sign in again.")
        logout(request)
        storage, owned = _message_storage(request)
        storage.add(messages.INFO, text)
        if _is_passive(request):
            response = self.get_response(request)  # the status view answers "signed out"
        elif request.method == "GET":
            login_url = reverse("account_login")
            response = redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
        else:
            response = redirect("account_login")
        if owned:
            storage.update(response)
        return response


# What a staff member without an authenticator may still open: setting one up, and leaving.
TWO_FACTOR_SETUP_NAMES = (
    "mfa_index",  # /accounts/2fa/: activation, recovery codes, the code step
    "account_reauthenticate",  # allauth asks for the password again before activation
    "account_logout",
    "accounts:session",
    "set_language",
    "healthz",
)


def _two_factor_setup_paths() -> tuple[str, ...]:
    paths = [path for path in map(_reverse_or_none, TWO_FACTOR_SETUP_NAMES) if path]
    return (*paths, settings.STATIC_URL)


class StaffTwoFactorMiddleware:
    """Staff work on citizens' data: until a staff account has TOTP set up, it can only set it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff_role
            and not request.session.get(SESSION_MFA_OK)
            and not request.path.startswith(_two_factor_setup_paths())
        ):
            if totp_authenticator(user) is not None:
                request.session[SESSION_MFA_OK] = True
            else:
                storage, owned = _message_storage(request)
                storage.add(
                    messages.WARNING,
                    _("Staff accounts must use two-factor sign-in. Set up an authenticator app to continue."),
                )
                response = redirect("mfa_activate_totp")
                if owned:
                    storage.update(response)
                return response
        return self.get_response(request)
