"""Browser: the citizen sees the in-portal notice appear after the clerk acts, opens it, and the unread
count in the header goes down."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from dossiers import services
from tests.accounts.factories_extra import PASSWORD, TOTPAuthenticatorFactory, fresh_totp_code, verified_user
from tests.factories import (
    PURPOSE,
    AgencyFactory,
    AgencyMembershipFactory,
    CitizenProfileFactory,
    ProcedureVersionFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, base, user, totp=None):
    page.goto(base + "/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button").first.click()
    if totp is not None:
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
        page.locator("#id_code").fill(fresh_totp_code(totp))
        page.locator("main").get_by_role("button").first.click()
    expect(page.locator(".site-nav")).to_contain_text("Đăng xuất")


@pytest.fixture
def filed(settings, live_server):
    settings.SITE_URL = live_server.url
    ward = AgencyFactory(code="000.00.15.H29", name="UBND phường Hoa Lư")
    version = ProcedureVersionFactory(
        published=True, name="Cấp bản sao trích lục hộ tịch", agencies=[ward], documents=0
    )
    citizen = verified_user(full_name="Trần Thị Bích Ngọc")
    CitizenProfileFactory(user=citizen, full_name="Trần Thị Bích Ngọc", phone="0912345678")
    clerk = verified_user(role=Role.CLERK, full_name="Phạm Văn Tiếp")
    AgencyMembershipFactory(user=clerk, agency=ward)
    dossier = services.submit(
        dossier=services.start_draft(version=version, applicant=citizen, form_data=PURPOSE), by=citizen
    )
    return {
        "dossier": dossier,
        "citizen": citizen,
        "clerk": clerk,
        "totp": TOTPAuthenticatorFactory(user=clerk),
    }


def test_the_citizen_sees_the_notice_appear_after_the_clerk_acts(
    page, base, browser, browser_context_args, filed
):
    dossier = filed["dossier"]
    sign_in(page, base, filed["citizen"])
    notices_link = page.locator(".site-nav [data-notices]")
    expect(notices_link.locator(".nav-count")).to_have_text("1")  # "submitted"
    notices_link.click()
    expect(page.locator(".notice summary").first).to_have_text("Mới: Hồ sơ đã nộp")
    expect(page.locator(".notice").first).to_contain_text(dossier.code)

    # The clerk receives the dossier, in another browser.
    context = browser.new_context(**browser_context_args)
    desk = context.new_page()
    sign_in(desk, base, filed["clerk"], filed["totp"])
    desk.goto(f"{base}/staff/dossiers/{dossier.pk}/")
    desk.locator(".action-receive button[type=submit]").click()
    expect(desk.locator("#status-title")).to_contain_text("Đã tiếp nhận")
    expect(desk.locator("#notifications-title")).to_be_visible()  # what the applicant was told

    page.reload()
    expect(notices_link.locator(".nav-count")).to_have_text("2")
    newest = page.locator(".notice").first
    expect(newest).to_have_class(re.compile("notice-unread"))
    expect(newest.locator("summary")).to_have_text("Mới: Hồ sơ đã được tiếp nhận")
    dossier.refresh_from_db()
    newest.locator("summary").click()  # the full text unfolds from the line
    expect(newest.locator(".notice-body")).to_contain_text(
        f"Ngày hẹn trả kết quả: {dossier.due_date:%d/%m/%Y}"
    )

    newest.get_by_role("button", name=f"Hồ sơ {dossier.code}").click()
    expect(page).to_have_url(re.compile(rf"/dossiers/{dossier.pk}/$"))
    expect(notices_link.locator(".nav-count")).to_have_text("1")
    notices_link.click()
    page.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    expect(notices_link.locator(".nav-count")).to_have_count(0)
    expect(page.locator(".notice-unread")).to_have_count(0)
    context.close()
