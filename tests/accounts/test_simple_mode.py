"""Simple mode (accounts.simple_mode): a toggle on every page that works signed out (a cookie) and signed
in (saved in the citizen's profile); the page gets a class and its own stylesheet; the idle limit is 30
minutes."""

import re
import time

import pytest
from django.urls import reverse

from accounts.middleware import SESSION_LAST_SEEN
from accounts.models import CitizenProfile
from accounts.simple_mode import COOKIE_NAME
from tests.factories import CitizenProfileFactory

from .factories_extra import TOTPAuthenticatorFactory, verified_user

pytestmark = pytest.mark.django_db

MINUTE = 60
TOGGLE = "accounts:simple_mode"


def _is_simple(page) -> bool:
    html = page.content.decode()
    has_class = 'class="simple-mode"' in html
    has_stylesheet = "css/simple.css" in html
    assert has_class == has_stylesheet
    return has_class


def test_pages_are_plain_until_simple_mode_is_asked_for(client):
    client.cookies["portal_language"] = "vi"
    page = client.get(reverse("home"))
    assert not _is_simple(page)
    assert ">Chữ to</button>" in page.content.decode()  # the toggle, in the menu of every page


def test_signed_out_the_toggle_sets_a_cookie_and_goes_back_to_the_page(client):
    response = client.post(reverse(TOGGLE), {"on": "1", "next": "/procedures/?q=khai+sinh"})

    assert response.status_code == 302 and response.url == "/procedures/?q=khai+sinh"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie.value == "1" and cookie["max-age"] >= 300 * 24 * 3600 and cookie["httponly"]
    assert _is_simple(client.get(reverse("home")))
    assert _is_simple(client.get(reverse("procedures:catalogue")))


def test_turning_it_off_deletes_the_cookie(client):
    client.cookies[COOKIE_NAME] = "1"
    assert _is_simple(client.get(reverse("home")))

    response = client.post(reverse(TOGGLE), {"on": "0", "next": "/"})

    assert response.cookies[COOKIE_NAME].value == "" and response.cookies[COOKIE_NAME]["max-age"] == 0
    assert not _is_simple(client.get(reverse("home")))


def test_the_toggle_never_sends_anyone_to_another_site(client):
    response = client.post(reverse(TOGGLE), {"on": "1", "next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_the_toggle_is_a_form_post_only(client):
    assert client.get(reverse(TOGGLE)).status_code == 405


def test_a_signed_in_citizen_s_choice_is_saved_in_the_profile_and_follows_them(client):
    person = CitizenProfileFactory().user
    client.force_login(person)

    client.post(reverse(TOGGLE), {"on": "1", "next": "/"})

    assert CitizenProfile.objects.get(user=person).simple_mode is True
    other_device = client.__class__()
    other_device.force_login(person)
    assert _is_simple(other_device.get(reverse("dashboard")))

    other_device.post(reverse(TOGGLE), {"on": "0", "next": "/"})
    assert CitizenProfile.objects.get(user=person).simple_mode is False
    assert not _is_simple(other_device.get(reverse("dashboard")))


def test_a_citizen_without_a_profile_gets_one_holding_the_choice(client):
    person = verified_user(full_name="Trần Thị Hoa")
    client.force_login(person)

    client.post(reverse(TOGGLE), {"on": "1", "next": "/"})

    profile = CitizenProfile.objects.get(user=person)
    assert profile.simple_mode is True and profile.full_name == "Trần Thị Hoa"


def test_staff_use_the_cookie_only(client):
    clerk = verified_user(clerk=True)
    TOTPAuthenticatorFactory(user=clerk)
    client.force_login(clerk)

    response = client.post(reverse(TOGGLE), {"on": "1", "next": "/"})

    assert response.cookies[COOKIE_NAME].value == "1"
    assert not CitizenProfile.objects.filter(user=clerk).exists()


def test_the_profile_page_offers_the_setting_and_saving_it_turns_the_mode_on(client):
    profile = CitizenProfileFactory(full_name="Lê Văn Tám", personal_id="001090012345", phone="0912345678")
    client.force_login(profile.user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="simple_mode"' in page

    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Lê Văn Tám",
            "personal_id": "001090012345",
            "phone": "0912345678",
            "simple_mode": "on",
        },
    )

    assert response.status_code == 302
    assert CitizenProfile.objects.get(pk=profile.pk).simple_mode is True
    assert response.cookies[COOKIE_NAME].value == "1"
    assert _is_simple(client.get(reverse("accounts:profile")))


# --- the idle limit ---------------------------------------------------------------------------------------
def _idle_for(client, seconds):
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - seconds
    session.save()


@pytest.fixture
def simple_citizen(client):
    client.force_login(CitizenProfileFactory(simple_mode=True).user)
    return client


def test_in_simple_mode_a_citizen_session_survives_29_idle_minutes(simple_citizen):
    _idle_for(simple_citizen, 29 * MINUTE)
    assert simple_citizen.get(reverse("dashboard")).status_code == 200


def test_in_simple_mode_a_citizen_session_ends_after_30_idle_minutes(simple_citizen):
    _idle_for(simple_citizen, 30 * MINUTE + 1)
    response = simple_citizen.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_with_the_cookie_only_the_idle_limit_is_30_minutes_too(client):
    client.force_login(CitizenProfileFactory().user)
    client.cookies[COOKIE_NAME] = "1"
    _idle_for(client, 20 * MINUTE)
    assert client.get(reverse("dashboard")).status_code == 200


def test_in_simple_mode_the_warning_comes_5_minutes_ahead(simple_citizen):
    page = simple_citizen.get(reverse("dashboard")).content.decode()
    assert 'data-session-warning="300"' in page
    seconds_left = simple_citizen.get(reverse("accounts:session")).json()["seconds_left"]
    assert 29 * MINUTE < seconds_left <= 30 * MINUTE


def test_the_profile_box_shows_the_mode_the_pages_are_in(client):
    """Turned on signed out (the cookie) before the profile knew: saving the profile must not turn it off."""
    profile = CitizenProfileFactory(simple_mode=False)
    client.force_login(profile.user)
    client.cookies[COOKIE_NAME] = "1"

    page = client.get(reverse("accounts:profile")).content.decode()

    assert re.search(r'<input type="checkbox" name="simple_mode"[^>]* checked', page)
