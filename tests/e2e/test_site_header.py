"""The site header on a phone (issue 12, item 14): one row — the portal's name, the notices and a menu
button — instead of 175–195 px of links with the language picker on a row of its own."""

import pytest
from playwright.sync_api import expect

from notifications.services import notify
from tests.accounts.factories_extra import PASSWORD, verified_user
from tests.factories import CitizenProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}
HEADER_MAX_HEIGHT = 80  # px: one row of 44 px controls and its padding (it was 175 px, 196 px signed in)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


def header_height(page) -> float:
    return page.locator("header.site-header").bounding_box()["height"]


@pytest.fixture
def citizen():
    user = verified_user(full_name="Trần Thị Bích Ngọc")
    CitizenProfileFactory(user=user, full_name="Trần Thị Bích Ngọc", phone="0912345678")
    for number in range(12):  # a two-digit unread count beside the bell
        notify(recipient=user, event="dossier_approved", context={"link": f"/dossiers/{number + 1}/"})
    return user


def test_the_phone_header_is_one_short_row_signed_out_and_signed_in(page, base, citizen):
    for path in ["/", "/procedures/", "/dossiers/lookup/", "/accounts/login/"]:
        page.goto(base + path)
        assert header_height(page) <= HEADER_MAX_HEIGHT, path
        expect(page.locator(".site-menu")).to_be_hidden()  # the links wait behind the menu button

    page.locator("#id_login").fill(citizen.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.locator(".nav-notices .nav-count")).to_have_text("12")
    for path in ["/dossiers/", "/notifications/", "/accounts/profile/", "/dashboard/"]:
        page.goto(base + path)
        assert header_height(page) <= HEADER_MAX_HEIGHT, path
        expect(page.locator(".nav-notices")).to_be_visible()  # the notices stay one tap away


def test_the_menu_holds_the_links_and_the_language_and_closes_with_escape(page, base):
    page.goto(base + "/")
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    menu = page.locator("#site-menu")
    expect(menu.get_by_role("link", name="Tra cứu hồ sơ")).to_be_visible()
    expect(menu.get_by_role("link", name="Đăng nhập")).to_be_visible()
    expect(menu.get_by_label("Ngôn ngữ")).to_be_visible()

    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")


def test_without_scripts_the_menu_is_simply_open(browser, browser_context_args, base):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/")
    expect(page.locator(".menu-toggle")).to_be_hidden()
    expect(page.locator("#site-menu").get_by_role("link", name="Tra cứu hồ sơ")).to_be_visible()
    context.close()


def test_on_a_desk_the_links_are_in_the_header_row(browser, browser_context_args, base):
    context = browser.new_context(**{**browser_context_args, "viewport": {"width": 1366, "height": 768}})
    page = context.new_page()
    page.goto(base + "/")
    expect(page.locator(".menu-toggle")).to_be_hidden()
    expect(page.locator("#site-menu").get_by_role("link", name="Tra cứu hồ sơ")).to_be_visible()
    assert header_height(page) <= HEADER_MAX_HEIGHT
    context.close()


@pytest.mark.parametrize(("language", "width"), [("vi", 1366), ("en", 1366), ("vi", 800)])
def test_a_signed_in_headers_name_is_whole_on_a_desk(
    browser, browser_context_args, base, citizen, language, width
):
    """Signed in, the menu is longer (notices, my dossiers, my account, sign out): on a 1366 px screen it
    used to squeeze the portal's name to "Cổng dịch vụ …" (at 800 px to "Cổng d…", with the unread count
    over the next link); the links now wrap under it instead."""
    context = browser.new_context(**{**browser_context_args, "viewport": {"width": width, "height": 768}})
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.locator("#id_login").fill(citizen.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.locator(".nav-notices .nav-count")).to_have_text("12")
    if language == "en":
        page.locator("#language-select").select_option("en")  # submitted on change
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(base + "/procedures/")
    expect(page.get_by_role("button", name="Đăng xuất" if language == "vi" else "Sign out")).to_be_visible()
    name = page.locator(".brand strong")
    assert name.evaluate("element => element.scrollWidth <= element.clientWidth"), name.inner_text()
    assert header_height(page) <= 2 * HEADER_MAX_HEIGHT
    notices, menu = page.locator(".nav-notices").bounding_box(), page.locator(".site-menu").bounding_box()
    assert notices["x"] >= 0 and notices["x"] + notices["width"] <= menu["x"]  # the count beside, not over
    context.close()
