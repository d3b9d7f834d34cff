"""The level of assurance (LoA) of the current sign-in through the national identity service.

The national sign-in stores the LoA it was given (1 or 2, from the provider's claims) in the session as
``identity_loa``; a local password sign-in stores nothing, which counts as 0.
"""

from django.http import HttpRequest

SESSION_KEY = "identity_loa"


def current_loa(request: HttpRequest) -> int:
    """The LoA of this session's sign-in: 1 or 2 through the national identity service, 0 otherwise."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    try:
        loa = int(request.session.get(SESSION_KEY, 0))
    except (TypeError, ValueError):
        return 0
    return loa if loa in (1, 2) else 0


def remember_loa(request: HttpRequest, loa: int | None) -> None:
    """Called at every sign-in: the national identity service's LoA, or None for a local password."""
    if loa in (1, 2):
        request.session[SESSION_KEY] = loa
    else:
        request.session.pop(SESSION_KEY, None)
