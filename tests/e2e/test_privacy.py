"""Personal-data rights in a browser: a citizen signs up ticking the privacy notice, confirms the address,
downloads "my data" (a ZIP with data.json and their files) and asks for a correction; a staff member with
the permission opens the processing register. axe-core checks every page (conftest). Screenshots at 390 and
1366 wide: /tmp/shots/privacy/."""

import importlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Role
from privacy.models import Consent, CorrectionRequest
from tests.accounts.factories_extra import PASSWORD, TOTPAuthenticatorFactory, fresh_totp_code, verified_user
from tests.e2e.site_menu import open_menu
from tests.e2e.support import PHONE, shoot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SHOTS = Path("/tmp/shots/privacy")
LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+")


@pytest.fixture(autouse=True)
def _notice():
    importlib.import_module("privacy.migrations.0002_seed_notice_v1").seed(apps, None)


def test_sign_up_with_the_notice_download_my_data_and_ask_for_a_correction(page, base):
    page.set_viewport_size(PHONE)
    page.goto(base + "/accounts/signup/")
    page.locator("#id_full_name").fill("Đỗ Thị Riêng")
    page.locator("#id_email").fill("rieng.do@example.vn")
    page.locator("#id_password1").fill("Rieng-mat-khau-2026")
    page.locator("#id_password2").fill("Rieng-mat-khau-2026")
    shoot(page, SHOTS, "signup")
    page.locator("#id_password2").press("Enter")
    expect(page.locator("#id_privacy_consent_helptext, [role=alert]").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))  # not without ticking the notice

    page.locator("#id_password1").fill("Rieng-mat-khau-2026")
    page.locator("#id_password2").fill("Rieng-mat-khau-2026")
    page.locator("#id_privacy_consent").check()
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    consent = Consent.objects.get(user__email="rieng.do@example.vn")
    assert consent.notice.version == 1 and consent.how == "signup"

    link = LINK.search(mail.outbox[-1].body).group(0)
    page.goto(link.replace("http://testserver", base).replace("http://127.0.0.1:8000", base))
    page.locator("main").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    page.locator("#id_personal_id").fill("001199012345")
    page.locator("#id_phone").fill("0912345678")
    page.locator("main form").first.get_by_role("button").first.click()

    page.goto(base + "/dashboard/")
    page.locator("main").get_by_role("link", name="Dữ liệu của tôi").click()
    expect(page.locator("h1")).to_have_text("Dữ liệu của tôi")
    shoot(page, SHOTS, "my-data")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải dữ liệu của tôi (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["personal_id"] == "001199012345" and data["consents"][0]["how"] == "signup"

    page.get_by_role("link", name="Yêu cầu chỉnh sửa dữ liệu").click()
    page.locator("#id_subject").select_option("identity")
    page.locator("#id_requested_change").fill("Ngày sinh đúng là 02/03/1990, không phải 03/02/1990.")
    shoot(page, SHOTS, "correction")
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.locator("main")).to_contain_text("đã được tiếp nhận")
    assert CorrectionRequest.objects.get(user__email="rieng.do@example.vn").is_open
    page.goto(base + "/quyen-rieng-tu/")
    shoot(page, SHOTS, "notice")
    page.goto(base + "/du-lieu-cua-toi/xoa-tai-khoan/")
    shoot(page, SHOTS, "delete")


def test_a_data_protection_officer_opens_the_register_and_a_request(page, base):
    page.set_viewport_size(PHONE)
    officer = verified_user(role=Role.OFFICER, full_name="Phạm Bảo Vệ")
    officer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_register", "handle_correctionrequest"])
    )
    totp = TOTPAuthenticatorFactory(user=officer)
    page.goto(base + "/accounts/login/")
    page.locator("#id_login").fill(officer.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.locator("#id_code").fill(fresh_totp_code(totp))
    page.locator("main").get_by_role("button").first.click()
    open_menu(page)
    expect(page.locator(".site-nav")).to_contain_text("Đăng xuất")
    page.goto(base + "/staff/privacy/register/")
    expect(page.locator("h1")).to_have_text("Sổ đăng ký hoạt động xử lý dữ liệu")
    expect(page.locator("main")).to_contain_text("dossiers.Dossier")
    shoot(page, SHOTS, "register")
    page.goto(base + "/staff/privacy/corrections/")
    shoot(page, SHOTS, "corrections")
