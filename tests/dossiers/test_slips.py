import shutil
import subprocess
import unicodedata

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from common.pdf import qr_data_uri
from dossiers import selectors, services, slips, working_days
from dossiers.models import RuleSet, State
from tests.dossiers.staff_support import Clock, dossier_in, file_online, reload, sign_in, vn, world
from tests.factories import CitizenProfileFactory, pdf_upload

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)"),
]


def pdf_text(content: bytes) -> str:
    """What pdftotext reads back, with runs of spaces and line breaks folded to one space."""
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout
    return " ".join(unicodedata.normalize("NFC", text.decode()).split())


def folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def slip_url(dossier, kind) -> str:
    return reverse("staff:slip", args=[dossier.pk, kind])


def get_slip(client, dossier, kind):
    response = client.get(slip_url(dossier, kind))
    assert response.status_code == 200, (kind, response.status_code)
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF-")
    return content


def with_apology(w, dossier):
    services.issue_apology(
        dossier=dossier,
        by=w.handler.officer,
        new_due_date=working_days.add_working_days(dossier.due_date, 3),
        reason="Cần xác minh nơi cư trú",
        signed_by="Đinh Văn Hưng, Giám đốc Sở Tư pháp",
    )
    return reload(dossier)


def dossier_for_slip(w, kind):
    return {
        "receipt": lambda: dossier_in(w, State.RECEIVED),
        "supplement": lambda: dossier_in(w, State.SUPPLEMENT_REQUESTED),
        "refusal": lambda: dossier_in(w, State.REFUSED),
        "apology": lambda: with_apology(w, dossier_in(w, State.IN_PROGRESS)),
        "stop": lambda: dossier_in(w, State.STOPPED),
        "control": lambda: dossier_in(w, State.RETURNED),
    }[kind]()


@pytest.mark.parametrize("kind", slips.SLIP_KINDS)
def test_each_slip_prints_its_legal_title_the_code_and_the_applicant(client, kind):
    w = world()
    dossier = dossier_for_slip(w, kind)
    client.force_login(dossier.applicant)  # the applicant may open their slips
    client.cookies["portal_language"] = "en"  # an official document: Vietnamese whatever the UI language

    text = pdf_text(get_slip(client, dossier, kind))

    form = RuleSet.objects.get(code="nd118-2025").forms[kind]
    assert folded(form["title"]) in text and form["number"] in text
    assert dossier.code in text and dossier.applicant_name in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert w.desk.agency.name.upper() in text or w.handler.agency.name.upper() in text


def test_the_slips_carry_what_their_forms_list(client):
    w = world()
    dossier = with_apology(w, dossier_in(w, State.IN_PROGRESS))
    sign_in(client, w.desk.clerk)

    receipt = pdf_text(get_slip(client, dossier, "receipt"))
    assert dossier.applicant_id_number in receipt and dossier.applicant_phone in receipt
    assert "Số 12 phố Lê Lợi" in receipt
    for required in dossier.procedure_version.documents.all():
        assert required.name in receipt
    record = dossier.apologies.get()
    assert f"{timezone.localtime(dossier.received_at):%d/%m/%Y}" in receipt
    # The appointment promised at receipt, not the one the apology moved it to.
    assert f"ngày {record.original_due_date:%d/%m/%Y}" in receipt
    assert f"{record.new_due_date:%d/%m/%Y}" not in receipt
    assert "5 ngày làm việc" in receipt and "50.000 đồng" in receipt
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in receipt and w.desk.clerk.full_name in receipt

    apology = pdf_text(get_slip(client, dossier, "apology"))
    assert f"{record.original_due_date:%d/%m/%Y}" in apology and f"{record.new_due_date:%d/%m/%Y}" in apology
    assert "Cần xác minh nơi cư trú" in apology and "Đinh Văn Hưng" in apology

    control = pdf_text(get_slip(client, dossier, "control"))
    assert w.handler.agency.name in control and "Đúng hạn" in control and "Chuyển hồ sơ" in control


def test_the_supplement_slip_lists_the_documents_the_reason_and_whom_to_ask(client):
    w = world()
    dossier = dossier_in(w, State.SUPPLEMENT_REQUESTED)
    sign_in(client, w.desk.clerk)

    text = pdf_text(get_slip(client, dossier, "supplement"))

    request = dossier.supplement_requests.get()
    assert request.items.get().name in text
    assert "Giấy tờ chưa hợp lệ" in text and "Chị Hoa, 0229 3871 234" in text
    assert "NGƯỜI HƯỚNG DẪN" in text and w.desk.clerk.full_name in text


def test_the_slip_has_a_qr_code_for_the_public_lookup(client):
    w = world()
    dossier = dossier_in(w, State.RECEIVED)
    sign_in(client, w.desk.clerk)

    content = get_slip(client, dossier, "receipt")

    lookup = f"{settings.SITE_URL}/dossiers/lookup/?code={dossier.code}"
    assert selectors.lookup_url(dossier) == lookup
    assert lookup in pdf_text(content)
    if shutil.which("pdfimages"):
        listing = subprocess.run(["pdfimages", "-list", "-"], input=content, capture_output=True, check=True)
        [qr_image] = listing.stdout.decode().strip().splitlines()[2:]  # after the header and its rule
        assert " image " in qr_image
    context = slips.slip_context(dossier, "receipt")
    assert context["qr"] == qr_data_uri(lookup) and context["qr"].startswith("data:image/png;base64,")


