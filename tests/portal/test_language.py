import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_vietnamese_is_the_default_whatever_the_browser_says(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.content.decode()


def test_the_language_switch_sets_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/procedures/"})
    assert response.status_code == 302
    assert response["Location"] == "/procedures/"
    assert '<html lang="en">' in client.get("/procedures/").content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get("/").content.decode()


def test_a_signed_in_persons_choice_is_kept_on_the_account(client):
    user = UserFactory(language="vi")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    # A new browser (no cookie) still shows the account's language.
    client.cookies.clear()
    client.force_login(user)
    assert '<html lang="en">' in client.get("/").content.decode()


def test_unknown_language_is_ignored(client):
    user = UserFactory(language="vi")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    user.refresh_from_db()
    assert user.language == "vi"
    assert '<html lang="vi">' in client.get("/").content.decode()
