import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from accounts.models import CitizenProfile

from .factories_extra import PASSWORD, TOTPAuthenticatorFactory, verified_user

pytestmark = pytest.mark.django_db

MINUTE = 60


def _set_clock(client, *, idle_for=None, started_ago=None):
    session = client.session
    now = time.time()
    if idle_for is not None:
        session[SESSION_LAST_SEEN] = now - idle_for
    if started_ago is not None:
        session[SESSION_STARTED] = now - started_ago
    session.save()


@pytest.fixture
def citizen_client(client):
    client.force_login(verified_user())
    return client


@pytest.fixture
def staff_client(client):
    staff = verified_user(clerk=True)
    TOTPAuthenticatorFactory(user=staff)
    client.force_login(staff)
    return client


def test_signing_in_starts_the_session_clock(citizen_client):
    session = citizen_client.session
    assert time.time() - session[SESSION_STARTED] < 5
    assert session[SESSION_LAST_SEEN] == session[SESSION_STARTED]


def test_a_citizen_session_survives_14_idle_minutes(citizen_client):
    _set_clock(citizen_client, idle_for=14 * MINUTE)

    assert citizen_client.get(reverse("dashboard")).status_code == 200


def test_a_citizen_session_ends_after_15_idle_minutes(citizen_client):
    _set_clock(citizen_client, idle_for=15 * MINUTE + 1)

    response = citizen_client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=%2Fdashboard%2F"
    assert "_auth_user_id" not in citizen_client.session
    login_page = citizen_client.get(response.url)
    assert "You were signed out after a period without activity." in login_page.content.decode()


def test_a_staff_session_survives_29_idle_minutes_and_ends_after_30(staff_client):
    _set_clock(staff_client, idle_for=29 * MINUTE)
    assert staff_client.get(reverse("dashboard")).status_code == 200

    _set_clock(staff_client, idle_for=30 * MINUTE + 1)
    response = staff_client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in staff_client.session


def test_activity_keeps_a_session_alive_for_at_most_12_hours(citizen_client):
    _set_clock(citizen_client, idle_for=MINUTE, started_ago=12 * 60 * MINUTE - 60)
    assert citizen_client.get(reverse("dashboard")).status_code == 200

    _set_clock(citizen_client, idle_for=MINUTE, started_ago=12 * 60 * MINUTE + 1)
    response = citizen_client.get(reverse("dashboard"), follow=True)

    assert "_auth_user_id" not in citizen_client.session
    assert "sessions last at most 12 hours" in response.content.decode()


def test_a_post_after_the_timeout_is_not_carried_out(citizen_client):
    _set_clock(citizen_client, idle_for=16 * MINUTE)

    response = citizen_client.post(reverse("accounts:profile"), {"full_name": "Kẻ Lạ"})

    assert response.status_code == 302
    assert response.url == reverse("account_login")
    assert not CitizenProfile.objects.exists()


def test_session_status_get_does_not_extend_the_session(citizen_client):
    _set_clock(citizen_client, idle_for=5 * MINUTE)
    before = citizen_client.session[SESSION_LAST_SEEN]

    data = citizen_client.get(reverse("accounts:session")).json()

    assert data["authenticated"] is True
    assert 10 * MINUTE - 5 <= data["seconds_left"] <= 10 * MINUTE
    assert citizen_client.session[SESSION_LAST_SEEN] == before


def test_session_status_polls_are_not_activity_under_any_script_prefix(citizen_client):
    """The path is reversed per prefix: the portal mounted under a path (SCRIPT_NAME) and at the root."""
    from django.urls import clear_script_prefix, set_script_prefix

    for prefix in ["", "/cong-dvc", ""]:
        _set_clock(citizen_client, idle_for=5 * MINUTE)
        before = citizen_client.session[SESSION_LAST_SEEN]
        set_script_prefix(f"{prefix}/")  # what the WSGI handler sets from SCRIPT_NAME
        try:
            data = citizen_client.get("/accounts/session/", SCRIPT_NAME=prefix).json()
        finally:
            clear_script_prefix()
        assert data["authenticated"] is True
        assert citizen_client.session[SESSION_LAST_SEEN] == before, prefix


def test_session_status_post_extends_the_session(citizen_client):
    _set_clock(citizen_client, idle_for=14 * MINUTE)

    data = citizen_client.post(reverse("accounts:session")).json()

    assert 15 * MINUTE - 5 <= data["seconds_left"] <= 15 * MINUTE
    assert time.time() - citizen_client.session[SESSION_LAST_SEEN] < 5


def test_session_status_after_the_timeout_answers_signed_out(citizen_client):
    _set_clock(citizen_client, idle_for=16 * MINUTE)

    response = citizen_client.get(reverse("accounts:session"))

    assert response.status_code == 200
    assert response.json() == {"authenticated": False, "seconds_left": 0}
    assert response["Cache-Control"].startswith("max-age=0")


def test_session_status_for_anonymous(client):
    assert client.get(reverse("accounts:session")).json() == {"authenticated": False, "seconds_left": 0}


def test_pages_carry_the_deadline_for_the_warning_dialog(citizen_client):
    content = citizen_client.get(reverse("dashboard")).content.decode()

    assert "data-session-deadline=" in content
    assert 'data-session-warning="120"' in content
    assert 'id="session-warning"' in content


def test_signing_in_gives_a_new_session_id(client):
    user = verified_user()
    session = client.session  # an anonymous session, e.g. one an attacker planted
    session["planted"] = True
    session.save()
    old_key = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = old_key

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key and new_key != old_key
    assert not SessionStore().exists(old_key)
    assert client.session["_auth_user_id"] == str(user.pk)
