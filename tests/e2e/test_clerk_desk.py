"""The clerk's screens in a browser (issue 12): signing in lands on the busiest queue, which fits a phone
without sideways scrolling; the transfer form's "assign to" list follows the agency chosen (a static
script); refusing a dossier asks to confirm on a second page before anything changes."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from dossiers import services
from dossiers.models import Dossier, State
from procedures.models import Agency
from tests.accounts.factories_extra import PASSWORD, TOTPAuthenticatorFactory, fresh_totp_code, verified_user
from tests.e2e.support import shoot
from tests.factories import AgencyFactory, AgencyMembershipFactory, ProcedureVersionFactory, filed_dossier

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots/queue")


@pytest.fixture
def desk():
    ward = AgencyFactory(code="000.01.30.H43", name="UBND phường Hoa Lư", kind=Agency.Kind.COMMUNE)
    justice = AgencyFactory(code="000.00.05.H43", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)
    version = ProcedureVersionFactory(published=True, name="Chứng thực chữ ký", agencies=[ward], documents=0)
    clerk = verified_user(role=Role.CLERK, full_name="Phạm Văn Tiếp")
    AgencyMembershipFactory(user=clerk, agency=ward)
    officer = verified_user(role=Role.OFFICER, full_name="Đinh Thị Hà")
    AgencyMembershipFactory(user=officer, agency=justice)
    received = services.receive(dossier=filed_dossier(version=version), clerk=clerk)
    waiting = filed_dossier(version=version)
    return {
        "ward": ward,
        "clerk": clerk,
        "totp": TOTPAuthenticatorFactory(user=clerk),
        "officer": officer,
        "received": received,
        "waiting": waiting,
    }


def sign_in(page, base, user, totp):
    page.goto(base + "/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.locator("#id_code").fill(fresh_totp_code(totp))
    page.locator("main").get_by_role("button").first.click()


def test_the_clerk_lands_on_the_queue_transfers_with_the_right_staff_and_confirms_a_refusal(page, base, desk):
    sign_in(page, base, desk["clerk"], desk["totp"])

    # Landed on the ward's queue, on its first tab with dossiers (the new filing), not on the account page.
    expect(page).to_have_url(re.compile(r"/staff/000\.01\.30\.H43/queue/\?view=new$"))
    expect(page.locator("table.queue-lines tbody tr")).to_have_count(1)

    # Transfer: the ward decides this procedure, so it is proposed; choosing Sở Tư pháp lists its staff.
    page.goto(f"{base}/staff/dossiers/{desk['received'].pk}/")
    agency = page.locator("#id_transfer_to_agency")
    expect(agency).to_have_value(str(desk["ward"].pk))
    assignee = page.locator("#id_transfer_assignee")
    expect(assignee).to_contain_text(desk["clerk"].email)
    agency.select_option(label="Sở Tư pháp")
    expect(assignee).to_contain_text(desk["officer"].email)
    expect(assignee).not_to_contain_text(desk["clerk"].email)
    assignee.select_option(label=f"Đinh Thị Hà ({desk['officer'].email})")
    page.locator(".action-transfer button[type=submit]").click()
    expect(page.locator("#status-title")).to_contain_text("Đang xử lý")
    assert Dossier.objects.get(pk=desk["received"].pk).assignee == desk["officer"]

    # Refusing: the reason, then a second page; nothing changes before "confirm".
    page.goto(f"{base}/staff/dossiers/{desk['waiting'].pk}/")
    refuse = page.locator(".actions-ending .action-refuse")
    refuse.locator("summary").click()
    refuse.locator("textarea").fill("Không thuộc thẩm quyền của phường.")
    refuse.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Xác nhận")
    expect(page.locator(".confirm-card")).to_contain_text("Không thuộc thẩm quyền của phường.")
    assert Dossier.objects.get(pk=desk["waiting"].pk).state == State.SUBMITTED
    page.locator("button[name=confirmed]").click()
    expect(page.locator("#status-title")).to_contain_text("Từ chối")


def test_the_queue_is_a_card_per_dossier_on_a_phone_without_sideways_scrolling(browser, base, desk):
    context = browser.new_context(locale="vi-VN", viewport={"width": 375, "height": 812})
    page = context.new_page()
    sign_in(page, base, desk["clerk"], desk["totp"])
    page.goto(f"{base}/staff/{desk['ward'].code}/queue/?view=all")

    rows = page.locator("table.queue-lines tbody tr")
    expect(rows).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert rows.first.evaluate("row => getComputedStyle(row).display") == "grid"
    context.close()


def test_the_queue_kept_in_the_cache_follows_its_dossiers(page, base, desk):
    """The queue's page is kept in the cache (dossiers/views/staff.py): opening a dossier ends its "new" at
    once, and a step another clerk takes shows on the next load, not after the page's time runs out."""
    sign_in(page, base, desk["clerk"], desk["totp"])
    queue = f"{base}/staff/{desk['ward'].code}/queue/?view=new"
    page.goto(queue)
    rows = page.locator("table.queue-lines tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".badge-new")).to_be_visible()
    shoot(page, SHOTS, "1-new-to-us")

    rows.first.locator("a.dossier-code").click()
    expect(page.locator("main")).to_contain_text(desk["waiting"].code)
    page.goto(queue)
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".badge-new")).to_have_count(0)
    shoot(page, SHOTS, "2-opened")

    colleague = verified_user(role=Role.CLERK, full_name="Lê Thị Nhận")
    AgencyMembershipFactory(user=colleague, agency=desk["ward"])
    services.receive(dossier=Dossier.objects.get(pk=desk["waiting"].pk), clerk=colleague)
    page.goto(queue)
    expect(rows).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Không có hồ sơ nào")
    shoot(page, SHOTS, "3-received-elsewhere")


