"""What the portal reads from a request itself: the client's address (for rate limits and the payment's
payer IP)."""


def client_ip(request) -> str:
    # REMOTE_ADDR, not X-Forwarded-For: a header the client writes cannot move it to a fresh counter.
    return request.META.get("REMOTE_ADDR", "") or "unknown"
