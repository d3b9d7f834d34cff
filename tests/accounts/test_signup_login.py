import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import Role, User

from .factories_extra import PASSWORD, EmailAddressFactory, verified_user

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Trần Thị Mai",
    "email": "mai@example.vn",
    "password1": "lotus-pond-2026",
    "password2": "lotus-pond-2026",
    "privacy_consent": "on",  # the privacy notice (privacy/), required at sign-up
}


def _confirmation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_signup_creates_a_citizen_and_sends_a_verification_link(client):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="mai@example.vn")
    assert user.role == Role.CITIZEN
    assert user.full_name == "Trần Thị Mai"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mai@example.vn"]
    assert mail.outbox[0].subject.startswith("[Cổng DVC] ")
    assert "Cổng dịch vụ công" in mail.outbox[0].body  # the Site is named (accounts migration 0003)
    assert "example.com" not in mail.outbox[0].body
    _confirmation_link(mail.outbox[0])
    assert "_auth_user_id" not in client.session


def test_following_the_link_verifies_the_address_and_signs_in(client):
    client.post(reverse("account_signup"), SIGNUP)
    link = _confirmation_link(mail.outbox[0])

    page = client.get(link)  # a GET only shows the confirm button: mail scanners must not confirm
    assert page.status_code == 200
    assert not EmailAddress.objects.get(email="mai@example.vn").verified

    response = client.post(link)

    assert EmailAddress.objects.get(email="mai@example.vn").verified
    assert client.session["_auth_user_id"] == str(User.objects.get(email="mai@example.vn").pk)
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")  # a new citizen fills in their details first


def test_login_with_an_unverified_address_is_refused_with_a_message(client):
    user = verified_user()
    EmailAddress.objects.filter(user=user).update(verified=False)

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True)

    assert "_auth_user_id" not in client.session
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert "We have sent an email to you for verification" in response.content.decode()
    assert len(mail.outbox) == 1  # a fresh verification link


def test_login_with_a_verified_address_goes_to_the_dashboard(client):
    user = verified_user()

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")  # no profile yet
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_is_refused(client):
    user = verified_user()

    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "The email address and/or password you specified are not correct." in response.content.decode()


def test_password_reset_mail_has_a_working_link(client):
    user = verified_user()

    response = client.post(reverse("account_reset_password"), {"email": user.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    # allauth moves the key out of the URL into the session, then shows the form.
    form_page = client.get(match.group(1), follow=True)
    assert form_page.status_code == 200
    change_url = form_page.redirect_chain[-1][0]
    done = client.post(change_url, {"password1": "new-lotus-2026", "password2": "new-lotus-2026"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("new-lotus-2026")


def test_password_reset_for_an_unknown_address_looks_the_same(client):
    verified_user(email="known@example.vn")

    known = client.post(reverse("account_reset_password"), {"email": "known@example.vn"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.vn"})

    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)


def test_signup_with_an_address_already_in_use_reveals_nothing(client):
    EmailAddressFactory(user__email="mai@example.vn")

    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email="mai@example.vn").count() == 1
