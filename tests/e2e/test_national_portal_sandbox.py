"""The sandbox national portal's page in the browser, in Vietnamese: an administrator signs in with the TOTP
code, sees the dossiers as the national portal holds them with the differences from ours, opens one, and
takes the sandbox down and brings it back up. Set E2E_SCREENSHOTS=<folder> to keep screenshots of the pages
at phone and desk widths."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from national_portal_sandbox.models import SandboxSettings
from national_portal_sandbox.protocol import handle
from tests.accounts.factories_extra import TOTPAuthenticatorFactory, verified_user
from tests.e2e.test_dossier_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}
NATIONAL_ONLY = "000.00.99.H40-261205-0001"


def seed_national_side():
    session = handle("login", {"username": "", "password": ""})[1]["session"]
    envelope = {"session": session, "madonvi": "000.00.99.H40"}
    record = {
        "MaHoSo": NATIONAL_ONLY,
        "MaTTHC": "1.001234",
        "TenTTHC": "Cấp bản sao trích lục hộ tịch",
        "ChuHoSo": "Nguyễn Thị Lan",
        "TrangThaiHoSo": "4",
        "NgayTiepNhan": "20261205090000",
        "NgayHenTra": "20261210000000",
        "TaiLieuNop": [{"TepDinhKemId": "1", "TenTepDinhKem": "to-khai.pdf", "DuongDanTaiTepTin": ""}],
    }
    handle("service", {**envelope, "service": "DongBoHoSoMC", "isUpdating": "false", "data": [record]})
    arrivals = [("20261205090000", "Tiếp nhận hồ sơ", "2"), ("20261205100000", "Chuyển xử lý", "4")]
    for time, text, code in arrivals:
        step = {"MaHoSo": NATIONAL_ONLY, "ThoiDiemXuLy": time, "TrangThai": code, "NoiDungXuLy": text}
        handle("service", {**envelope, "service": "CapNhatTienDoHoSoMC", "data": [step]})


def screenshot(page, name: str):
    folder = os.environ.get("E2E_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for label, viewport in (("phone", PHONE), ("desk", DESK)):
        page.set_viewport_size(viewport)
        page.screenshot(path=f"{folder}/{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESK)


def test_an_administrator_reads_the_differences_and_takes_the_sandbox_down_and_up(page, base):
    admin = verified_user(role=Role.CATALOGUE_ADMIN, is_staff=True, is_superuser=True, full_name="Lê Văn An")
    totp = TOTPAuthenticatorFactory(user=admin)
    seed_national_side()
    page.set_viewport_size(DESK)
    sign_in(page, base, admin, totp)

    page.goto(base + "/national-portal-sandbox/")
    expect(page.locator("h1")).to_have_text("Cổng Dịch vụ công quốc gia thử nghiệm")
    row = page.locator("#national-dossiers tbody tr", has_text=NATIONAL_ONLY)
    expect(row).to_contain_text("4 · Đang xử lý")
    expect(row).to_contain_text("Không có trên Cổng của tỉnh")
    screenshot(page, "list")

    row.get_by_role("link", name=NATIONAL_ONLY).click()
    expect(page.locator("h1")).to_contain_text(NATIONAL_ONLY)
    steps = page.locator("#national-steps tbody tr")
    expect(steps).to_have_count(2)
    expect(steps.first).to_contain_text("Tiếp nhận hồ sơ")
    screenshot(page, "dossier")

    page.goto(base + "/national-portal-sandbox/")
    page.get_by_role("button", name="Cho ngừng hoạt động").click()
    expect(page.locator(".messages")).to_contain_text("đã ngừng hoạt động")
    expect(page.locator("#sandbox-status")).to_have_text("Đang ngừng hoạt động: mọi lượt gọi đều lỗi.")
    assert SandboxSettings.load().down
    screenshot(page, "down")

    page.get_by_role("button", name="Cho hoạt động lại").click()
    expect(page.locator("#sandbox-status")).to_have_text(re.compile("^Đang hoạt động"))
    assert not SandboxSettings.load().down
