"""What many browser tests do: sign in (with the TOTP step for staff) and take a page's screenshots at a
phone's and a desk's width."""

from pathlib import Path

from playwright.sync_api import expect

from tests.accounts.factories_extra import PASSWORD, fresh_totp_code

PHONE, DESK = {"width": 390, "height": 844}, {"width": 1366, "height": 900}


def shoot(page, folder: Path, name: str) -> None:
    """Full-page screenshots `<name>-phone.png` and `<name>-desk.png`; the page is left at the phone width."""
    folder.mkdir(parents=True, exist_ok=True)
    for label, size in (("phone", PHONE), ("desk", DESK)):
        page.set_viewport_size(size)
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(PHONE)


def sign_in(page, base: str, user, totp=None) -> None:
    """The sign-in page with the factories' password; `totp`: the user's authenticator, for staff."""
    page.goto(base + "/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    if totp is not None:
        page.locator("#id_code").fill(fresh_totp_code(totp))
        page.locator("main").get_by_role("button").first.click()
    expect(page.locator(".site-nav")).to_contain_text("Đăng xuất")
