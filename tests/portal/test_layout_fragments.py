"""The layout's fixed parts (templates/base.html) are rendered once per process, language and role
(settings.CACHES["layout"]); what belongs to one request (its CSRF token, its path, the unread count) never
is."""

import re

import pytest
from django.core.cache import caches
from django.urls import clear_script_prefix, set_script_prefix

from accounts.middleware import SESSION_MFA_OK
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_fragments_yet():
    caches["layout"].clear()


def page(client, path="/", **headers) -> str:
    response = client.get(path, **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_fixed_parts_are_kept_after_the_first_page(client):
    page(client)
    kept = len(caches["layout"]._cache)
    assert kept >= 5  # head assets, header, menu, sign-in links, languages, footer, script

    page(client, "/procedures/")

    assert len(caches["layout"]._cache) == kept  # the second page rendered none of them again


def test_each_language_has_its_own_parts(client):
    vietnamese = page(client)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = page(client)

    assert "Đăng nhập" in vietnamese and "Đăng nhập" not in english
    assert "Sign in" in english
    assert "Chuyển đến nội dung chính" in vietnamese
    assert "Skip to main content" in english


def test_each_role_has_its_own_menu(client, settings):
    citizen, clerk = UserFactory(), UserFactory(clerk=True)
    client.force_login(citizen)
    citizens_page = page(client, "/procedures/")
    client.force_login(clerk)
    session = client.session
    session[SESSION_MFA_OK] = True
    session.save()
    clerks_page = page(client, "/procedures/")

    assert 'href="/dossiers/"' in citizens_page and 'href="/dossiers/"' not in clerks_page
    assert 'href="/staff/"' in clerks_page and 'href="/staff/"' not in citizens_page
    client.logout()
    anonymous = page(client, "/procedures/")
    assert 'href="/accounts/login/"' in anonymous and 'href="/staff/"' not in anonymous


def test_the_token_and_the_path_are_the_requests_own(client):
    first = page(client, "/procedures/")
    other = page(client, "/dossiers/lookup/")

    assert '<input name="next" type="hidden" value="/procedures/">' in first
    assert '<input name="next" type="hidden" value="/dossiers/lookup/">' in other
    first_tokens, other_tokens = (
        set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_)) for page_ in (first, other)
    )
    assert len(first_tokens) == len(other_tokens) == 1  # each page's forms carry its request's token
    assert first_tokens != other_tokens  # masked afresh for every request, never kept with the layout


def test_the_addresses_of_every_page_are_the_urlconfs_under_any_prefix(client):
    """base.html's forms and links outside the kept parts take their addresses from the `site` context
    processor, reversed once per process and prefix: mounted under a path (SCRIPT_NAME), they carry it."""
    clerk = UserFactory(clerk=True)
    client.force_login(clerk)
    session = client.session
    session[SESSION_MFA_OK] = True
    session.save()

    for prefix in ["/cong-dvc", ""]:
        set_script_prefix(f"{prefix}/")  # what the WSGI handler sets from SCRIPT_NAME
        try:
            html = page(client, "/procedures/")
        finally:
            clear_script_prefix()

        assert f'action="{prefix}/accounts/logout/"' in html
        assert f'action="{prefix}/accounts/simple-mode/"' in html
        assert f'action="{prefix}/i18n/setlang/"' in html
        assert f'href="{prefix}/notifications/"' in html
        assert f'data-session-url="{prefix}/accounts/session/"' in html
        assert html.count(f'"{prefix}/accounts/session/"') == 2  # the keep-alive form too
        # The kept parts too: each prefix has its own (the menu's links).
        assert f'href="{prefix}/staff/"' in html
        if not prefix:
            assert "/cong-dvc/" not in html
