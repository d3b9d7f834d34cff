"""Simple mode: larger text, stronger colours, one question per page in the filing wizard, a longer idle
limit.

Anyone can turn it on with the toggle in the menu (a cookie, so it works signed out); a citizen's choice is
also saved in the profile, so it follows them to another device. It is on when the cookie or the signed-in
citizen's profile says so. The profile is read once per session (SESSION_KEY), not on every request.
"""

from datetime import timedelta

from django.conf import settings

from . import selectors

COOKIE_NAME = "simple_mode"
COOKIE_MAX_AGE = int(timedelta(days=365).total_seconds())
SESSION_KEY = "_portal_simple_mode"


def is_on(request) -> bool:
    on = getattr(request, "_simple_mode", None)
    if on is None:
        on = request.COOKIES.get(COOKIE_NAME) == "1" or _saved_in_profile(request)
        request._simple_mode = on
    return on


def _saved_in_profile(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_citizen:
        return False
    if SESSION_KEY not in request.session:
        request.session[SESSION_KEY] = selectors.simple_mode_saved(user)
    return bool(request.session[SESSION_KEY])


def load_into_session(request, user) -> None:
    """At sign-in, where the session is written anyway: the pages after it read the choice from the session,
    so no page pays a query for it."""
    if user.is_citizen:
        request.session[SESSION_KEY] = selectors.simple_mode_saved(user)


def remember(request, response, *, on: bool) -> None:
    """After the choice changed: this request, the session and the cookie say the same from now on."""
    request._simple_mode = on
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        request.session[SESSION_KEY] = on
    if on:
        response.set_cookie(
            COOKIE_NAME,
            "1",
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
