"""The API is the public catalogue: it checks no password (HTTP Basic would confirm a staff password
without the second factor and outside the sign-in form's limits)."""

import base64

import pytest
from django.conf import settings
from django.urls import reverse

from .factories_extra import PASSWORD, TOTPAuthenticatorFactory, verified_user

pytestmark = pytest.mark.django_db


def basic(email: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()


def test_the_api_takes_no_authentication():
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] == []


@pytest.mark.parametrize("url", [reverse("api-procedures"), reverse("api-schema")])
def test_basic_auth_on_the_api_neither_signs_in_nor_tells_a_right_password_from_a_wrong_one(client, url):
    clerk = verified_user(clerk=True)
    TOTPAuthenticatorFactory(user=clerk)

    right = client.get(url, HTTP_AUTHORIZATION=basic(clerk.email, PASSWORD))
    wrong = client.get(url, HTTP_AUTHORIZATION=basic(clerk.email, "wrong-password"))

    assert right.status_code == wrong.status_code == 200
    assert right.content == wrong.content
    assert right.wsgi_request.user.is_anonymous
    clerk.refresh_from_db()
    assert clerk.failed_login_count == 0  # no password was even checked