def test_a_dossier_received_before_1_july_2025_prints_the_2018_forms(client, monkeypatch):
    clock = Clock(monkeypatch, vn(2025, 6, 20, 9, 0))
    w = world()
    old = dossier_in(w, State.IN_PROGRESS)
    assert old.rule_set.code == "nd61-2018"
    clock.set(vn(2025, 7, 2, 9, 0))
    new = dossier_in(w, State.IN_PROGRESS)
    assert new.rule_set.code == "nd118-2025"
    # The old dossier is still printed under its own rules, after the change.
    sign_in(client, w.desk.clerk)

    old_text = pdf_text(get_slip(client, old, "control"))
    new_text = pdf_text(get_slip(client, new, "control"))

    assert "Mẫu số 05" in old_text and "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in old_text
    assert "Thông tư số 01/2018/TT-VPCP" in old_text
    assert "Mẫu số 06" in new_text and "Mẫu số 05" not in new_text
    assert "Thông tư số 03/2025/TT-VPCP" in new_text


def test_a_refusal_before_receipt_follows_the_rules_of_the_day_it_was_filed(client, monkeypatch):
    Clock(monkeypatch, vn(2025, 6, 30, 9, 0))
    w = world()
    dossier = dossier_in(w, State.REFUSED)
    sign_in(client, w.desk.clerk)

    text = pdf_text(get_slip(client, dossier, "refusal"))

    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "Mẫu số 03" in text
    assert "Không thuộc thẩm quyền" in text


def test_there_was_no_stop_notice_before_2025(client, monkeypatch):
    Clock(monkeypatch, vn(2025, 6, 20, 9, 0))
    w = world()
    dossier = dossier_in(w, State.STOPPED)
    sign_in(client, w.handler.officer)
    assert client.get(slip_url(dossier, "stop")).status_code == 404
    assert client.get(slip_url(dossier, "control")).status_code == 200


def test_a_slip_the_dossier_does_not_have_does_not_exist(client):
    w = world()
    submitted = file_online(w)
    received = dossier_in(w, State.RECEIVED)
    sign_in(client, w.desk.clerk)
    assert client.get(slip_url(submitted, "receipt")).status_code == 404
    assert client.get(slip_url(submitted, "control")).status_code == 404
    assert client.get(slip_url(received, "apology")).status_code == 404
    assert client.get(slip_url(received, "refusal")).status_code == 404
    assert client.get(slip_url(received, "supplement")).status_code == 404
    assert client.get(slip_url(received, "invoice")).status_code == 404
    assert client.get(slip_url(received, "receipt") + "?id=x").status_code == 404


def test_slips_are_only_for_those_who_may_see_the_dossier(client):
    w = world()
    dossier = dossier_in(w, State.RECEIVED)
    client.force_login(CitizenProfileFactory().user)
    assert client.get(slip_url(dossier, "receipt")).status_code == 404
    sign_in(client, world().desk.clerk)
    assert client.get(slip_url(dossier, "receipt")).status_code == 404
    client.logout()
    response = client.get(slip_url(dossier, "receipt"))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_each_hand_off_names_who_held_the_dossier_then_not_who_holds_it_now():
    """An intake supplement is answered to the desk, even once the dossier has moved on to the deciding
    agency; the result comes from that agency to the desk, even when the desk clerk records it."""
    w = world()
    dossier = dossier_in(w, State.SUPPLEMENT_REQUESTED)
    services.attach_upload(
        dossier=dossier,
        required_document=dossier.procedure_version.documents.first(),
        uploaded=pdf_upload("bo-sung.pdf"),
        by=dossier.applicant,
        kind="supplement",
    )
    dossier = services.answer_supplement(dossier=dossier, by=dossier.applicant)
    dossier = services.receive(dossier=dossier, clerk=w.desk.clerk)
    dossier = services.transfer(dossier=dossier, by=w.desk.clerk, to_agency=w.handler.agency)
    dossier = services.approve(dossier=dossier, officer=w.handler.officer, result_file=pdf_upload("kq.pdf"))
    dossier = services.mark_result_ready(dossier=dossier, by=w.desk.clerk)

    rows = {row.action: row for row in slips.handoffs(dossier, list(dossier.events.order_by("at", "pk")))}
    desk, handler = w.desk.agency.name, w.handler.agency.name
    assert (rows["answer_supplement"].from_label, rows["answer_supplement"].to_label) == (
        dossier.applicant_name,
        desk,
    )
    assert (rows["transfer"].from_label, rows["transfer"].to_label) == (desk, handler)
    assert (rows["result_ready"].from_label, rows["result_ready"].to_label) == (handler, desk)


def test_the_staff_page_links_the_apology_slip_once_an_apology_was_issued(client):
    """The page tells from the dossier's events (each apology has its audit row), with no query of its own."""
    w = world()
    dossier = dossier_in(w, State.IN_PROGRESS)
    sign_in(client, w.handler.officer)
    page = reverse("staff:detail", args=[dossier.pk])
    assert slip_url(dossier, "apology") not in client.get(page).content.decode()

    with_apology(w, dossier)
    html = client.get(page).content.decode()
    assert slip_url(dossier, "apology") in html and slip_url(dossier, "receipt") in html
