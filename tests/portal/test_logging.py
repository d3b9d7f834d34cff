"""The portal's logs (common/logging.py, settings.LOGGING): no personal ID number, phone number or email in
clear, whoever logs it and however; each request has an id, echoed in X-Request-ID and in its log lines
with the user's id; the production shape writes one JSON object a line."""

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings

from common.logging import mask_personal_data, request_id_from
from tests.factories import UserFactory

ID_NUMBER, PHONE, EMAIL = "001234567845", "0912345678", "an.nguyen@example.vn"
ID_AS_NUMBER = 791234567845
CLEAR = [ID_NUMBER, str(ID_AS_NUMBER), PHONE, EMAIL, "912345678", "an.nguyen"]


@pytest.fixture
def console():
    """What the configured console handler writes (its filters and formatter as settings.LOGGING says)."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def json_handler(stream: io.StringIO) -> logging.Handler:
    """A handler built from settings.LOGGING's json formatter and filters (LOG_FORMAT=json)."""
    configurator = logging.config.DictConfigurator({})
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configurator.configure_formatter(dict(settings.LOGGING["formatters"]["json"])))
    for name in settings.LOGGING["handlers"]["console"]["filters"]:
        config = dict(settings.LOGGING["filters"][name])
        if "missing" in config:
            config["missing"] = None  # what LOG_FORMAT=json sets: null outside a request
        handler.addFilter(configurator.configure_filter(config))
    return handler


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("CCCD 001234567845", "CCCD 0012******45"),
        ("gọi 0912345678 nhé", "gọi 0*******78 nhé"),
        ("+84912345678", "+84*******78"),
        ("0912.345.678 / 0912 345 678", "0*******78 / 0*******78"),
        ("máy bàn 02438221234", "máy bàn 0********34"),
        ("gửi an.nguyen@example.vn", "gửi a***@example.vn"),
        (
            "hồ sơ 000.00.01.H43-250101-0001, 150000000 đồng",
            "hồ sơ 000.00.01.H43-250101-0001, 150000000 đồng",
        ),
    ],
)
def test_personal_data_is_masked_and_other_figures_are_left_alone(text, masked):
    assert mask_personal_data(text) == masked


def test_logged_id_numbers_phones_and_emails_never_appear_in_clear(console):
    logger = logging.getLogger("portal.tests")
    logger.warning("Applicant %s phone %s email %s", ID_AS_NUMBER, PHONE, EMAIL)
    logger.warning("Applicant %(id)s", {"id": ID_NUMBER}, extra={"contact": {"email": EMAIL, "phone": PHONE}})
    try:
        raise ValueError(f"no account for {EMAIL} / {ID_NUMBER}")
    except ValueError:
        logger.exception("Lookup failed for %s", PHONE)
    output = console.getvalue()
    assert "Lookup failed for 0*******78" in output and "ValueError: no account for a***@example.vn" in output
    assert "Applicant 7912******45 phone 0*******78 email a***@example.vn" in output
    assert "0012******45" in output
    for clear in CLEAR:
        assert clear not in output


def test_json_lines_carry_time_level_logger_message_and_masked_extras():
    stream = io.StringIO()
    logger = logging.getLogger("portal.tests.json")
    logger.addHandler(handler := json_handler(stream))
    try:
        logger.warning("SMS to %s failed", PHONE, extra={"recipient_email": EMAIL})
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue().strip())
    assert line["level"] == "WARNING" and line["logger"] == "portal.tests.json"
    assert line["message"] == "SMS to 0*******78 failed" and line["recipient_email"] == "a***@example.vn"
    assert line["time"].startswith("20") and "T" in line["time"]
    assert line["request_id"] is None and line["user_id"] is None  # outside a request
    for clear in CLEAR:
        assert clear not in stream.getvalue()


@pytest.mark.django_db
def test_a_request_gets_an_id_echoed_in_the_response_and_in_its_log_lines(client, console):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="lb-7f3a9c2e-41d0")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "lb-7f3a9c2e-41d0"
    line = next(line for line in console.getvalue().splitlines() if "Not Found" in line)
    assert f"[lb-7f3a9c2e-41d0 user={user.pk}]" in line


@pytest.mark.django_db
@pytest.mark.parametrize("given", ["", "short", "x" * 65, "has space inside", "new\nline-injected-id"])
def test_a_request_id_that_does_not_look_like_one_is_replaced(client, given):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=given)
    assert response["X-Request-ID"] != given and len(response["X-Request-ID"]) == 32
    assert request_id_from(given) != given


@pytest.mark.django_db
def test_each_request_without_an_id_gets_its_own(client):
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert first != second
