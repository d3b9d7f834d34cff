import re

import pytest
from playwright.sync_api import expect

from procedures.services import refresh_search_vocabulary
from tests.e2e.site_menu import open_menu
from tests.factories import FieldFactory, ProcedureFeeFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue():
    transport = FieldFactory(code="giao-thong", name="Giao thông vận tải")
    licence = ProcedureVersionFactory(
        published=True, name="Cấp đổi giấy phép lái xe", field=transport, result_name="Giấy phép lái xe"
    )
    ProcedureFeeFactory(version=licence, amount=135_000, description="Lệ phí cấp đổi giấy phép lái xe")
    ProcedureVersionFactory(published=True, name="Đăng ký khai sinh", field=FieldFactory(name="Hộ tịch"))
    refresh_search_vocabulary()
    return licence


def test_search_without_accents_and_open_the_procedure(page, base, catalogue):
    page.goto(base + "/")
    page.get_by_role("searchbox").fill("giay phep lai xe")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/procedures/\?q=giay\+phep\+lai\+xe"))
    result = page.get_by_role("link", name="Cấp đổi giấy phép lái xe")
    expect(result).to_be_visible()
    expect(page.get_by_role("link", name="Đăng ký khai sinh")).to_have_count(0)
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cấp đổi giấy phép lái xe")
    expect(page.get_by_text("135.000 đ").first).to_be_visible()


def test_switch_language_to_english_and_back(page, base, catalogue):
    page.goto(base + "/procedures/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục hành chính")
    open_menu(page)
    page.get_by_label("Ngôn ngữ").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Administrative procedures")
    expect(page).to_have_url(re.compile(r"/procedures/$"))
    open_menu(page)
    page.get_by_label("Language").select_option("vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục hành chính")


def test_language_switch_works_with_the_keyboard(page, base, catalogue):
    page.goto(base + "/")
    open_menu(page)
    page.get_by_label("Ngôn ngữ").focus()
    page.keyboard.press("ArrowDown")  # chromium changes the value on arrow keys: the form submits
    expect(page.locator("html")).to_have_attribute("lang", "en")
