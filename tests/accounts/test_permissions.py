import pytest
from django.urls import reverse

from .factories_extra import TOTPAuthenticatorFactory, verified_user

pytestmark = pytest.mark.django_db


def _staff(**kwargs):
    user = verified_user(**kwargs)
    TOTPAuthenticatorFactory(user=user)
    return user


def test_anonymous_visitors_are_sent_to_sign_in_from_the_dashboard(client):
    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/dashboard/"


@pytest.mark.parametrize("make_user", [lambda: verified_user(), lambda: _staff(clerk=True)])
def test_citizens_and_clerks_cannot_reach_the_admin(client, make_user):
    client.force_login(make_user())

    response = client.get("/admin/")

    assert response.status_code == 302  # to the admin login, which refuses a signed-in non-staff user
    assert client.get(response.url).status_code == 403


def test_a_catalogue_admin_with_totp_reaches_the_admin(client):
    client.force_login(_staff(catalogue_admin=True))

    assert client.get("/admin/").status_code == 200


def test_the_admin_login_page_hands_over_to_the_portal_sign_in(client):
    """The admin's own form checks only the password: it would skip the account lock's form and TOTP."""
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=%2Fadmin%2F"


def test_account_created_in_the_admin_gets_its_role_group_and_a_verified_email(client):
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    admin_user = UserFactory(
        email="root@example.vn", is_superuser=True, is_staff=True, role="catalogue_admin"
    )
    client.force_login(admin_user)
    session = client.session
    session["_portal_mfa_ok"] = True
    session.save()
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "editor@example.vn",
            "full_name": "Lê Thị Biên Tập",
            "role": "catalogue_admin",
            "password1": "a-Strong-pass-2026",
            "password2": "a-Strong-pass-2026",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from accounts.models import User

    editor = User.objects.get(email="editor@example.vn")
    assert editor.is_staff
    assert editor.has_perm("procedures.publish_procedureversion")
    assert EmailAddress.objects.get(user=editor).verified
