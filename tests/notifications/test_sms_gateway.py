"""The HTTP SMS-gateway client against a local fake gateway, and its signed delivery receipts."""

import json
import time

import pytest
from django.urls import reverse

from notifications import signing
from notifications.models import Channel, Notification, Status
from notifications.providers import PermanentError, TransientError
from notifications.providers.sms_http import HttpSMSGateway
from notifications.services import deliver, notify

SECRET = "receipt-secret"


@pytest.fixture
def gateway(settings, fake_http):
    settings.SMS_BACKEND = "notifications.providers.sms_http.HttpSMSGateway"
    settings.SMS_GATEWAY_URL = fake_http.url
    settings.SMS_GATEWAY_API_KEY = "key-123"
    settings.SMS_SENDER_NAME = "UBND TINH"
    settings.SMS_GATEWAY_TIMEOUT = 0.5
    return fake_http


def test_the_request_carries_number_sender_text_reference_and_credentials(gateway, settings):
    gateway.default = (202, {"message_id": "gw-77"}, 0)
    assert HttpSMSGateway().send(to="0912 345 678", text="Ho so X", reference="ref-1") == "gw-77"
    request = gateway.requests[0]
    assert request.json() == {
        "to": "84912345678",
        "from": "UBND TINH",
        "text": "Ho so X",
        "reference": "ref-1",
        "callback_url": f"{settings.SITE_URL}/notifications/sms/receipt/",
    }
    assert request.headers["Authorization"] == "Bearer key-123"
    assert request.headers["Idempotency-Key"] == "ref-1"


@pytest.mark.parametrize(
    ("answer", "error", "text"),
    [
        ((500, {}, 0), TransientError, "500"),
        ((503, {}, 0), TransientError, "503"),
        ((200, {}, 1.0), TransientError, "unreachable"),  # slower than the client's timeout
        ((400, {"error": "bad number"}, 0), PermanentError, "400"),
        ((401, {}, 0), PermanentError, "401"),
        ((429, {}, 0), TransientError, "429"),  # the gateway's rate limit: later, not wrong
    ],
)
def test_5xx_timeouts_and_rate_limits_are_transient_other_4xx_permanent(gateway, answer, error, text):
    gateway.default = answer
    with pytest.raises(error, match=text):
        HttpSMSGateway().send(to="0912345678", text="x", reference="r")


def test_an_unreachable_gateway_is_transient(settings):
    from tests.services_support import free_port

    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{free_port()}/sms"
    with pytest.raises(TransientError):
        HttpSMSGateway().send(to="0912345678", text="x", reference="r")


def test_accepted_without_an_id_keeps_our_reference(gateway):
    gateway.default = (200, {}, 0)
    assert HttpSMSGateway().send(to="0912345678", text="x", reference="ref-9") == "ref-9"


# --- receipts -------------------------------------------------------------------------------------------
@pytest.fixture
def sent_sms(db, citizen, gateway, settings):
    settings.SMS_GATEWAY_CALLBACK_SECRET = SECRET
    gateway.default = (200, {"message_id": "gw-1"}, 0)
    rows = notify(recipient=citizen, event="dossier_received", context={})
    sms = next(r for r in rows if r.channel == Channel.SMS)
    deliver(sms.pk)
    sms.refresh_from_db()
    assert sms.status == Status.SENT
    return sms


def post_receipt(client, payload: dict, *, secret=SECRET, timestamp=None, signature=None):
    body = json.dumps(payload).encode()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    return client.post(
        reverse("notifications:sms_receipt"),
        data=body,
        content_type="application/json",
        headers={
            "X-Timestamp": timestamp,
            "X-Signature": signature or signing.sign(secret, timestamp, body),
        },
    )


def test_a_signed_receipt_marks_the_sms_delivered_once(client, sent_sms):
    response = post_receipt(client, {"message_id": "gw-1", "status": "DELIVERED"})
    assert response.status_code == 200 and response.json()["status"] == "delivered"
    sent_sms.refresh_from_db()
    assert sent_sms.status == Status.DELIVERED and sent_sms.delivered_at is not None
    delivered_at = sent_sms.delivered_at
    assert post_receipt(client, {"message_id": "gw-1", "status": "delivered"}).status_code == 200
    sent_sms.refresh_from_db()
    assert sent_sms.delivered_at == delivered_at


def test_an_undelivered_receipt_fails_the_row_with_the_reason(client, sent_sms):
    post_receipt(client, {"reference": str(sent_sms.key), "status": "undelivered", "error": "phone off"})
    sent_sms.refresh_from_db()
    assert sent_sms.status == Status.FAILED and sent_sms.last_error == "phone off"


def test_intermediate_receipts_change_nothing(client, sent_sms):
    assert post_receipt(client, {"message_id": "gw-1", "status": "queued"}).json()["ignored"] == "queued"
    sent_sms.refresh_from_db()
    assert sent_sms.status == Status.SENT


@pytest.mark.parametrize(
    "tamper",
    [
        {"secret": "wrong-secret"},
        {"signature": "0" * 64},
        {"timestamp": int(time.time()) - 3600},  # replayed an hour later
    ],
)
def test_unsigned_forged_or_stale_receipts_are_refused(client, sent_sms, tamper):
    response = post_receipt(client, {"message_id": "gw-1", "status": "delivered"}, **tamper)
    assert response.status_code == 403
    sent_sms.refresh_from_db()
    assert sent_sms.status == Status.SENT


def test_receipts_without_a_configured_secret_are_refused(client, sent_sms, settings):
    settings.SMS_GATEWAY_CALLBACK_SECRET = ""
    assert post_receipt(client, {"message_id": "gw-1", "status": "delivered"}, secret="").status_code == 403


def test_bad_or_unknown_receipts_get_a_clear_answer(client, sent_sms):
    assert post_receipt(client, {"message_id": "nope", "status": "delivered"}).status_code == 404
    assert post_receipt(client, {"status": "delivered"}).status_code == 400
    timestamp = str(int(time.time()))
    response = client.post(
        reverse("notifications:sms_receipt"),
        data=b"not json",
        content_type="application/json",
        headers={"X-Timestamp": timestamp, "X-Signature": signing.sign(SECRET, timestamp, b"not json")},
    )
    assert response.status_code == 400
    assert client.get(reverse("notifications:sms_receipt")).status_code == 405
    assert Notification.objects.get(pk=sent_sms.pk).status == Status.SENT


@pytest.mark.parametrize(
    "header",
    [
        {"signature": "é" * 64},  # a latin-1 header as a WSGI server decodes it: used to raise TypeError
        {"signature": "ữ" + "0" * 63},
        {"signature": "zz" * 32},
        {"signature": "0" * 65},
        {"timestamp": "١٧٠٠٠٠٠٠٠٠"},  # Arabic-Indic digits, which int() accepts
        {"timestamp": "9" * 400},  # too large for a float
        {"timestamp": "-1"},
    ],
)
def test_receipts_with_malformed_signature_headers_are_refused_not_a_server_error(client, sent_sms, header):
    response = post_receipt(client, {"message_id": "gw-1", "status": "delivered"}, **header)
    assert response.status_code == 403
    assert Notification.objects.get(pk=sent_sms.pk).status == Status.SENT
