"""The portal runs air-gapped: no page loads a script, style, font or image from another host."""

import re

import pytest

pytestmark = pytest.mark.django_db

EXTERNAL_ASSET = re.compile(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?:https?:)?//', re.IGNORECASE)


@pytest.mark.parametrize("path", ["/", "/procedures/", "/accounts/login/", "/accounts/signup/", "/api/docs/"])
def test_pages_load_no_asset_from_another_host(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not EXTERNAL_ASSET.search(response.content.decode()), path


def test_every_page_has_a_language_switch_and_skip_link(client):
    page = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert 'href="#main"' in page
