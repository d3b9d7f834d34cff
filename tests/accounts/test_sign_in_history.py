"""The account's sign-in history and open sessions (accounts:security): every sign-in and every refused
password or code is a line its owner sees; "sign out everywhere else" ends the other sessions."""

from datetime import timedelta

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import SignIn
from common import clock
from common.http import describe_browser

from .factories_extra import PASSWORD, TOTPAuthenticatorFactory, fresh_totp_code, verified_user
from .test_national_identity import sandbox, sign_in, transport  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
WINDOWS_EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)


def _login(client, user, password=PASSWORD, **headers):
    return client.post(reverse("account_login"), {"login": user.email, "password": password}, **headers)


def test_a_password_sign_in_is_recorded_with_its_address_and_browser(client):
    user = verified_user()

    _login(client, user, HTTP_USER_AGENT=ANDROID_CHROME, REMOTE_ADDR="203.0.113.7")

    [line] = SignIn.objects.filter(user=user)
    assert (line.method, line.succeeded, line.ip) == (SignIn.Method.PASSWORD, True, "203.0.113.7")
    assert line.user_agent == ANDROID_CHROME
    assert line.browser == "Chrome, Android"


def test_a_wrong_password_is_recorded_as_refused_and_an_unknown_address_writes_nothing(client):
    user = verified_user()

    _login(client, user, password="wrong-password", REMOTE_ADDR="198.51.100.9")
    client.post(reverse("account_login"), {"login": "nobody@example.vn", "password": "x"})

    [line] = SignIn.objects.all()
    assert (line.user, line.method, line.succeeded, line.ip) == (
        user,
        SignIn.Method.PASSWORD,
        False,
        "198.51.100.9",
    )


def test_staff_with_a_second_factor_show_a_refused_code_then_the_sign_in_with_it(client):
    clerk = verified_user(clerk=True)
    authenticator = TOTPAuthenticatorFactory(user=clerk)
    _login(client, clerk)
    wrong = "000000" if fresh_totp_code(authenticator) != "000000" else "111111"
    client.post(reverse("mfa_authenticate"), {"code": wrong})
    client.post(reverse("mfa_authenticate"), {"code": fresh_totp_code(authenticator)})

    lines = list(SignIn.objects.filter(user=clerk).order_by("pk").values_list("method", "succeeded"))
    assert lines == [(SignIn.Method.SECOND_FACTOR, False), (SignIn.Method.SECOND_FACTOR, True)]


def test_a_national_identity_sign_in_is_recorded_as_such(client, sandbox):  # noqa: F811
    person = sandbox["sandbox-citizen-1"]

    sign_in(client, person)

    [line] = SignIn.objects.all()
    assert (line.method, line.succeeded) == (SignIn.Method.NATIONAL_IDENTITY, True)


def test_the_page_lists_the_history_and_the_sessions_in_vietnamese(client):
    user = verified_user()
    _login(client, user, password="wrong-password")
    _login(client, user, HTTP_USER_AGENT=WINDOWS_EDGE)

    client.cookies["portal_language"] = (
        "vi"  # the language switch (signing in set it from the test's English)
    )
    page = client.get(reverse("accounts:security"))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Lịch sử đăng nhập" in text
    assert "Bị từ chối: sai mật khẩu hoặc mã" in text
    assert "Edge, Windows" in text
    assert "Trình duyệt này" in text  # the session of this browser is marked


def test_sign_out_everywhere_else_ends_the_other_sessions_and_keeps_this_one(client):
    user = verified_user()
    phone, other_user_browser = Client(), Client()
    _login(phone, user, HTTP_USER_AGENT=ANDROID_CHROME)
    _login(client, user, HTTP_USER_AGENT=WINDOWS_EDGE)
    someone_else = verified_user()
    _login(other_user_browser, someone_else)
    assert UserSession.objects.filter(user=user).count() == 2

    response = client.post(reverse("accounts:security"), follow=True)

    assert "1 other session was signed out." in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 200
    assert phone.get(reverse("dashboard")).status_code == 302  # back to the sign-in page
    assert other_user_browser.get(reverse("dashboard")).status_code == 200
    assert UserSession.objects.filter(user=user).count() == 1


def test_the_page_needs_a_signed_in_user_and_shows_only_their_own_lines(client):
    assert client.get(reverse("accounts:security")).status_code == 302
    user, other = verified_user(), verified_user()
    services.record_sign_in(user=other, request=None, method=SignIn.Method.PASSWORD, succeeded=False)
    _login(client, user)

    page = client.get(reverse("accounts:security"))

    assert [line.user for line in page.context["sign_ins"]] == [user]


