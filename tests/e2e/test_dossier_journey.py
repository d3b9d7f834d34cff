"""The whole life of a dossier, through the real pages in the default language (Vietnamese): a citizen files
online with two documents, the one-stop shop asks for a supplement, the citizen adds it online, the clerk
receives the dossier and transfers it to the deciding agency, the officer approves it with the result, the
clerk returns it, and the citizen downloads the receipt slip and the result. Anyone can then track it by its
code and the last 4 digits of the applicant's phone; wrong digits look exactly like an unknown code.

Only the people, the agencies and the catalogue entry are made with factories; everything after that is
done by clicking. Three browser contexts, one per person, each signed in once (staff with their TOTP code).
"""

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.accounts.factories_extra import PASSWORD, TOTPAuthenticatorFactory, fresh_totp_code, verified_user
from tests.e2e.site_menu import open_menu
from tests.factories import (
    AgencyFactory,
    AgencyMembershipFactory,
    CitizenProfileFactory,
    ProcedureVersionFactory,
    RequiredDocumentFactory,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)"),
]

STAFF_VIEWPORT = {"width": 1280, "height": 900}  # the back office is used at a desk


def tiny_pdf(text: str) -> bytes:
    """A real one-page PDF (catalogue, page, font, content stream, cross-reference table) saying `text`."""
    content = f"BT /F1 18 Tf 72 770 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


def pdf_text(content: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout
    return " ".join(out.decode().split())


@pytest.fixture
def scans(tmp_path):
    """The files people pick in the file chooser."""
    files = {}
    for name, text in {
        "don-de-nghi.pdf": "Don de nghi cap ban sao trich luc khai sinh",
        "cccd.pdf": "Can cuoc cong dan 001190012345",
        "cccd-ban-ro.pdf": "Can cuoc cong dan 001190012345 - ban chup ro",
        "trich-luc-khai-sinh.pdf": "Trich luc khai sinh (ban sao) so 123/2026",
    }.items():
        path = tmp_path / name
        path.write_bytes(tiny_pdf(text))
        assert pdf_text(path.read_bytes()) == text  # a PDF a reader opens, not just a header
        files[name] = str(path)
    return files


@pytest.fixture
def people(settings, live_server):
    """The one-stop shop of a ward (X) receives; the provincial justice department (Y) decides."""
    settings.SITE_URL = live_server.url  # the slips' QR codes point at this server
    ward = AgencyFactory(code="000.00.15.H29", name="UBND phường Hoa Lư")
    department = AgencyFactory(code="000.00.03.H29", name="Sở Tư pháp tỉnh Ninh Bình")
    version = ProcedureVersionFactory(
        published=True,
        name="Cấp bản sao trích lục hộ tịch",
        result_name="Bản sao trích lục hộ tịch",
        agencies=[ward, department],
        documents=0,
    )
    RequiredDocumentFactory(version=version, position=1, name="Tờ khai đề nghị cấp bản sao trích lục")
    RequiredDocumentFactory(version=version, position=2, name="Căn cước công dân của người yêu cầu")

    citizen = verified_user(full_name="Trần Thị Bích Ngọc")
    CitizenProfileFactory(
        user=citizen,
        full_name="Trần Thị Bích Ngọc",
        personal_id="037190012345",
        phone="0912345678",
        street_address="Số 12 phố Lê Lợi",
    )
    clerk = verified_user(role=Role.CLERK, full_name="Phạm Văn Tiếp")
    AgencyMembershipFactory(user=clerk, agency=ward)
    officer = verified_user(role=Role.OFFICER, full_name="Đinh Thị Hà")
    AgencyMembershipFactory(user=officer, agency=department)
    return {
        "version": version,
        "ward": ward,
        "department": department,
        "citizen": citizen,
        "clerk": clerk,
        "clerk_totp": TOTPAuthenticatorFactory(user=clerk),
        "officer": officer,
        "officer_totp": TOTPAuthenticatorFactory(user=officer),
    }


def new_page(browser, browser_context_args, **overrides):
    context = browser.new_context(**{**browser_context_args, **overrides})
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)
    return context.new_page()


def sign_in(page, base, user, totp=None):
    page.goto(base + "/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button").first.click()
    if totp is not None:  # staff: the code from their authenticator app
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
        page.locator("#id_code").fill(fresh_totp_code(totp))
        page.locator("main").get_by_role("button").first.click()
    expect(page.locator(".site-nav")).to_contain_text("Đăng xuất")


