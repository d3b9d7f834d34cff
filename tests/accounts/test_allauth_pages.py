"""allauth's pages render inside the portal layout, and every control has a visible label."""

import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse

from .factories_extra import PASSWORD, TOTPAuthenticatorFactory, verified_user

pytestmark = pytest.mark.django_db


class _Controls(HTMLParser):
    """Inputs inside <main> that a person fills in, and the ids that a <label for> points at."""

    def __init__(self):
        super().__init__()
        self.in_main = False
        self.controls, self.labelled, self.placeholders = [], set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        if not self.in_main:
            return
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden", "submit"}:
            self.controls.append(attrs.get("id"))
            if "placeholder" in attrs:
                self.placeholders.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False


def _assert_portal_page_with_labelled_controls(response):
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="skip-link"' in content and 'class="site-header"' in content  # our base.html
    parser = _Controls()
    parser.feed(content)
    assert parser.controls, "expected a form on this page"
    unlabelled = [control for control in parser.controls if control not in parser.labelled]
    assert not unlabelled, f"controls without a visible label: {unlabelled}"
    assert not parser.placeholders, f"placeholders repeating labels: {parser.placeholders}"


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_entrance_pages(client, name):
    _assert_portal_page_with_labelled_controls(client.get(reverse(name)))


def test_entrance_page_errors_are_announced(client):
    response = client.post(reverse("account_signup"), {"email": "not-an-email"})

    content = response.content.decode()
    assert content.count('role="alert"') >= 3
    assert 'aria-invalid="true"' in content
    assert 'aria-describedby="id_email_error"' in content


def test_email_confirmation_page(client):
    client.post(
        reverse("account_signup"),
        {
            "full_name": "A",
            "email": "a@example.vn",
            "password1": "lotus-pond-2026",
            "password2": "lotus-pond-2026",
            "privacy_consent": "on",
        },
    )
    link = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body).group(1)

    response = client.get(link)

    assert response.status_code == 200
    assert 'class="skip-link"' in response.content.decode()
    assert "Confirm" in response.content.decode()


def test_password_reset_from_key_page(client):
    user = verified_user()
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body).group(1)

    _assert_portal_page_with_labelled_controls(client.get(link, follow=True))


@pytest.mark.parametrize("name", ["account_email", "account_change_password"])
def test_manage_pages(client, name):
    client.force_login(verified_user())

    response = client.get(reverse(name))

    _assert_portal_page_with_labelled_controls(response)
    assert 'class="breadcrumb"' in response.content.decode()


def test_two_factor_index_page(client):
    client.force_login(verified_user())

    response = client.get(reverse("mfa_index"))

    assert response.status_code == 200
    assert 'class="card panel"' in response.content.decode()


def test_totp_activation_and_reauthentication_pages(client):
    client.force_login(verified_user())
    reauthenticate = client.get(reverse("mfa_activate_totp"), follow=True)
    _assert_portal_page_with_labelled_controls(reauthenticate)
    client.post(reauthenticate.redirect_chain[-1][0], {"password": PASSWORD})

    response = client.get(reverse("mfa_activate_totp"))

    _assert_portal_page_with_labelled_controls(response)
    assert 'class="qr-code"' in response.content.decode()


def test_totp_code_step_page(client):
    clerk = verified_user(clerk=True)
    TOTPAuthenticatorFactory(user=clerk)
    client.post(reverse("account_login"), {"login": clerk.email, "password": PASSWORD})

    response = client.get(reverse("mfa_authenticate"))

    _assert_portal_page_with_labelled_controls(response)
    assert 'class="link-button"' in response.content.decode()  # "Cancel" signs out of the half-done sign-in


def test_the_totp_code_field_is_called_a_verification_code_in_vietnamese(client):
    """Not "Mã hồ sơ" (a dossier's code): a stray translation of allauth's "Code" used to say so."""
    clerk = verified_user(clerk=True)
    TOTPAuthenticatorFactory(user=clerk)
    client.post(reverse("account_login"), {"login": clerk.email, "password": PASSWORD})

    client.cookies["portal_language"] = "vi"
    page = client.get(reverse("mfa_authenticate")).content.decode()

    label = re.search(r'<label for="id_code"[^>]*>([^<]*)</label>', page)
    assert label and label.group(1).strip() == "Mã xác thực", label


def test_profile_page(client):
    client.force_login(verified_user())

    _assert_portal_page_with_labelled_controls(client.get(reverse("accounts:profile")))
