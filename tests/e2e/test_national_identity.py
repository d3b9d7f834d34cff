"""The national identity sign-in in the browser: the sign-in page's VNeID button, the sandbox provider's
person picker, back to the portal signed in, the identity read-only on the profile page. The portal's calls
to the provider (discovery, JWKS, token, userinfo) go over HTTP to the live server, as in production."""

import copy
import re

import pytest
from playwright.sync_api import expect

from accounts.models import CitizenProfile
from identity_sandbox.services import setup_sandbox

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_at_live_server(live_server, settings):
    """SITE_URL, the issuer and the client's server_url follow the live server's address."""
    from oauth2_provider.settings import oauth2_settings

    issuer = f"{live_server.url}/{settings.IDENTITY_SANDBOX_PATH}"
    settings.SITE_URL = live_server.url
    settings.NATIONAL_IDENTITY = {**settings.NATIONAL_IDENTITY, "issuer": issuer}
    providers = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
    providers["openid_connect"]["APPS"][0]["settings"]["server_url"] = issuer
    settings.SOCIALACCOUNT_PROVIDERS = providers
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": issuer}
    oauth2_settings.reload()
    setup_sandbox()
    yield
    oauth2_settings.reload()


def test_a_citizen_signs_in_with_vneid_through_the_sandbox(page, base, sandbox_at_live_server):
    page.goto(base + "/accounts/login/")
    page.get_by_role("button", name="Đăng nhập bằng VNeID").click()

    expect(page).to_have_url(re.compile(r"/identity-sandbox/authorize/\?.*code_challenge_method=S256"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập qua hệ thống định danh thử nghiệm")
    page.get_by_label(re.compile("Trần Thị Bình")).check()
    page.get_by_role("button", name="Đăng nhập với danh tính này").click()

    expect(page).not_to_have_url(re.compile(r"/(accounts/login|identity-sandbox)/"))
    profile = CitizenProfile.objects.get(personal_id="001190067890")
    assert profile.full_name == "Trần Thị Bình" and profile.from_national_identity

    page.goto(base + "/accounts/profile/")
    expect(page.locator("#id_personal_id")).to_be_disabled()
    expect(page.locator("#id_personal_id")).to_have_value("001190067890")
    expect(page.locator("#national-identity")).to_contain_text("Đã xác thực")
