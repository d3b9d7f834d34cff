"""Simple mode in the browser, on a phone: turned on from the menu while signed out, then a dossier filed one
question per page. Body text is at least 20px, buttons at least 44px high, and axe-core (tests/e2e/conftest)
finds no WCAG 2.1 AA violation on any page walked."""

import re

import pytest
from playwright.sync_api import expect

from procedures.models import ProcedureFee
from tests.accounts.factories_extra import PASSWORD, verified_user
from tests.e2e.site_menu import open_menu
from tests.factories import (
    AgencyFactory,
    CitizenProfileFactory,
    ProcedureFeeFactory,
    ProcedureVersionFactory,
    RequiredDocumentFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


@pytest.fixture
def filing(settings, live_server):
    settings.SITE_URL = live_server.url
    version = ProcedureVersionFactory(
        published=True, name="Cấp bản sao trích lục khai sinh", agencies=[AgencyFactory()], documents=0
    )
    RequiredDocumentFactory(version=version, position=1, name="Tờ khai đề nghị cấp bản sao")
    ProcedureFeeFactory(
        version=version,
        kind=ProcedureFee.Kind.FEE,
        description="Phí cấp bản sao",
        amount=5_000,
        quantity_field="copies",
        quantity_label="Số bản sao đề nghị cấp",
    )
    person = verified_user(full_name="Hoàng Văn Lộc")
    CitizenProfileFactory(
        user=person, full_name="Hoàng Văn Lộc", personal_id="037150012345", phone="0912000111"
    )
    return version, person


def body_font_size(page) -> float:
    return page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")


def wait_for_large_text(page) -> None:
    """Simple mode's text size, once the page has its styles: read at once, a page still loading after the
    switch's redirect has the browser's 16 px."""
    page.wait_for_function("() => parseFloat(getComputedStyle(document.body).fontSize) >= 20")


def answer(page, number: int, total: int):
    """One question on the page: check it is the one expected, then "Tiếp tục"."""
    form = page.locator("form.one-question")
    expect(form.locator(".question-count")).to_have_text(f"Câu hỏi {number} / {total}")
    expect(form.locator(".form-row")).to_have_count(1)  # one field (a radio group is one fieldset)
    form.get_by_role("button", name="Tiếp tục").click()


def test_a_citizen_turns_on_simple_mode_and_files_one_question_per_page(page, base, filing, tmp_path):
    version, person = filing
    scan = tmp_path / "to-khai.png"
    scan.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082"
        )
    )

    # Signed out, from the phone menu.
    page.goto(base + "/")
    assert body_font_size(page) < 20
    open_menu(page)
    page.locator(".site-menu").get_by_role("button", name="Chữ to").click()
    expect(page.locator("html")).to_have_class("simple-mode")
    wait_for_large_text(page)
    expect(page.locator(".messages")).to_contain_text("Đã bật chế độ đơn giản")

    page.goto(base + "/accounts/login/")
    page.locator("#id_login").fill(person.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.wait_for_load_state()  # measured with the page's styles
    expect(page.locator("html")).to_have_class("simple-mode")  # the cookie outlives signing in
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 90  # the phone header stays one row

    page.goto(f"{base}/procedures/{version.procedure.national_code}/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.locator("main form button[type=submit]").click()

    # Your details: five questions, one per page, prefilled from the profile.
    expect(page.locator("#id_applicant_name")).to_have_value("Hoàng Văn Lộc")
    page.wait_for_load_state()
    button = page.locator("form.one-question").get_by_role("button", name="Tiếp tục").bounding_box()
    assert button["height"] >= 44
    for number in range(1, 6):
        answer(page, number, 5)

    # The request: what is asked, anything else, how many copies.
    page.locator("#id_purpose").fill("Cấp 02 bản sao trích lục khai sinh")
    answer(page, 1, 3)
    page.locator("form.one-question").get_by_role("link", name="Quay lại").click()
    expect(page.locator("#id_purpose")).to_have_value("Cấp 02 bản sao trích lục khai sinh")  # kept
    answer(page, 1, 3)
    answer(page, 2, 3)
    page.locator("#id_copies").fill("2")
    answer(page, 3, 3)

    # Documents: one slot per page.
    expect(page.locator(".question-count")).to_have_text("Giấy tờ 1 / 1")
    page.locator("section.slot input[type=file]").set_input_files(str(scan))
    page.locator("section.slot form.upload-form button[type=submit]").click()
    expect(page.locator("section.slot .attached-files")).to_contain_text("to-khai")
    page.locator("main .form-actions").get_by_role("button", name="Tiếp tục").click()

    # Receiving the result.
    page.get_by_label("Trực tuyến, vào tài khoản của tôi").check()
    answer(page, 1, 1)

    expect(page.locator("main")).to_contain_text("Cấp 02 bản sao trích lục khai sinh")
    wait_for_large_text(page)
    page.locator("form.submit-card button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dossiers/\d+/$"))
    expect(page.locator("#status-title")).to_contain_text("Đã nộp")
