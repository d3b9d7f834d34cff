import re
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts import services

from .factories_extra import PASSWORD, verified_user

pytestmark = pytest.mark.django_db

LOCK_MESSAGE = "Sign-in to this account is locked after too many failed attempts."


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _fail(client, email, times, clock=None):
    """Wrong passwords; with allauth's clock, one a minute: the pace that gets past allauth's per-account
    rate limit (five in five minutes), so that what stops it is the account lock."""
    for _attempt in range(times):
        response = _login(client, email, "wrong-password")
        if clock is not None:
            clock.advance(61)
    return response


def _errors(response) -> list[str]:
    return response.context["form"].non_field_errors()


def test_allauth_sends_djangos_user_login_failed_signal_on_a_bad_password(client):
    user = verified_user()
    received = []

    def listener(sender, credentials, **kwargs):
        received.append(credentials)

    user_login_failed.connect(listener)
    try:
        _login(client, user.email, "wrong-password")
    finally:
        user_login_failed.disconnect(listener)

    assert len(received) == 1
    assert received[0]["email"] == user.email
    assert received[0]["password"] != "wrong-password"  # Django masks it
    user.refresh_from_db()
    assert user.failed_login_count == 1


def test_ten_bad_passwords_lock_the_account_for_an_hour_with_a_message(client, allauth_clock):
    user = verified_user()

    _fail(client, user.email, 9, allauth_clock)
    user.refresh_from_db()
    assert user.failed_login_count == 9
    assert not user.is_locked()

    response = _fail(client, user.email, 1, allauth_clock)

    user.refresh_from_db()
    assert user.is_locked()
    expected_until = timezone.now() + timedelta(hours=1)
    assert abs(user.locked_until - expected_until) < timedelta(seconds=30)
    [message] = _errors(response)
    assert message.startswith(LOCK_MESSAGE)
    until = timezone.localtime(user.locked_until).strftime("%H:%M %d/%m/%Y")
    assert f"Try again after {until}, or reset your password." in message
    assert 'role="alert"' in response.content.decode()


def test_the_right_password_is_refused_while_locked(client, allauth_clock):
    user = verified_user()
    _fail(client, user.email, 10, allauth_clock)

    response = _login(client, user.email, PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert _errors(response)[0].startswith(LOCK_MESSAGE)


def test_the_backend_itself_refuses_a_locked_account():
    """Other ways in (reauthentication, the admin) go through the backend, not the login form."""
    user = verified_user()
    user.locked_until = timezone.now() + timedelta(minutes=30)
    user.save()
    request = RequestFactory().post("/")

    assert authenticate(request, email=user.email, password=PASSWORD) is None
    user.locked_until = None
    user.save()
    assert authenticate(request, email=user.email, password=PASSWORD) == user


def test_the_lock_ends_after_the_hour(client, monkeypatch, allauth_clock):
    user = verified_user()
    _fail(client, user.email, 10, allauth_clock)
    real_now = timezone.now

    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=59))
    assert _errors(_login(client, user.email, PASSWORD))[0].startswith(LOCK_MESSAGE)

    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=61))
    response = _login(client, user.email, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert (user.failed_login_count, user.locked_until) == (0, None)


def test_a_lock_in_the_past_no_longer_counts(client):
    user = verified_user()
    user.failed_login_count = 10
    user.locked_until = timezone.now() - timedelta(seconds=1)
    user.save()

    _login(client, user.email, "wrong-password")  # counting starts afresh after an expired lock

    user.refresh_from_db()
    assert (user.failed_login_count, user.locked_until) == (1, None)


def test_a_successful_sign_in_resets_the_count(client, allauth_clock):
    user = verified_user()
    _fail(client, user.email, 5, allauth_clock)

    _login(client, user.email, PASSWORD)

    user.refresh_from_db()
    assert user.failed_login_count == 0


def test_an_unknown_address_gets_the_same_response_as_a_wrong_password(client):
    user = verified_user()

    known = _login(client, user.email, "wrong-password")
    unknown = _login(client, "nobody@example.vn", "wrong-password")

    assert known.status_code == unknown.status_code == 200
    assert _errors(known) == _errors(unknown)
    assert services.record_login_failure(email="nobody@example.vn") is None  # no crash, nothing to lock


def test_an_unknown_address_is_locked_the_same_way_so_the_lock_reveals_nothing(client, allauth_clock):
    user = verified_user()

    known = _fail(client, user.email, 10, allauth_clock)
    unknown = _fail(client, "nobody@example.vn", 10, allauth_clock)

    def without_time(response):
        return [re.sub(r"\d\d:\d\d \d\d/\d\d/\d{4}", "TIME", e) for e in _errors(response)]

    assert without_time(known) == without_time(unknown)
    assert without_time(unknown)[0].startswith(LOCK_MESSAGE)
    assert _errors(_login(client, "nobody@example.vn", PASSWORD))[0].startswith(LOCK_MESSAGE)


def test_resetting_the_password_lifts_the_lock(client, allauth_clock):
    user = verified_user()
    _fail(client, user.email, 10, allauth_clock)

    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[-1].body)
    change_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    client.post(change_url, {"password1": "new-lotus-2026", "password2": "new-lotus-2026"})

    user.refresh_from_db()
    assert not user.is_locked()
    response = _login(client, user.email, "new-lotus-2026")
    assert client.session["_auth_user_id"] == str(user.pk), response.content.decode()[:500]


def test_allauth_also_limits_failures_per_address_of_the_caller(client):
    """A second line beside the account lock: 20 failures a minute from one IP, whatever the accounts."""
    users = [verified_user() for _ in range(20)]
    for user in users:
        _login(client, user.email, "wrong-password")

    response = _login(client, users[0].email, PASSWORD)

    assert "_auth_user_id" not in client.session
    assert _errors(response) == ["Too many failed login attempts. Try again later."]


def test_allauths_per_account_limit_survives_our_override_of_its_rate_limits():
    """ACCOUNT_RATE_LIMITS replaces allauth's rule for each key it names: login_failed keeps its per-account
    part, and the keys we do not name keep allauth's defaults."""
    from allauth.account import app_settings

    limits = app_settings.RATE_LIMITS

    assert "5/300s/key" in limits["login_failed"].split(",")
    assert "20/m/ip" in limits["login_failed"].split(",")
    assert "5/m/key" in limits["reset_password"] and limits["signup"] and limits["reauthenticate"]


def test_five_wrong_passwords_in_five_minutes_stop_that_account_only(client, allauth_clock):
    user, colleague = verified_user(), verified_user()
    _fail(client, user.email, 5)

    refused = _login(client, user.email, PASSWORD)

    assert _errors(refused) == ["Too many failed login attempts. Try again later."]
    assert "_auth_user_id" not in client.session
    _login(client, colleague.email, PASSWORD)  # the same address, another account: not held
    assert client.session["_auth_user_id"] == str(colleague.pk)
    client.logout()
    allauth_clock.advance(301)
    _login(client, user.email, PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
