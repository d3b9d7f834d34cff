import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import gettext_lazy as _

from accounts import simple_mode
from accounts.middleware import session_deadline
from common.links import reversed_once


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


LAYOUT_URL_NAMES = {
    "session": "accounts:session",
    "inbox": "notifications:inbox",
    "simple_mode": "accounts:simple_mode",
    "logout": "account_logout",
    "set_language": "set_language",
}


@functools.cache
def _layout_urls(script_prefix: str, urlconf: str) -> dict[str, str]:
    """The addresses base.html writes on every page outside its kept fragments (common.links.reversed_once),
    as one dict per prefix and URL configuration: looking each up on every page costs 20 µs more. `scope`:
    what base.html's kept fragments are also keyed by, their links being reversed under this prefix."""
    urls = {key: reversed_once(name) for key, name in LAYOUT_URL_NAMES.items()}
    return {**urls, "scope": f"{script_prefix} {urlconf}"}
