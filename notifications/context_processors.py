from functools import cache

from . import selectors


def inbox(request):
    """`unread_notices` for the header: counted at most once per request, and only if a template asks."""
    user = getattr(request, "user", None)

    @cache
    def unread_notices() -> int:
        return selectors.unread_count(user) if user is not None else 0

    return {"unread_notices": unread_notices}
