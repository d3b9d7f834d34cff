"""How clients are made: the management command prints the key (and OAuth 2.0 credentials) once; the admin
shows a new key once and keeps only its hash; load_demo's client works with the README's key."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from integrations.demo import DEMO_AGENCIES, DEMO_API_KEY, ensure_demo_client
from integrations.models import ApiClient, ApiKey
from tests.dossiers.factories_extra import sign_in, superuser
from tests.factories import AgencyFactory
from tests.integrations.support import fetch

pytestmark = pytest.mark.django_db


def test_create_api_client_prints_a_working_key_and_client_credentials(client, world):
    out = io.StringIO()
    call_command(
        "create_api_client",
        "Giám sát",
        "--agency",
        world["x"].code,
        "--scope",
        "dossiers:read",
        "--oauth",
        stdout=out,
    )
    text = out.getvalue()
    key = re.search(r"API key \(shown once\): (\S+)", text).group(1)
    assert re.search(r"OAuth 2.0 client id: \S+", text) and "client secret (shown once)" in text
    response = fetch(client, reverse("integrations:dossiers"), HTTP_X_API_KEY=key)
    assert response.status_code == 200 and len(response.json()["results"]) == 3
    assert ApiClient.objects.get(name="Giám sát").application is not None


@pytest.mark.parametrize(
    "arguments",
    [
        ["--agency", "000.00.99.H99", "--scope", "dossiers:read"],
        ["--agency", "AGENCY", "--scope", "dossiers:read", "--rate", "0"],
        ["--agency", "AGENCY", "--scope", "dossiers:read", "--no-key"],
    ],
)
def test_create_api_client_refuses_what_it_cannot_do(world, arguments):
    arguments = [world["x"].code if value == "AGENCY" else value for value in arguments]
    with pytest.raises(CommandError):
        call_command("create_api_client", "Sai", *arguments, stdout=io.StringIO())
    assert not ApiClient.objects.filter(name="Sai").exists()


def test_the_admin_shows_a_new_key_once_and_keeps_its_hash(client, world):
    sign_in(client, superuser(), language="vi")
    add = reverse("admin:integrations_apikey_add")
    assert client.get(add).status_code == 200
    response = client.post(add, {"client": world["client_x"].pk, "label": "máy chủ 2", "expires_at": ""})
    assert response.status_code == 200, response.content[:2000]
    page = response.content.decode()
    key = re.search(r"<code>(dvc_[^<]+)</code>", page).group(1)
    assert "chỉ hiện một lần" in page
    stored = ApiKey.objects.get(label="máy chủ 2")
    assert key not in stored.key_hash
    assert (
        key not in client.get(reverse("admin:integrations_apikey_change", args=[stored.pk])).content.decode()
    )
    client.logout()
    assert fetch(client, reverse("integrations:counts"), HTTP_X_API_KEY=key).status_code == 200


def test_the_admin_issues_client_credentials_once(client, world):
    sign_in(client, superuser(), language="vi")
    response = client.post(
        reverse("admin:integrations_apiclient_changelist"),
        {"action": "issue_client_credentials", "_selected_action": [world["client_x"].pk]},
    )
    assert response.status_code == 200
    assert "Client secret" in response.content.decode() or "Mã bí mật" in response.content.decode()
    world["client_x"].refresh_from_db()
    assert world["client_x"].application is not None


def test_the_demo_client_takes_the_readme_key(client, world):
    for code in DEMO_AGENCIES:
        AgencyFactory(code=code)
    demo_client, key = ensure_demo_client()
    assert key == DEMO_API_KEY and ensure_demo_client()[0] == demo_client  # idempotent
    assert ApiKey.objects.filter(client=demo_client).count() == 1
    assert fetch(client, reverse("integrations:counts"), HTTP_X_API_KEY=DEMO_API_KEY).status_code == 200
