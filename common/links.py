"""Absolute links to the portal's own pages, on one origin: settings.SITE_URL.

Everything read outside the browser tab that asked for it — SMS, email (the portal's and allauth's), the QR
codes on slips and receipts, the gateway's return address, the SMS gateway's callback — is built here, so
that all of them point at the same host. `make run` sets SITE_URL to the address it serves.
"""

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def site_origin() -> str:
    """scheme://host[:port] of the portal, without a trailing slash."""
    return str(settings.SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """The portal page at `path` (what reverse() returns, with its query string if any) as an absolute URL."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"A path on the portal is expected, not {path!r}")
    return site_origin() + path


def site_host() -> str:
    """host[:port] of the portal: the Site's domain in allauth's mails."""
    return urlsplit(site_origin()).netloc or "localhost"


def site_hostname() -> str:
    """The host name alone: the right-hand side of the Message-IDs of the portal's mail."""
    return urlsplit(site_origin()).hostname or "localhost"


def reversed_once(name: str) -> str:
    """reverse(name), of a URL without arguments, computed once per process for each script prefix (the
    portal mounted under a path: SCRIPT_NAME) and URL configuration: the addresses every request checks or
    writes. NoReverseMatch as reverse()."""
    return _reversed(name, get_script_prefix(), get_urlconf())


@functools.cache
def _reversed(name: str, script_prefix: str, urlconf: str | None) -> str:
    return reverse(name, urlconf=urlconf)  # reverse() reads the prefix itself: it is part of the key only
