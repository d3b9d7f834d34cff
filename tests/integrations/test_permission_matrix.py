"""Who sees what through /api/v1/: a client of agency X sees X's dossiers and nothing of Y's (404, never 403:
another agency's dossier does not exist for it); no credential, a wrong, revoked or expired key and a
disabled client are 401; a credential without the endpoint's scope is 403."""

import pytest
from django.urls import reverse

from common import clock
from integrations import services
from integrations.models import ApiKey, Scope
from tests.integrations.support import api_client, fetch, later

pytestmark = pytest.mark.django_db


def first_document(dossier):
    return dossier.documents.order_by("pk").first()


def urls_of(dossier):
    return {
        "list": reverse("integrations:dossiers"),
        "detail": reverse("integrations:dossier", args=[dossier.code]),
        "document": reverse("integrations:document", args=[dossier.code, first_document(dossier).pk]),
        "counts": reverse("integrations:counts"),
    }


def codes(response) -> set[str]:
    return {row["code"] for row in response.json()["results"]}


def test_a_client_of_x_sees_x_dossiers_and_nothing_of_y(client, world):
    x_dossier, y_dossier = world["x_dossiers"][0], world["y_dossier"]
    headers = world["headers_x"]

    listed = fetch(client, reverse("integrations:dossiers"), **headers)
    assert listed.status_code == 200
    assert codes(listed) == {d.code for d in world["x_dossiers"]}

    assert fetch(client, urls_of(x_dossier)["detail"], **headers).status_code == 200
    assert fetch(client, urls_of(x_dossier)["document"], **headers).status_code == 200
    assert fetch(client, urls_of(y_dossier)["detail"], **headers).status_code == 404
    assert fetch(client, urls_of(y_dossier)["document"], **headers).status_code == 404
    # Y's document id under X's dossier code: not X's document either.
    wrong = reverse("integrations:document", args=[x_dossier.code, first_document(y_dossier).pk])
    assert fetch(client, wrong, **headers).status_code == 404

    counts = fetch(client, reverse("integrations:counts"), **headers).json()
    assert counts["total"] == 3 and counts["counts"]["submitted"] == 3
    foreign = fetch(client, reverse("integrations:dossiers"), {"agency": world["y"].code}, **headers)
    assert foreign.status_code == 200 and codes(foreign) == set()
    foreign_counts = fetch(client, reverse("integrations:counts"), {"agency": world["y"].code}, **headers)
    assert foreign_counts.json()["total"] == 0


def test_the_client_of_y_sees_only_y(client, world):
    headers = world["headers_y"]
    assert codes(fetch(client, reverse("integrations:dossiers"), **headers)) == {world["y_dossier"].code}
    x_dossier = world["x_dossiers"][0]
    assert fetch(client, urls_of(x_dossier)["detail"], **headers).status_code == 404


def test_a_dossier_handled_by_x_but_received_by_y_is_x_too(client, world):
    """An agency's dossiers are those it receives or handles (the queue's rule)."""
    from dossiers import services as dossier_services
    from tests.dossiers.factories_extra import received

    dossier, clerk = received(world["y_dossier"])
    dossier_services.transfer(dossier=dossier, by=clerk, to_agency=world["x"])
    listed = fetch(client, reverse("integrations:dossiers"), **world["headers_x"])
    assert world["y_dossier"].code in codes(listed)


@pytest.mark.parametrize("endpoint", ["list", "detail", "document", "counts"])
def test_no_credential_is_401_with_a_challenge(client, world, endpoint):
    response = fetch(client, urls_of(world["x_dossiers"][0])[endpoint])
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("endpoint", ["list", "detail", "document", "counts"])
@pytest.mark.parametrize(
    "credential",
    [
        {"HTTP_X_API_KEY": "dvc_nothere_abc"},
        {"HTTP_X_API_KEY": "not a key at all"},
        {"HTTP_AUTHORIZATION": "ApiKey dvc_nothere_abc"},
        {"HTTP_AUTHORIZATION": "Bearer not-a-token"},
    ],
)
def test_an_unknown_credential_is_401(client, world, endpoint, credential):
    assert fetch(client, urls_of(world["x_dossiers"][0])[endpoint], **credential).status_code == 401


def test_the_key_also_works_in_the_authorization_header(client, world):
    key = world["headers_x"]["HTTP_X_API_KEY"]
    response = fetch(client, reverse("integrations:dossiers"), HTTP_AUTHORIZATION=f"ApiKey {key}")
    assert response.status_code == 200


def test_a_key_with_a_wrong_secret_but_a_real_prefix_is_401(client, world):
    key = world["headers_x"]["HTTP_X_API_KEY"]
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    assert fetch(client, reverse("integrations:dossiers"), HTTP_X_API_KEY=forged).status_code == 401


@pytest.mark.parametrize(
    ("scopes", "allowed"),
    [
        ([Scope.COUNTS], {"counts"}),
        ([Scope.READ], {"list", "detail"}),
        ([Scope.READ, Scope.DOCUMENTS], {"list", "detail", "document"}),
    ],
)
def test_a_credential_without_the_scope_is_403(client, world, scopes, allowed):
    _client, headers = api_client([world["x"]], scopes=scopes, name=f"scoped {scopes}")
    for endpoint, url in urls_of(world["x_dossiers"][0]).items():
        expected = 200 if endpoint in allowed else 403
        assert fetch(client, url, **headers).status_code == expected, endpoint


def test_revoked_and_expired_keys_and_a_disabled_client_are_401(client, world):
    url = reverse("integrations:dossiers")
    headers = world["headers_x"]
    assert fetch(client, url, **headers).status_code == 200

    key = ApiKey.objects.get(client=world["client_x"])
    services.revoke_key(key=key)
    assert fetch(client, url, **headers).status_code == 401

    expiring = services.issue_key(client=world["client_x"], expires_at=later(-1))
    assert fetch(client, url, HTTP_X_API_KEY=expiring.secret).status_code == 401

    fresh = services.issue_key(client=world["client_x"], expires_at=later(60))
    assert fetch(client, url, HTTP_X_API_KEY=fresh.secret).status_code == 200
    world["client_x"].active = False
    world["client_x"].save()
    assert fetch(client, url, HTTP_X_API_KEY=fresh.secret).status_code == 401


def test_the_key_is_stored_hashed_and_its_use_is_noted(client, world):
    key = ApiKey.objects.get(client=world["client_x"])
    secret = world["headers_x"]["HTTP_X_API_KEY"]
    assert secret not in key.key_hash and key.last_used_at is None
    fetch(client, reverse("integrations:dossiers"), **world["headers_x"])
    key.refresh_from_db()
    assert key.last_used_at is not None and key.last_used_at <= clock.now()
