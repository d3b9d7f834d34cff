import pytest


@pytest.fixture
def client(client):
    """Pages in English, so that tests can read allauth's messages (the site's default language is vi)."""
    client.cookies["portal_language"] = "en"
    return client
