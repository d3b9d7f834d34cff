"""The public verification page in a browser: a signed e-result uploaded at phone and desk widths reads as
valid, a changed copy as altered; axe-core checks every page (conftest). Screenshots go to /tmp/shots/h9/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e_results.conftest import (  # noqa: F401 (fixtures)
    _sandbox_pki_settings,
    one_byte_changed,
    pki_dir,
    signed_pdf,
)

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots/h9")
PHONE, DESK = {"width": 390, "height": 844}, {"width": 1366, "height": 900}


def upload(page, base, path: Path):
    page.goto(base + "/xac-thuc/")
    expect(page.locator("h1")).to_have_text("Xác thực kết quả điện tử")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Kiểm tra tệp").click()


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_signed_result_uploaded_on_the_verification_page(page, base, signed_pdf, tmp_path, viewport):  # noqa: F811
    page.set_viewport_size(viewport)
    label = "phone" if viewport is PHONE else "desk"
    SHOTS.mkdir(parents=True, exist_ok=True)
    good = tmp_path / "ket-qua.pdf"
    good.write_bytes(signed_pdf)
    upload(page, base, good)
    report = page.locator(".e-result-report")
    expect(report.locator("h2")).to_have_text("Hợp lệ: đã ký số và không bị thay đổi")
    expect(report).to_contain_text("Sở Thử Nghiệm Ký Số")
    expect(report).to_contain_text("có dấu thời gian hợp lệ")
    page.screenshot(path=str(SHOTS / f"verify-valid-{label}.png"), full_page=True)

    changed = tmp_path / "ket-qua-sua.pdf"
    changed.write_bytes(one_byte_changed(signed_pdf))
    upload(page, base, changed)
    expect(page.locator(".e-result-report h2")).to_have_text("Không hợp lệ: tệp đã bị thay đổi sau khi ký")
    page.screenshot(path=str(SHOTS / f"verify-altered-{label}.png"), full_page=True)
