"""What the portal reads from a request itself: the client's address (for rate limits and the payment's
payer IP)."""

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
