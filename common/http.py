"""What the portal reads from a request itself: the client's address (for rate limits and the payment's
payer IP), and which browser it is (for the sign-in history)."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The address of the person's browser.

    With no trusted proxy (TRUSTED_PROXY_COUNT=0, the default) it is REMOTE_ADDR: X-Forwarded-For is written
    by the client and could move it to a fresh counter at will. Behind N proxies of our own (the load
    balancer), each appends the address it received from, so the client's is the N-th entry from the
    right; the entries left of it are the client's own writing and are never read.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    chosen = hops[-min(count, len(hops))]
    try:
        return str(ipaddress.ip_address(chosen))
    except ValueError:  # not an address: a proxy that is not ours, or a broken header
        return remote


def client_address(request) -> str | None:
    """client_ip when it is an IP address; None when there is none to read (no REMOTE_ADDR, a unix socket):
    for what must hold an address (the payment's payer IP, a network match, an address column)."""
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


# (what the User-Agent contains, what to call it), the first match wins: Edge and Cốc Cốc say "Chrome" too,
# Chrome says "Safari".
_BROWSERS = (
    ("Edg/", "Edge"),
    ("coc_coc_browser", "Cốc Cốc"),
    ("Zalo", "Zalo"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def describe_browser(user_agent: str) -> str:
    """ "Chrome, Android" from a User-Agent header ("" when it names none of the common ones)."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    return ", ".join(part for part in (browser, system) if part)
