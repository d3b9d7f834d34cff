import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.site_menu import open_menu

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+")


def test_sign_up_verify_by_the_mailed_link_and_sign_in(page, base):
    page.goto(base + "/")
    open_menu(page)
    page.locator(".site-nav").get_by_role("link", name=re.compile("Đăng ký")).click()
    page.locator("#id_full_name").fill("Phạm Thị Hoa")
    page.locator("#id_email").fill("hoa.pham@example.vn")
    page.locator("#id_password1").fill("Hoa-mat-khau-2026")
    page.locator("#id_password2").fill("Hoa-mat-khau-2026")
    page.locator("#id_privacy_consent").check()
    page.locator("#id_password2").press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    # The verification email is sent; nobody is signed in until the link is followed.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hoa.pham@example.vn"]
    link = LINK.search(mail.outbox[0].body).group(0)
    assert User.objects.get(email="hoa.pham@example.vn").full_name == "Phạm Thị Hoa"

    page.goto(link.replace("http://testserver", base).replace("http://127.0.0.1:8000", base))
    page.locator("main").get_by_role("button").click()
    # First sign-in of a citizen goes to the profile, so forms can be prefilled later.
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.locator("#id_full_name")).to_have_value("Phạm Thị Hoa")

    open_menu(page)
    page.locator(".site-nav").get_by_role("button", name="Đăng xuất").click()
    page.goto(base + "/accounts/login/")
    page.locator("#id_login").fill("hoa.pham@example.vn")
    page.locator("#id_password").fill("Hoa-mat-khau-2026")
    page.locator("#id_password").press("Enter")
    expect(page.locator(".site-nav")).to_contain_text("Tài khoản")


def test_wrong_password_is_refused_with_a_message(page, base):
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(email="lan@example.vn", password="Dung-mat-khau-1")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    page.goto(base + "/accounts/login/")
    page.locator("#id_login").fill("lan@example.vn")
    page.locator("#id_password").fill("sai-mat-khau")
    page.locator("#id_password").press("Enter")
    expect(page.locator("[role=alert]").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_the_sign_in_history_shows_a_refused_password_and_signs_out_another_browser(page, base, browser):
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(email="minh@example.vn", password="Dung-mat-khau-1")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    other = browser.new_context()
    other_page = other.new_page()
    for tab, password in ((other_page, "Dung-mat-khau-1"), (page, "sai-mat-khau"), (page, "Dung-mat-khau-1")):
        tab.goto(base + "/accounts/login/")
        tab.locator("#id_login").fill("minh@example.vn")
        tab.locator("#id_password").fill(password)
        tab.locator("#id_password").press("Enter")
        tab.wait_for_load_state()

    page.goto(base + "/dashboard/")
    page.get_by_role("link", name="Lịch sử đăng nhập và các phiên đang mở").click()
    history = page.locator(".sign-in-history tbody tr")
    expect(history).to_have_count(3)
    expect(history.nth(1)).to_contain_text("Bị từ chối: sai mật khẩu hoặc mã")
    expect(page.locator(".session-list li")).to_have_count(2)
    expect(page.locator(".session-list li").first).to_contain_text("Trình duyệt này")

    page.get_by_role("button", name="Đăng xuất khỏi mọi nơi khác").click()
    expect(page.locator("main")).to_contain_text("Đã đăng xuất 1 phiên khác.")
    expect(page.locator(".session-list li")).to_have_count(1)
    other_page.goto(base + "/dashboard/")
    expect(other_page).to_have_url(re.compile(r"/accounts/login/"))
    other.close()

    # This browser signed in after the other one: its owner was told of a new browser, with the way here.
    page.goto(base + "/notifications/")
    notice = page.locator("main").get_by_text(
        "Tài khoản của ông/bà vừa được đăng nhập trên một trình duyệt mới"
    )
    expect(notice.first).to_be_visible()
