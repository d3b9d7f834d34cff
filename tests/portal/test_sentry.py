"""Error reporting (common/sentry.py): off unless SENTRY_DSN is set; when on, with the Django and Celery
integrations, and what leaves the portal has no personal ID number, phone number or email in clear. No
network: a transport that keeps the envelopes stands in for the HTTP one."""

import json
import logging
import os
import subprocess
import sys

import pytest
import sentry_sdk
from django.conf import settings
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.transport import Transport

from common.sentry import init_sentry

DSN = "https://public-key@glitchtip.example.gov.vn/3"
CLEAR = ["001234567845", "0912345678", "an.nguyen@example.vn"]


class KeepingTransport(Transport):
    def __init__(self) -> None:
        super().__init__()
        self.envelopes = []

    def capture_envelope(self, envelope) -> None:
        self.envelopes.append(envelope)


@pytest.fixture
def reporting():
    """Sentry started for one test, then stopped: the next tests run with error reporting off again."""
    transport = KeepingTransport()
    assert init_sentry(dsn=DSN, environment="test", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)  # back to the non-recording client of "no DSN"
    assert not sentry_sdk.get_client().is_active()


def test_error_reporting_is_off_without_a_dsn():
    assert settings.SENTRY_DSN == ""
    assert not sentry_sdk.get_client().is_active()
    assert init_sentry(dsn="", environment="test") is False
    assert not sentry_sdk.get_client().is_active()


def test_a_reported_error_leaves_with_its_personal_data_masked(reporting):
    client = sentry_sdk.get_client()
    assert client.is_active() and not client.should_send_default_pii()
    assert client.get_integration(DjangoIntegration) and client.get_integration(CeleryIntegration)

    logging.getLogger("portal.tests").warning("Looking up %s for %s", "001234567845", "an.nguyen@example.vn")
    with sentry_sdk.new_scope() as scope:
        scope.set_extra("applicant", {"phone": "0912345678"})
        try:
            raise ValueError("No dossier for 001234567845 (0912345678)")
        except ValueError as error:
            sentry_sdk.capture_exception(error)
    sentry_sdk.flush()

    events = [
        item.payload.json
        for envelope in reporting.envelopes
        for item in envelope.items
        if item.type == "event"
    ]
    assert len(events) == 1
    sent = json.dumps(events[0], ensure_ascii=False)
    assert "No dossier for 0012******45 (0*******78)" in sent
    assert "0*******78" in json.dumps(events[0]["extra"])
    assert "Looking up 0012******45 for a***@example.vn" in sent  # the log line, as a breadcrumb
    for clear in CLEAR:
        assert clear not in sent


@pytest.mark.parametrize(("dsn", "active"), [("", "False"), (DSN, "True")])
def test_the_settings_start_error_reporting_only_with_a_dsn(dsn, active):
    code = "import django, sentry_sdk; django.setup(); print(sentry_sdk.get_client().is_active())"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "SENTRY_DSN": dsn}
    out = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip().splitlines()[-1] == active
