"""One origin for every absolute link the portal sends — SMS, email (its own and allauth's), the slips' QR
codes, the payment gateway's return address: SITE_URL, through common.links (issue 12, item 15). Before,
SMS and slips used SITE_URL while allauth's mails and the return address used the request's host."""

import re
import urllib.parse

import pytest
from django.core import mail
from django.urls import reverse

from common.links import absolute_url
from common.pdf import qr_data_uri
from dossiers import selectors, slips
from dossiers.models import State
from notifications.models import Notification
from tests.dossiers.factories_core import case_in
from tests.payments.support import filed

pytestmark = pytest.mark.django_db

ORIGIN = "https://dichvucong.ninhbinh.gov.vn"
ELSEWHERE = {"HTTP_HOST": "10.0.0.7:8000"}  # the host a request came to: never the links' origin
URL = re.compile(r"https?://[^\s/]+")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = ORIGIN + "/"  # a trailing slash in the setting is harmless
    settings.ALLOWED_HOSTS = ["testserver", "10.0.0.7"]


def test_an_sms_an_email_and_a_slip_qr_code_carry_the_same_origin():
    dossier = case_in(State.RECEIVED).dossier
    rows = Notification.objects.filter(dossier_id=dossier.pk, event="dossier_received")
    email, sms = rows.get(channel="email"), rows.get(channel="sms")

    page = f"{ORIGIN}/dossiers/{dossier.pk}/"
    assert page in email.body and page in sms.body
    lookup = f"{ORIGIN}/dossiers/lookup/?code={dossier.code}"
    assert selectors.lookup_url(dossier) == lookup
    context = slips.slip_context(dossier, "receipt")
    assert context["lookup_url"] == lookup and context["qr"] == qr_data_uri(lookup)
    assert {*URL.findall(email.body), *URL.findall(sms.body), *URL.findall(context["lookup_url"])} == {ORIGIN}


def test_the_payment_gateway_returns_the_payer_to_the_configured_origin(client):
    dossier = filed()
    client.force_login(dossier.applicant)
    page = client.get(reverse("payments:dossier", args=[dossier.pk]), **ELSEWHERE).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)

    to_bank = client.post(reverse("payments:pay", args=[dossier.pk]), {"idempotency_key": key}, **ELSEWHERE)

    fields = dict(urllib.parse.parse_qsl(to_bank.url.split("?", 1)[1]))
    assert fields["vnp_ReturnUrl"] == f"{ORIGIN}/payments/return/sandbox/"


def test_allauths_mails_link_to_the_configured_origin_not_the_requests_host(client):
    client.post(
        reverse("account_signup"),
        {
            "full_name": "Phạm Thị Hoa",
            "email": "hoa@example.vn",
            "password1": "Hoa-mat-khau-2026",
            "password2": "Hoa-mat-khau-2026",
            "privacy_consent": "on",
        },
        **ELSEWHERE,
    )
    client.post(reverse("account_reset_password"), {"email": "nobody@example.vn"}, **ELSEWHERE)

    confirm, unknown = mail.outbox
    assert f"{ORIGIN}/accounts/confirm-email/" in confirm.body
    assert f"{ORIGIN}/accounts/signup/" in unknown.body
    assert "10.0.0.7" not in confirm.body + unknown.body
    assert "dichvucong.ninhbinh.gov.vn" in confirm.body  # the Site's domain in the greeting follows too


def test_absolute_url_takes_a_path_on_the_portal_only():
    assert absolute_url("/dossiers/lookup/?code=X") == f"{ORIGIN}/dossiers/lookup/?code=X"
    for outside in ("https://evil.example/", "//evil.example/", "dossiers/"):
        with pytest.raises(ValueError):
            absolute_url(outside)
