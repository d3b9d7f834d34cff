import io
import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Role
from accounts.selectors import current_totp_code

from .factories_extra import PASSWORD, TOTPAuthenticatorFactory, fresh_totp_code, verified_user

pytestmark = pytest.mark.django_db

STAFF_ROLES = [Role.CLERK, Role.OFFICER, Role.CATALOGUE_ADMIN, Role.FINANCE]


def _login(client, user, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def test_the_activation_url_names_exist_in_the_installed_allauth():
    assert reverse("mfa_activate_totp") == "/accounts/2fa/totp/activate/"
    assert reverse("mfa_authenticate") == "/accounts/2fa/authenticate/"
    assert reverse("mfa_index") == "/accounts/2fa/"


@pytest.mark.parametrize("role", STAFF_ROLES)
@pytest.mark.parametrize("url", ["/", "/dashboard/", "/procedures/", "/accounts/email/"])
def test_staff_without_totp_are_sent_to_activation_from_any_page(client, role, url):
    client.force_login(verified_user(role=role))

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_superusers_must_set_up_totp_too(client):
    client.force_login(verified_user(role=Role.CITIZEN, is_superuser=True, is_staff=True))

    assert client.get("/admin/").url == reverse("mfa_activate_totp")


def test_staff_without_totp_may_still_set_it_up_and_sign_out(client):
    client.force_login(verified_user(clerk=True))

    assert client.get(reverse("mfa_index")).status_code == 200
    # Activation first asks for the password again (force_login left no record of it): that page is allowed.
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert response.status_code == 200
    assert client.get(reverse("accounts:session")).status_code == 200
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_a_citizen_is_not_asked_for_totp(client):
    client.force_login(verified_user())

    assert client.get(reverse("dashboard")).status_code == 200


def test_staff_sign_in_then_activate_totp_then_work(client):
    clerk = verified_user(clerk=True)

    response = _login(client, clerk)
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.url == reverse("mfa_activate_totp")
    # allauth asks for the password once more before a new authenticator is added.
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert "Staff accounts must use two-factor sign-in." in response.content.decode()
    reauthenticate_url = response.redirect_chain[-1][0]
    assert reauthenticate_url.startswith(reverse("account_reauthenticate"))
    response = client.post(reauthenticate_url, {"password": PASSWORD})
    assert response.url == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200

    secret = client.session[SECRET_SESSION_KEY]
    if 30 - time.time() % 30 < 2:
        time.sleep(2.1)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    activated = client.post(reverse("mfa_activate_totp"), {"code": code})

    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=clerk, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("dashboard")).status_code == 200


def test_staff_with_totp_sign_in_through_the_code_step(client):
    clerk = verified_user(clerk=True)
    authenticator = TOTPAuthenticatorFactory(user=clerk)

    response = _login(client, clerk)

    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not signed in before the code
    page = client.get(response.url)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()

    response = client.post(reverse("mfa_authenticate"), {"code": fresh_totp_code(authenticator)})

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(clerk.pk)
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_wrong_code_does_not_sign_in(client):
    clerk = verified_user(clerk=True)
    authenticator = TOTPAuthenticatorFactory(user=clerk)
    _login(client, clerk)
    wrong = "000000" if fresh_totp_code(authenticator) != "000000" else "111111"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Incorrect code." in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_staff_cannot_switch_totp_off(client, settings):
    settings.MFA_ADAPTER = "accounts.adapters.PortalMFAAdapter"
    clerk = verified_user(clerk=True)
    authenticator = TOTPAuthenticatorFactory(user=clerk)
    _login(client, clerk)
    client.post(reverse("mfa_authenticate"), {"code": fresh_totp_code(authenticator)})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert "You cannot deactivate two-factor authentication." in response.content.decode()
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()


def test_totp_code_command_prints_the_current_code():
    clerk = verified_user(clerk=True)
    authenticator = TOTPAuthenticatorFactory(user=clerk)
    out = io.StringIO()

    expected = fresh_totp_code(authenticator)
    call_command("totp_code", clerk.email.upper(), stdout=out)

    assert re.fullmatch(r"\d{6}\n", out.getvalue())
    assert out.getvalue().strip() == expected == current_totp_code(authenticator)


def test_totp_code_command_refuses_an_account_without_totp():
    citizen = verified_user()

    with pytest.raises(CommandError, match="has no authenticator app"):
        call_command("totp_code", citizen.email)
    with pytest.raises(CommandError, match="No account"):
        call_command("totp_code", "nobody@example.vn")


def test_totp_code_command_refuses_on_production(settings):
    settings.PRODUCTION = True
    authenticator = TOTPAuthenticatorFactory(user=verified_user(clerk=True))

    with pytest.raises(CommandError, match="production"):
        call_command("totp_code", authenticator.user.email)


def _wrong_code(authenticator) -> str:
    """A code no step near now would accept."""
    near = {current_totp_code(authenticator, at=time.time() + shift) for shift in (-60, -30, 0, 30, 60)}
    return next(code for code in (f"{digit}" * 6 for digit in range(10)) if code not in near)


def test_wrong_codes_count_toward_the_account_lock_and_the_right_code_is_then_refused(client, allauth_clock):
    """Whoever has a staff password must not get unlimited guesses at the six digits: each wrong code counts
    like a wrong password (one a minute gets past allauth's own limit), the tenth locks the account."""
    clerk = verified_user(clerk=True)
    authenticator = TOTPAuthenticatorFactory(user=clerk)
    _login(client, clerk)

    for attempt in range(1, 11):
        response = client.post(reverse("mfa_authenticate"), {"code": _wrong_code(authenticator)})
        allauth_clock.advance(61)
        clerk.refresh_from_db()
        assert clerk.failed_login_count == attempt

    assert clerk.is_locked()
    assert "Sign-in to this account is locked" in response.content.decode()
    refused = client.post(reverse("mfa_authenticate"), {"code": fresh_totp_code(authenticator)})
    assert refused.status_code == 200
    assert "Sign-in to this account is locked" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_code_step_keeps_allauths_per_account_limit(client):
    clerk = verified_user(clerk=True)
    authenticator = TOTPAuthenticatorFactory(user=clerk)
    _login(client, clerk)
    for _attempt in range(5):
        client.post(reverse("mfa_authenticate"), {"code": _wrong_code(authenticator)})

    refused = client.post(reverse("mfa_authenticate"), {"code": fresh_totp_code(authenticator)})

    assert "Too many failed login attempts. Try again later." in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_without_totp_may_set_it_up_under_any_script_prefix(client):
    """The paths left open are reversed once per prefix: the portal mounted under a path (SCRIPT_NAME) and
    at the root, in one process, each leaves its own open."""
    from django.urls import clear_script_prefix, set_script_prefix

    client.force_login(verified_user(clerk=True))
    for prefix in ["", "/cong-dvc", ""]:
        set_script_prefix(f"{prefix}/")  # what the WSGI handler sets from SCRIPT_NAME
        try:
            setup = client.get("/accounts/2fa/", SCRIPT_NAME=prefix)
            other = client.get("/procedures/", SCRIPT_NAME=prefix)
        finally:
            clear_script_prefix()
        assert setup.status_code == 200, prefix
        assert other.status_code == 302 and other.url == f"{prefix}/accounts/2fa/totp/activate/"
