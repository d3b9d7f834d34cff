"""Absolute links to the portal's own pages, on one origin: settings.SITE_URL.

Everything read outside the browser tab that asked for it — SMS, email (the portal's and allauth's), the QR
codes on slips and receipts, the gateway's return address, the SMS gateway's callback — is built here, so
that all of them point at the same host. `make run` sets SITE_URL to the address it serves.
"""

from urllib.parse import urlsplit

from django.conf import settings


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
