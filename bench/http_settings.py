"""The portal's settings with the ceiling pages of bench/http_pages.py mounted beside its own (bench only)."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.http_urls"