def test_allauths_session_list_is_this_page():
    assert reverse("accounts:usersessions") == reverse("usersessions_list")
    response = Client().get(reverse("usersessions_list"))
    assert response.url == reverse("accounts:security")


def test_lines_older_than_the_history_days_are_forgotten(settings):
    settings.SIGN_IN_HISTORY_DAYS = 30
    user = verified_user()
    old = services.record_sign_in(user=user, request=None, method=SignIn.Method.PASSWORD, succeeded=True)
    recent = services.record_sign_in(user=user, request=None, method=SignIn.Method.PASSWORD, succeeded=True)
    SignIn.objects.filter(pk=old.pk).update(at=clock.now() - timedelta(days=31))

    assert services.forget_old_sign_ins() == 1

    assert list(SignIn.objects.all()) == [recent]


@pytest.mark.parametrize(
    ("user_agent", "described"),
    [
        (ANDROID_CHROME, "Chrome, Android"),
        (WINDOWS_EDGE, "Edge, Windows"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 "
            "Mobile/15E148 Safari/604.1",
            "Safari, iPhone",
        ),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox, Linux"),
        ("curl/8.5.0", ""),
        ("", ""),
    ],
)
def test_the_browser_is_named_from_its_user_agent(user_agent, described):
    assert describe_browser(user_agent) == described


def test_the_nightly_task_deletes_expired_sessions_and_the_rows_of_ended_ones(client):
    from django.contrib.sessions.models import Session

    from accounts.tasks import forget_old_sign_ins_and_ended_sessions

    user = verified_user()
    phone = Client()
    _login(phone, user)
    _login(client, user)
    phone_key = phone.session.session_key
    Session.objects.filter(session_key=phone_key).update(expire_date=clock.now() - timedelta(seconds=1))

    forget_old_sign_ins_and_ended_sessions()

    assert not Session.objects.filter(session_key=phone_key).exists()
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [client.session.session_key]


def test_administrators_find_an_addresss_sign_ins_in_the_admin_and_cannot_change_them(client):
    from tests.factories import UserFactory

    user = verified_user()
    _login(Client(), user, password="wrong-password", REMOTE_ADDR="198.51.100.9")
    admin_user = UserFactory(
        email="root@example.vn", is_superuser=True, is_staff=True, role="catalogue_admin"
    )
    client.force_login(admin_user)
    session = client.session
    session["_portal_mfa_ok"] = True
    session.save()
    line = SignIn.objects.get(user=user)

    listing = client.get(reverse("admin:accounts_signin_changelist"), {"q": "198.51.100.9"})

    assert listing.status_code == 200 and str(user) in listing.content.decode()
    assert (
        client.post(reverse("admin:accounts_signin_delete", args=[line.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert SignIn.objects.filter(pk=line.pk).exists()


def _new_browser_notices(user):
    from notifications.models import Notification

    return Notification.objects.filter(recipient=user, event="new_sign_in")


def test_a_sign_in_from_a_browser_new_to_the_account_is_told_to_its_owner_once():
    user = verified_user()
    laptop, phone = Client(), Client()

    first = _login(laptop, user, HTTP_USER_AGENT=WINDOWS_EDGE)
    assert first.cookies["portal_device"]["httponly"] and first.cookies["portal_device"]["max-age"]
    laptop.post(reverse("account_logout"))
    _login(laptop, user, HTTP_USER_AGENT=WINDOWS_EDGE)
    assert not _new_browser_notices(user).exists()  # the first sign-in ever, then the same browser

    _login(phone, user, HTTP_USER_AGENT=ANDROID_CHROME, REMOTE_ADDR="203.0.113.7")

    notices = {n.channel: n for n in _new_browser_notices(user)}
    assert {"portal", "email"} <= set(notices)
    assert "Chrome, Android" in notices["email"].body and "203.0.113.7" in notices["email"].body
    assert notices["portal"].link == reverse("accounts:security")
    phone.post(reverse("account_logout"))
    _login(phone, user, HTTP_USER_AGENT=ANDROID_CHROME)
    assert _new_browser_notices(user).filter(channel="portal").count() == 1


def test_a_forged_or_missing_device_cookie_counts_as_a_new_browser():
    user = verified_user()
    _login(Client(), user)
    forged = Client()
    forged.cookies["portal_device"] = "<script>"

    response = _login(forged, user)

    assert response.cookies["portal_device"].value != "<script>"
    assert _new_browser_notices(user).filter(channel="portal").count() == 1


def test_a_national_identity_sign_in_gets_the_device_cookie_too(client, sandbox):  # noqa: F811
    person = sandbox["sandbox-citizen-1"]

    sign_in(client, person)

    assert client.cookies["portal_device"].value
    assert SignIn.objects.get().device
