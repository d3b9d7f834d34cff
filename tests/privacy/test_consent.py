"""Consent to the privacy notice at sign-up and again when a new version is published; the optional email
and SMS channels can be withdrawn; the notice page is public."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import CitizenProfile, User
from common import clock
from privacy import services
from privacy.models import Consent, PrivacyNotice
from tests.dossiers.factories_extra import citizen, sign_in

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Trần Thị Mai",
    "email": "mai.privacy@example.vn",
    "password1": "lotus-pond-2026",
    "password2": "lotus-pond-2026",
}


def test_the_seeded_notice_is_public_and_names_the_contact(client, settings):
    notice = PrivacyNotice.objects.get(version=1)
    page = client.get(reverse("privacy:notice"))
    assert page.status_code == 200
    html = page.content.decode()
    assert notice.title in html and "91/2025/QH15" in html and "Quyền của Ông/Bà" in html


def test_signup_requires_ticking_the_notice(client):
    refused = client.post(reverse("account_signup"), SIGNUP)
    assert refused.status_code == 200 and not User.objects.filter(email=SIGNUP["email"]).exists()
    assert "tick the box" in refused.content.decode() or "đánh dấu" in refused.content.decode()


def test_signup_records_the_consent_with_version_and_time(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "privacy_consent": "on"})
    assert response.status_code == 302
    consent = Consent.objects.get(user__email=SIGNUP["email"])
    assert (consent.purpose, consent.how, consent.notice.version) == ("notice", "signup", 1)
    assert abs(consent.at - clock.now()) < datetime.timedelta(minutes=1)


def _new_version():
    return PrivacyNotice.objects.create(
        version=2,
        title="Thông báo mới",
        text="Nội dung mới",
        published_at=clock.now() - datetime.timedelta(seconds=1),
    )


def test_a_citizen_who_accepted_an_older_notice_must_accept_the_new_one(client):
    user = citizen()
    services.record_notice_consent(user=user, how=Consent.How.SIGNUP)
    _new_version()
    sign_in(client, user)

    sent = client.get(reverse("dossiers:mine"))
    assert sent.status_code == 302 and sent["Location"].startswith(reverse("privacy:accept"))
    assert client.get(reverse("privacy:notice")).status_code == 200  # the notice itself stays open
    assert client.get(reverse("privacy:accept")).status_code == 200

    accepted = client.post(reverse("privacy:accept"), {"next": reverse("dossiers:mine")})
    assert accepted.status_code == 302 and accepted["Location"] == reverse("dossiers:mine")
    assert Consent.objects.filter(user=user, notice__version=2, how="reconsent").exists()
    assert client.get(reverse("dossiers:mine")).status_code == 200


def test_what_stays_open_before_accepting_is_read_after_the_script_prefix(client):
    """The portal mounted under a path (SCRIPT_NAME): its assets and API stay open, its pages are stopped."""
    from django.urls import clear_script_prefix, set_script_prefix

    user = citizen()
    services.record_notice_consent(user=user, how=Consent.How.SIGNUP)
    _new_version()
    sign_in(client, user)
    set_script_prefix("/cong-dvc/")  # what the WSGI handler sets from SCRIPT_NAME
    try:
        assets = client.get("/jsi18n/", SCRIPT_NAME="/cong-dvc")
        mine = client.get("/dossiers/", SCRIPT_NAME="/cong-dvc")
        notice = client.get("/quyen-rieng-tu/", SCRIPT_NAME="/cong-dvc")
    finally:
        clear_script_prefix()
    assert assets.status_code == 200 and notice.status_code == 200
    assert mine.status_code == 302 and mine["Location"].startswith("/cong-dvc/quyen-rieng-tu/dong-y/")


def test_the_accept_page_does_not_redirect_to_another_site(client):
    user = citizen()
    sign_in(client, user)
    response = client.post(reverse("privacy:accept"), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("privacy:my_data")


def test_staff_and_citizens_with_the_current_notice_are_not_stopped(client):
    user = citizen()
    services.record_notice_consent(user=user, how=Consent.How.SIGNUP)
    sign_in(client, user)
    assert client.get(reverse("dossiers:mine")).status_code == 200


def test_withdrawing_email_and_sms_turns_the_channels_off_and_records_when(client):
    user = citizen()
    sign_in(client, user)
    response = client.post(reverse("privacy:channels"), {"notify_by_email": "on"})
    assert response.status_code == 302
    profile = CitizenProfile.objects.get(user=user)
    assert profile.notify_by_email and not profile.notify_by_sms
    sms = Consent.objects.get(user=user, purpose="sms")
    assert sms.withdrawn_at is not None
    assert Consent.objects.get(user=user, purpose="email").withdrawn_at is None

    client.post(reverse("privacy:channels"), {"notify_by_sms": "on"})
    profile.refresh_from_db()
    assert profile.notify_by_sms and not profile.notify_by_email
    assert Consent.objects.filter(user=user, purpose="sms", withdrawn_at__isnull=True).count() == 1
    assert Consent.objects.get(user=user, purpose="email").withdrawn_at is not None
