"""OAuth 2.0 client credentials end to end: the token endpoint (/api/v1/oauth/token/, django-oauth-toolkit)
issues a token to the client's application; the token's scopes are those asked for among the client's, and
the API reads only the scopes the client still holds."""

import base64

import pytest
from django.urls import reverse
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model

from integrations import services
from integrations.models import Scope
from tests.integrations.support import fetch

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/oauth/token/"


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def token(client, credentials, scope=None):
    data = {"grant_type": "client_credentials"}
    if scope is not None:
        data["scope"] = scope
    return client.post(
        TOKEN_URL, data, HTTP_AUTHORIZATION=basic(credentials.client_id, credentials.client_secret)
    )


def bearer(access_token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {access_token}"}


def test_the_token_endpoint_is_under_v1():
    assert reverse("integrations:token") == TOKEN_URL


def test_a_client_gets_a_token_and_reads_its_agency_dossiers_with_it(client, world):
    credentials = services.enable_client_credentials(client=world["client_x"])
    answer = token(client, credentials)
    assert answer.status_code == 200, answer.content
    issued = answer.json()
    assert issued["token_type"] == "Bearer"
    assert set(issued["scope"].split()) == set(Scope.values)  # by default: every scope of the client

    listed = fetch(client, reverse("integrations:dossiers"), **bearer(issued["access_token"]))
    assert listed.status_code == 200
    assert {row["code"] for row in listed.json()["results"]} == {d.code for d in world["x_dossiers"]}
    y_code = world["y_dossier"].code
    detail = fetch(client, reverse("integrations:dossier", args=[y_code]), **bearer(issued["access_token"]))
    assert detail.status_code == 404


def test_a_token_asked_for_one_scope_carries_only_that_one(client, world):
    credentials = services.enable_client_credentials(client=world["client_x"])
    issued = token(client, credentials, scope="dossiers:counts").json()
    headers = bearer(issued["access_token"])
    assert fetch(client, reverse("integrations:counts"), **headers).status_code == 200
    assert fetch(client, reverse("integrations:dossiers"), **headers).status_code == 403


def test_a_scope_the_client_does_not_hold_is_refused_by_the_token_endpoint(client, world):
    world["client_x"].scopes = [Scope.COUNTS]
    world["client_x"].save()
    credentials = services.enable_client_credentials(client=world["client_x"])
    answer = token(client, credentials, scope="dossiers:read")
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_scope"
    assert token(client, credentials, scope="openid").status_code == 400


def test_a_scope_taken_from_the_client_after_the_token_was_issued_no_longer_counts(client, world):
    credentials = services.enable_client_credentials(client=world["client_x"])
    headers = bearer(token(client, credentials).json()["access_token"])
    world["client_x"].refresh_from_db()
    world["client_x"].scopes = [Scope.COUNTS]
    world["client_x"].save()
    assert fetch(client, reverse("integrations:dossiers"), **headers).status_code == 403
    world["client_x"].active = False
    world["client_x"].save()
    assert fetch(client, reverse("integrations:counts"), **headers).status_code == 401


def test_a_wrong_secret_gets_no_token(client, world):
    credentials = services.enable_client_credentials(client=world["client_x"])
    answer = client.post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic(credentials.client_id, "wrong"),
    )
    assert answer.status_code == 401


def test_a_token_of_an_application_that_is_no_api_client_is_401(client, world):
    Application = get_application_model()
    secret = generate_client_secret()
    application = Application.objects.create(
        name="someone else",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
    )
    answer = client.post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic(application.client_id, secret),
    )
    assert answer.status_code == 200
    assert answer.json()["scope"] == "openid"  # the identity sandbox's scopes, none of the API's
    headers = bearer(answer.json()["access_token"])
    assert fetch(client, reverse("integrations:dossiers"), **headers).status_code == 401