def fetch_pdf(page, base, link) -> bytes:
    """Download a linked file in this person's browser session (their cookies) and check it is a PDF."""
    href = link.get_attribute("href")
    response = page.context.request.get(href if href.startswith("http") else base + href)
    assert response.status == 200, (href, response.status)
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF-")
    return body


def upload(page, slot_name: str, path: str):
    """Attach a file in the slot of one required document and wait for the page to show it."""
    slot = page.locator("section.slot").filter(has=page.get_by_role("heading", name=slot_name, exact=True))
    slot.locator("input[type=file]").set_input_files(path)
    slot.locator("form.upload-form button[type=submit]").click()
    expect(slot.locator(".attached-files")).to_contain_text(path.rsplit("/", 1)[-1])  # after the reload


def act(page, action: str):
    """Press the button of one action on the staff dossier page (opening its panel first if it has one)."""
    panel = page.locator(f".action-{action}")
    if panel.evaluate("node => node.tagName") == "DETAILS":
        panel.locator("summary").click()
    return panel


def test_a_dossier_from_filing_to_the_returned_result(
    page, base, browser, browser_context_args, people, scans
):
    version, ward, department = people["version"], people["ward"], people["department"]

    # --- the citizen files online ---------------------------------------------------------------------
    sign_in(page, base, people["citizen"])
    page.goto(f"{base}/procedures/{version.procedure.national_code}/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_label(ward.name).check()
    page.locator("main form button[type=submit]").click()

    # Your details: prefilled from the profile.
    expect(page.locator("#id_applicant_name")).to_have_value("Trần Thị Bích Ngọc")
    expect(page.locator("#id_applicant_phone")).to_have_value("0912345678")
    page.locator("main form button[type=submit]").click()
    page.locator("#id_purpose").fill("Cấp 02 bản sao trích lục khai sinh của tôi")
    page.locator("main form button[type=submit]").click()

    upload(page, "Tờ khai đề nghị cấp bản sao trích lục", scans["don-de-nghi.pdf"])
    upload(page, "Căn cước công dân của người yêu cầu", scans["cccd.pdf"])
    page.locator("main .form-actions .button").first.click()

    page.get_by_label("Trực tuyến, vào tài khoản của tôi").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("don-de-nghi.pdf")
    expect(page.locator("main")).to_contain_text("cccd.pdf")
    page.locator("form.submit-card button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/dossiers/\d+/$"))
    code = page.locator(".dossier-code").first.inner_text().strip()
    assert re.fullmatch(r"000\.00\.15\.H29-\d{6}-0001", code), code
    expect(page.locator("#status-title")).to_contain_text("Đã nộp")

    # --- the clerk finds it in the queue and asks for a supplement, from the checklist ----------------
    desk = new_page(browser, browser_context_args, viewport=STAFF_VIEWPORT)
    sign_in(desk, base, people["clerk"], people["clerk_totp"])
    desk.locator(".site-nav").get_by_role("link", name="Hàng đợi công việc").click()
    desk.get_by_role("link", name=ward.name).first.click()
    desk.get_by_role("link", name=code).click()
    expect(desk.locator("h1")).to_have_text(version.name)
    expect(desk.get_by_role("link", name=re.compile("Giấy tiếp nhận"))).to_have_count(0)  # not received yet

    supplement = act(desk, "request_supplement")
    supplement.get_by_label("Căn cước công dân của người yêu cầu").check()
    supplement.get_by_label("Lý do").fill("Ảnh chụp căn cước bị mờ, không đọc được số định danh.")
    supplement.locator("button[type=submit]").click()
    expect(desk.locator("#status-title")).to_contain_text("Yêu cầu bổ sung")

    # --- the citizen sees exactly what to add, adds it online and sends it ----------------------------
    page.reload()
    request_card = page.locator(".supplement-card")
    expect(request_card).to_contain_text("Căn cước công dân của người yêu cầu")
    expect(request_card).to_contain_text("Ảnh chụp căn cước bị mờ")
    expect(request_card).not_to_contain_text("Tờ khai đề nghị")
    request_card.get_by_role("link").last.click()
    upload(page, "Căn cước công dân của người yêu cầu", scans["cccd-ban-ro.pdf"])
    page.locator("#id_note").fill("Tôi gửi lại ảnh chụp rõ.")
    page.locator("form:has(input[name=action][value=send]) button[type=submit]").click()
    expect(page.locator("#status-title")).to_contain_text("Đã nộp")

    # --- the clerk receives it (receipt slip) and transfers it to the deciding agency ----------------
    desk.reload()
    expect(desk.locator("#status-title")).to_contain_text("Đã nộp")
    expect(desk.locator("main")).to_contain_text("cccd-ban-ro.pdf")
    act(desk, "receive").locator("button[type=submit]").click()
    expect(desk.locator("#status-title")).to_contain_text("Đã tiếp nhận")
    receipt_link = desk.get_by_role("link", name=re.compile("Giấy tiếp nhận"))
    receipt = pdf_text(fetch_pdf(desk, base, receipt_link))
    assert code in receipt and "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt.upper()
    lookup_url = re.search(r"Tra cứu tình trạng hồ sơ: (\S+)", receipt).group(1)

    transfer = act(desk, "transfer")
    expect(transfer.get_by_label("Chuyển đến cơ quan")).to_have_value(str(department.pk))
    transfer.locator("button[type=submit]").click()
    expect(desk.locator("#status-title")).to_contain_text("Đang xử lý")

    # --- the officer of the deciding agency approves it, with the signed result ----------------------
    office = new_page(browser, browser_context_args, viewport=STAFF_VIEWPORT)
    sign_in(office, base, people["officer"], people["officer_totp"])
    office.locator(".site-nav").get_by_role("link", name="Hàng đợi công việc").click()
    office.get_by_role("link", name=department.name).first.click()
    office.locator(".queue-tabs").get_by_role("link", name=re.compile("^Đang xử lý")).click()
    office.get_by_role("link", name=code).click()
    approve = act(office, "approve")
    approve.locator("input[type=file]").set_input_files(scans["trich-luc-khai-sinh.pdf"])
    approve.locator("button[type=submit]").click()
    expect(office.locator("#status-title")).to_contain_text("Đã phê duyệt")

    # --- the clerk: result ready, then returned -------------------------------------------------------
    desk.reload()
    act(desk, "result_ready").locator("button[type=submit]").click()
    expect(desk.locator("#status-title")).to_contain_text("Đã có kết quả")
    act(desk, "returned").locator("button[type=submit]").click()
    expect(desk.locator("#status-title")).to_contain_text("Đã trả kết quả")

    # --- the citizen sees it returned and downloads the receipt slip and the result -------------------
    page.reload()
    expect(page.locator("#status-title")).to_have_text("Trạng thái: Đã trả kết quả")
    expect(page.locator(".timeline")).to_contain_text("Kết quả đã được trả.")
    slip = fetch_pdf(page, base, page.get_by_role("link", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả"))
    assert code in pdf_text(slip)
    result_link = page.locator(".result-card").get_by_role("link", name=re.compile("trich-luc-khai-sinh.pdf"))
    result = fetch_pdf(page, base, result_link)
    assert pdf_text(result) == "Trich luc khai sinh (ban sao) so 123/2026"

    # --- anyone: the header link, then the slip's QR code, then wrong digits -------------------------
    visitor = new_page(browser, browser_context_args)
    visitor.goto(base + "/")
    open_menu(visitor)
    visitor.locator(".site-header").get_by_role("link", name="Tra cứu hồ sơ").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Tra cứu hồ sơ")

    assert lookup_url.startswith(base + "/dossiers/lookup/?code=")
    visitor.goto(lookup_url)
    expect(visitor.locator("#id_code")).to_have_value(code)  # the QR code prefills the code
    visitor.locator("#id_digits").fill("5678")
    visitor.locator("main form button[type=submit]").click()
    result_card = visitor.locator(".status-card")
    expect(result_card).to_contain_text("Đã trả kết quả")
    expect(result_card).to_contain_text(version.name)
    expect(result_card).not_to_contain_text("Trần Thị Bích Ngọc")

    visitor.locator("#id_digits").fill("1234")
    visitor.locator("main form button[type=submit]").click()
    expect(visitor).to_have_url(re.compile(r"digits=1234$"))
    expect(visitor.locator(".status-card")).to_have_count(0)
    wrong_digits = visitor.locator("main [role=alert]").inner_text()
    visitor.locator("#id_code").fill("000.00.15.H29-260101-9999")
    visitor.locator("#id_digits").fill("5678")
    visitor.locator("main form button[type=submit]").click()
    expect(visitor).to_have_url(re.compile(r"code=000\.00\.15\.H29-260101-9999&digits=5678$"))
    unknown_code = visitor.locator("main [role=alert]").inner_text()
    assert wrong_digits == unknown_code
    assert "Không tìm thấy hồ sơ" in unknown_code
