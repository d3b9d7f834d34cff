"""Fees paid online, in the browser, in the default language (Vietnamese): the citizen files a full-process
dossier with a fee, the first payment fails at the sandbox bank and is tried again, the second goes through
(signed return and server-to-server notification), the citizen downloads the receipt; the clerk sees the
dossier paid, refuses it, and the citizen sees the fee refunded — by the portal itself, at once."""

import re
import shutil

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from payments.models import AttemptState, PaymentAttempt, Refund
from tests.accounts.factories_extra import TOTPAuthenticatorFactory, verified_user
from tests.e2e.test_dossier_journey import (
    STAFF_VIEWPORT,
    act,
    fetch_pdf,
    new_page,
    pdf_text,
    sign_in,
    tiny_pdf,
)
from tests.factories import (
    AgencyFactory,
    AgencyMembershipFactory,
    CitizenProfileFactory,
    ProcedureFeeFactory,
    ProcedureVersionFactory,
    RequiredDocumentFactory,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)"),
]


@pytest.fixture
def people(settings, live_server):
    settings.SITE_URL = live_server.url
    ward = AgencyFactory(code="000.00.15.H29", name="UBND phường Hoa Lư")
    version = ProcedureVersionFactory(
        published=True,
        name="Cấp Giấy phép bán lẻ rượu",
        result_name="Giấy phép bán lẻ rượu",
        agencies=[ward],
        documents=0,
        fee_payment_stage="at_filing",
    )
    RequiredDocumentFactory(version=version, position=1, name="Đơn đề nghị cấp Giấy phép bán lẻ rượu")
    ProcedureFeeFactory(
        version=version,
        kind="fee",
        description="Phí thẩm định cấp giấy phép bán lẻ rượu",
        amount=400_000,
        online_discount_percent=50,
    )
    citizen = verified_user(full_name="Nguyễn Thị Lan")
    CitizenProfileFactory(
        user=citizen, full_name="Nguyễn Thị Lan", personal_id="037185004321", phone="0915234678"
    )
    clerk = verified_user(role=Role.CLERK, full_name="Phạm Thu Hà")
    AgencyMembershipFactory(user=clerk, agency=ward)
    return {
        "version": version,
        "ward": ward,
        "citizen": citizen,
        "clerk": clerk,
        "clerk_totp": TOTPAuthenticatorFactory(user=clerk),
    }


def file_online(page, base, version, ward, tmp_path) -> str:
    page.goto(f"{base}/procedures/{version.procedure.national_code}/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.locator("main form button[type=submit]").click()  # one agency: it is chosen
    page.locator("main form button[type=submit]").click()  # details prefilled from the profile
    page.locator("#id_purpose").fill("Cấp giấy phép bán lẻ rượu tại số 15 Trần Hưng Đạo")
    page.locator("main form button[type=submit]").click()
    scan = tmp_path / "don-de-nghi.pdf"
    scan.write_bytes(tiny_pdf("Don de nghi cap giay phep ban le ruou"))
    slot = page.locator("section.slot").first
    slot.locator("input[type=file]").set_input_files(str(scan))
    slot.locator("form.upload-form button[type=submit]").click()
    expect(slot.locator(".attached-files")).to_contain_text("don-de-nghi.pdf")
    page.locator("main .form-actions .button").first.click()
    page.get_by_label("Trực tuyến, vào tài khoản của tôi").check()
    page.locator("main form button[type=submit]").click()
    page.locator("form.submit-card button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dossiers/\d+/$"))
    return page.locator(".dossier-code").first.inner_text().strip()


def test_pay_a_fee_online_retry_a_failure_get_the_receipt_and_the_refund(
    page, base, browser, browser_context_args, people, tmp_path
):
    version, ward = people["version"], people["ward"]

    # --- the citizen files and sees what is due -------------------------------------------------------
    sign_in(page, base, people["citizen"])
    code = file_online(page, base, version, ward, tmp_path)
    fees = page.locator(".fees-card")
    expect(fees).to_contain_text("200.000 đ")
    expect(fees).to_contain_text("chưa thanh toán")
    fees.get_by_role("link", name=re.compile("Khoản phải nộp và căn cứ")).click()
    expect(page.locator(".fee-table")).to_contain_text("Phí thẩm định cấp giấy phép bán lẻ rượu")
    expect(page.locator(".fee-table")).to_contain_text("50%")
    page.go_back()

    # --- the first payment fails at the bank ------------------------------------------------------------
    page.get_by_role("button", name="Thanh toán trực tuyến 200.000 đ").click()
    expect(page).to_have_url(re.compile(r"/sandbox-bank/pay/\?"))
    expect(page.locator(".amount")).to_have_text("200.000 đồng")
    page.get_by_role("button", name=re.compile("Thanh toán thất bại")).click()
    expect(page).to_have_url(re.compile(r"/payments/return/sandbox/\?"))
    expect(page.locator("main")).to_contain_text("Thanh toán không thành công")
    expect(page.locator("main")).to_contain_text("Tài khoản không đủ số dư.")

    # --- tried again from the result page: it goes through --------------------------------------------
    page.get_by_role("button", name="Thanh toán trực tuyến 200.000 đ").click()
    page.get_by_role("button", name="Thanh toán thành công").click()
    expect(page.locator("main h2")).to_have_text("Đã nhận thanh toán")
    paid = PaymentAttempt.objects.get(state=AttemptState.PAID)
    assert PaymentAttempt.objects.filter(state=AttemptState.FAILED).count() == 1
    receipt = pdf_text(fetch_pdf(page, base, page.get_by_role("link", name="Tải biên nhận (PDF)")))
    for expected in [
        code,
        paid.txn_ref,
        "200.000 đồng",
        "Hai trăm nghìn đồng",
        "Phí thẩm định cấp giấy phép",
    ]:
        assert expected in receipt, expected
    page.get_by_role("link", name="Quay lại hồ sơ").click()
    expect(page.locator(".fees-card")).to_contain_text("đã thanh toán")

    # --- the clerk sees it paid, and refuses it ---------------------------------------------------------
    desk = new_page(browser, browser_context_args, viewport=STAFF_VIEWPORT)
    sign_in(desk, base, people["clerk"], people["clerk_totp"])
    desk.goto(f"{base}/staff/{ward.code}/queue/")
    row = desk.locator("tr.queue-row").filter(has_text=code)
    expect(row).to_contain_text("đã thanh toán")
    row.get_by_role("link", name=code).click()
    expect(desk.locator(".status-card")).to_contain_text("đã thanh toán")
    refuse = act(desk, "refuse")
    refuse.get_by_label("Lý do").fill("Địa điểm kinh doanh không thuộc địa bàn phường Hoa Lư.")
    refuse.locator("button[type=submit]").click()
    desk.locator(
        "button[name=confirmed]"
    ).click()  # refusing ends the dossier: confirmed on a page of its own
    expect(desk.locator("#status-title")).to_contain_text("Từ chối")

    # --- the citizen sees the refund --------------------------------------------------------------------
    page.reload()
    expect(page.locator(".fees-card")).to_contain_text("đã hoàn trả")
    expect(page.locator(".timeline")).to_contain_text("Phí, lệ phí đã được hoàn trả.")
    page.locator(".fees-card").get_by_role("link").last.click()
    expect(page.locator(".attempts-table")).to_contain_text("Đã hoàn trả")
    refund = Refund.objects.get()
    assert refund.status == "succeeded" and refund.reason.startswith("Địa điểm kinh doanh")
    assert refund.decided_by == "Phạm Thu Hà"
