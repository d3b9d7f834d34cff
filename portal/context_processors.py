import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from accounts import simple_mode
from accounts.middleware import session_deadline


def site(request):
    deadline = session_deadline(request) if hasattr(request, "user") else None
    simple = simple_mode.is_on(request)
    warning = settings.SESSION_WARNING_BEFORE_SIMPLE if simple else settings.SESSION_WARNING_BEFORE
    return {
        "SITE_NAME": _("Public Service Portal"),
        "session_deadline": int(deadline) if deadline else None,
        "session_warning_seconds": int(warning.total_seconds()),
        "simple_mode": simple,
        "layout_urls": _layout_urls(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF),
    }


@functools.cache
def _layout_urls(script_prefix: str, urlconf: str) -> dict[str, str]:
    """The addresses base.html writes on every page outside its kept fragments, reversed once per process
    (per prefix and URL configuration: the addresses depend on nothing else). Six {% url %} a page cost
    about 0.15 ms."""
    names = {
        "session": "accounts:session",
        "inbox": "notifications:inbox",
        "simple_mode": "accounts:simple_mode",
        "logout": "account_logout",
        "set_language": "set_language",
    }
    urls = {key: reverse(name, urlconf=urlconf) for key, name in names.items()}
    # What base.html's kept fragments are also keyed by: their links are reversed under this prefix.
    return {**urls, "scope": f"{script_prefix} {urlconf}"}
