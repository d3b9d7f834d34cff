"""A clerk opens the national portal sync page from the menu, sees the figures and the change the national
portal refused, and sends it again once the mapping is fixed; on a phone and on a desk."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from dossiers.models import State
from national_sync.models import ItemStatus, StatusMapping, SyncItem
from tests.accounts.factories_extra import TOTPAuthenticatorFactory, verified_user
from tests.dossiers.staff_support import dossier_in, world
from tests.e2e.site_menu import open_menu
from tests.e2e.test_clerk_desk import sign_in
from tests.factories import AgencyMembershipFactory
from tests.national_sync.support import ensure_default_mappings

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots/h1")


@pytest.fixture
def desk():
    ensure_default_mappings()
    StatusMapping.objects.filter(kind="state", value="received").update(national_code="")
    w = world()
    clerk = verified_user(role=Role.CLERK, full_name="Phạm Văn Tiếp")
    AgencyMembershipFactory(user=clerk, agency=w.desk.agency, is_supervisor=True)
    dossier_in(w, State.SUBMITTED)  # synced in process (the embedded default) as it commits
    refused = dossier_in(w, State.RECEIVED)
    return {"clerk": clerk, "totp": TOTPAuthenticatorFactory(user=clerk), "refused": refused}


@pytest.mark.parametrize("width, height", [(390, 844), (1366, 900)])
def test_the_clerk_sees_the_sync_and_sends_a_refused_change_again(browser, base, desk, width, height):
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height})
    page = context.new_page()
    sign_in(page, base, desk["clerk"], desk["totp"])
    open_menu(page)
    page.locator("#site-menu").get_by_role("link", name="Tài khoản của tôi").click()
    page.get_by_role("link", name="Đồng bộ Cổng quốc gia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đồng bộ với Cổng Dịch vụ công quốc gia")
    expect(page.locator("[data-sync-ratio]")).to_contain_text("(2/2)")
    failed = page.locator("table.sync-failed tbody tr")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text(desk["refused"].code)
    expect(failed).to_contain_text("no mapping for state 'received'")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"national-sync-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    StatusMapping.objects.filter(kind="state", value="received").update(national_code="2")
    failed.get_by_role("button", name="Thử lại").click()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"sẽ được gửi lại"))
    expect(page.locator("table.sync-failed")).to_have_count(0)
    assert not SyncItem.objects.exclude(status__in=[ItemStatus.SYNCED, ItemStatus.SKIPPED]).exists()
    context.close()