def test_a_folded_action_brings_its_form_when_opened_and_without_scripts_on_its_own_page(
    browser, page, base, desk
):
    """The staff dossier page builds only the form of the step the dossier waits for; another action's form
    comes when its fold is opened (static/js/staff.js), or, without scripts, on a page of its own; opened on
    a page someone else's change made stale, a fold says so."""
    sign_in(page, base, desk["clerk"], desk["totp"])
    waiting = desk["waiting"]
    page.goto(f"{base}/staff/dossiers/{waiting.pk}/")
    assign = page.locator("details.action-assign")
    expect(assign.locator("select")).to_have_count(0)
    assign.locator("summary").click()
    expect(assign.locator("select[name=assignee]")).to_contain_text(desk["clerk"].email)
    expect(assign.locator(".action-load")).to_have_count(0)
    refuse = page.locator("details.action-refuse")
    refuse.locator("summary").click()
    expect(refuse.locator("textarea[name=reason]")).to_be_visible()
    shoot(page, SHOTS, "folded-actions-opened")

    no_scripts = browser.new_context(
        locale="vi-VN", java_script_enabled=False, storage_state=page.context.storage_state()
    )
    plain = no_scripts.new_page()
    plain.goto(f"{base}/staff/dossiers/{waiting.pk}/")
    folded = plain.locator("details.action-assign")
    folded.locator("summary").click()
    folded.get_by_role("link", name="Mở biểu mẫu").click()
    expect(plain).to_have_url(re.compile(rf"/staff/dossiers/{waiting.pk}/assign/\?version=\d+$"))
    expect(plain.locator("h1")).to_have_text("Giao xử lý")
    shoot(plain, SHOTS, "action-page")
    plain.locator("select[name=assignee]").select_option(label=f"Phạm Văn Tiếp ({desk['clerk'].email})")
    plain.locator("main form button[type=submit]").click()
    expect(plain).to_have_url(re.compile(rf"/staff/dossiers/{waiting.pk}/$"))
    expect(plain.locator("#status-title")).to_be_visible()
    assert Dossier.objects.get(pk=waiting.pk).assignee == desk["clerk"]
    no_scripts.close()

    # The first page still shows the dossier as it was: a fold opened now says so instead of a form.
    stale = page.locator("details.action-request_supplement")
    stale.locator("summary").click()
    expect(stale.get_by_role("alert")).to_contain_text("Hồ sơ vừa được người khác thay đổi")
    expect(stale.locator("form")).to_have_count(0)
    expect(stale.get_by_role("link", name="Tải lại hồ sơ")).to_be_visible()
    shoot(page, SHOTS, "folded-action-stale")


def test_a_fold_opened_before_the_pages_script_arrived_still_brings_its_form(page, base, desk):
    """On a slow connection the page shows before static/js/staff.js runs: a fold opened then sent no event
    the script could hear, and stayed a link. The script loads the folds it finds open."""
    sign_in(page, base, desk["clerk"], desk["totp"])
    held = []

    def hold_the_script(route):
        held.append(route)

    page.route("**/static/js/staff*.js", hold_the_script)
    page.goto(f"{base}/staff/dossiers/{desk['waiting'].pk}/", wait_until="commit")
    refuse = page.locator("details.action-refuse")
    refuse.locator("summary").click()
    expect(refuse).to_have_attribute("open", "")
    expect(refuse.locator(".action-load")).to_be_visible()  # the script has not run: the link is there
    page.wait_for_timeout(200)
    assert held, "the page asked for staff.js"
    for route in held:
        route.continue_()
    expect(refuse.locator("textarea[name=reason]")).to_be_visible()
    expect(refuse.locator(".action-load")).to_have_count(0)
