"""An administrator gives a system of the province its API key in the admin: the key is shown once, in
Vietnamese, and works at once against /api/v1/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from integrations import services
from tests.accounts.factories_extra import TOTPAuthenticatorFactory, verified_user
from tests.e2e.test_browser_protections import sign_in
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots/h3")


def test_a_new_key_is_shown_once_and_opens_the_api(page, base):
    agency = AgencyFactory(name="Sở Tư pháp")
    api_client = services.create_client(
        name="Hệ thống giám sát", contact="Phòng CNTT", agency_codes=[agency.code], scopes=["dossiers:counts"]
    )
    admin = verified_user(role=Role.CATALOGUE_ADMIN, is_staff=True, is_superuser=True)
    sign_in(page, base, admin, TOTPAuthenticatorFactory(user=admin))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{base}/admin/integrations/apiclient/{api_client.pk}/change/")
    expect(page.locator("#content h1")).to_be_visible()
    page.screenshot(path=str(SHOTS / "client-phone.png"), full_page=True)

    page.goto(f"{base}/admin/integrations/apikey/add/")
    page.locator("#id_client").select_option(str(api_client.pk))
    page.locator("#id_label").fill("máy chủ chính")
    page.locator("input[name=_save]").click()
    expect(page.locator("#content-main")).to_contain_text("chỉ hiện một lần")
    key = page.locator("#content-main code").first.inner_text()
    assert re.fullmatch(r"dvc_[0-9a-f]{8}_\S+", key)
    page.screenshot(path=str(SHOTS / "key-shown-once-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(SHOTS / "key-shown-once-desktop.png"), full_page=True)

    answer = page.request.get(f"{base}/api/v1/dossiers/counts/", headers={"X-API-Key": key})
    assert answer.status == 200 and answer.json()["total"] == 0

    page.goto(f"{base}/admin/integrations/apikey/")
    expect(page.locator("#result_list")).to_contain_text("máy chủ chính")
    assert key not in page.content()
    page.screenshot(path=str(SHOTS / "keys-desktop.png"), full_page=True)
    page.goto(f"{base}/admin/integrations/apiclient/{api_client.pk}/change/")
    page.screenshot(path=str(SHOTS / "client-desktop.png"), full_page=True)
