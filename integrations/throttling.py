"""Per-client rate limit (ApiClient.rate_limit_per_minute): a counter per client and clock minute in the
cache (one atomic INCR on Redis), like the portal's other limits. With Redis down the cache falls back to
each process's memory (common.cache), so during an outage a client gets at most its limit per minute per
web process."""

import math
import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from .permissions import identity

WINDOW_SECONDS = 60


def seconds_now() -> float:
    return time.time()


class ClientRateThrottle(BaseThrottle):
    def allow_request(self, request, view):
        found = identity(request)
        if found is None:
            return True
        now = seconds_now()
        window = int(now // WINDOW_SECONDS)
        self.retry_after = (window + 1) * WINDOW_SECONDS - now
        key = f"api-throttle:{found.client.pk}:{window}"
        cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
            count = 1
        return count <= found.client.rate_limit_per_minute

    def wait(self):
        return max(math.ceil(self.retry_after), 1)
