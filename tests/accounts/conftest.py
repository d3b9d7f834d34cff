import time
from types import SimpleNamespace

import pytest


@pytest.fixture
def client(client):
    """Pages in English, so that tests can read allauth's messages (the site's default language is vi)."""
    client.cookies["portal_language"] = "en"
    return client


class AllauthClock:
    """allauth's rate limits read time.time(); `advance` moves only their window, as if the person had
    waited, and leaves the portal's clock (and so the account lock's hour) alone."""

    def __init__(self):
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def allauth_clock(monkeypatch):
    from allauth.core.internal import ratelimit

    clock = AllauthClock()
    monkeypatch.setattr(
        ratelimit, "time", SimpleNamespace(time=clock.time, monotonic=time.monotonic, sleep=time.sleep)
    )
    return clock
