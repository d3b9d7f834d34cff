"""The data store in a browser (issue 16). A citizen whose store holds a CCCD (kind code "CCCD") files a
second dossier of a procedure whose slot asks for a CCCD: the documents step shows it pre-attached and one
click on "Dùng các giấy tờ này" completes the step — nothing typed, nothing uploaded. A clerk digitises a
paper brought to the desk into its slot and attests the copy. Screenshots: /tmp/shots/datastore/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from dossiers import services
from dossiers.models import DossierDocument, StoredFile
from procedures.models import DocumentKind
from tests.accounts.factories_extra import TOTPAuthenticatorFactory, verified_user
from tests.e2e.support import DESK, PHONE, shoot
from tests.e2e.test_dossier_journey import sign_in, tiny_pdf
from tests.factories import (
    AgencyFactory,
    AgencyMembershipFactory,
    CitizenProfileFactory,
    ProcedureVersionFactory,
    RequiredDocumentFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SHOTS = Path("/tmp/shots/datastore")
CCCD_SLOT = "Căn cước công dân của người yêu cầu"


@pytest.fixture
def cccd():
    kind, _created = DocumentKind.objects.get_or_create(code="CCCD", defaults={"name": "Căn cước công dân"})
    return kind


@pytest.fixture
def procedure(cccd):
    agency = AgencyFactory(name="UBND phường Hoa Lư")
    version = ProcedureVersionFactory(
        published=True, name="Cấp bản sao trích lục hộ tịch", agencies=[agency], documents=0
    )
    RequiredDocumentFactory(version=version, position=0, name=CCCD_SLOT, kind=cccd)
    return version


@pytest.fixture
def citizen():
    person = verified_user(full_name="Trần Văn Minh")
    CitizenProfileFactory(
        user=person, full_name="Trần Văn Minh", personal_id="036058007215", phone="0983112456"
    )
    return person


def test_a_second_filing_takes_the_stored_cccd_in_one_click(page, base, procedure, citizen, cccd):
    # The first filing put the CCCD into the store (with its kind: the slot names it).
    first = services.start_draft(
        version=procedure, applicant=citizen, form_data={"purpose": "Cấp 02 bản sao"}
    )
    services.attach_upload(
        dossier=first,
        required_document=procedure.documents.get(),
        uploaded=pdf_upload("cccd.pdf", tiny_pdf("CCCD")),
        by=citizen,
    )
    services.submit(dossier=first, by=citizen)
    stored = StoredFile.objects.get(owner=citizen)
    assert stored.kind == cccd

    page.set_viewport_size(PHONE)
    sign_in(page, base, citizen)
    page.goto(f"{base}/procedures/{procedure.procedure.national_code}/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.locator("main form.card button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/edit/applicant/$"))
    page.locator("main .form-actions .button").first.click()
    expect(page).to_have_url(re.compile(r"/edit/details/$"))
    page.locator("main .form-actions .button").first.click()  # the request comes back from the first filing

    expect(page).to_have_url(re.compile(r"/edit/documents/$"))
    offers = page.locator("#store-offers")
    expect(offers).to_contain_text(CCCD_SLOT)
    expect(offers).to_contain_text("Căn cước công dân")
    shoot(page, SHOTS, "1-documents-step-pre-attached")
    offers.get_by_role("button", name="Dùng các giấy tờ này").click()  # the one click
    slot = page.locator("section.slot").filter(has=page.get_by_role("heading", name=CCCD_SLOT, exact=True))
    expect(slot.locator(".attached-files li")).to_have_count(1)
    expect(slot.locator(".attached-files")).to_contain_text("từ kho dữ liệu")
    shoot(page, SHOTS, "2-documents-step-attached")
    page.locator("main .form-actions .button").first.click()
    expect(page).to_have_url(re.compile(r"/edit/delivery/$"))

    second = citizen.dossiers.order_by("-pk").first()
    document = DossierDocument.objects.get(dossier=second)
    assert document.reused and document.stored_file == stored
    stored.refresh_from_db()
    assert stored.reuse_count == 1
    assert "documents" in second.steps_saved
    # Nothing uploaded (no file input was touched; the store holds still the one paper) and nothing typed
    # (the test fills no field on the way).
    assert StoredFile.objects.filter(owner=citizen).count() == 1

    page.goto(f"{base}/dossiers/files/")
    expect(page.locator("main")).to_contain_text("Đã dùng lại trong 1 hồ sơ")
    page.locator(".share-file summary").first.click()
    page.locator(".share-form button").first.click()
    expect(page.locator(".share-url")).to_have_count(1)
    shoot(page, SHOTS, "3-data-store")
    link = page.locator(".share-url").input_value()
    answer = page.context.request.get(link)
    assert answer.status == 200 and answer.body().startswith(b"%PDF-")


def test_the_clerk_digitises_a_paper_into_its_slot(page, base, procedure, citizen, tmp_path):
    agency = procedure.agencies.get()
    clerk = verified_user(role=Role.CLERK, full_name="Lê Văn Quầy")
    AgencyMembershipFactory(user=clerk, agency=agency)
    totp = TOTPAuthenticatorFactory(user=clerk)
    dossier = services.register_at_desk(
        version=procedure,
        clerk=clerk,
        receiving_agency=agency,
        channel="desk",
        applicant=citizen,
        details={"applicant_name": "Trần Văn Minh", "applicant_phone": "0983112456"},
    )
    scan = tmp_path / "cccd-scan.pdf"
    scan.write_bytes(tiny_pdf("CCCD scan"))

    page.set_viewport_size(DESK)
    sign_in(page, base, clerk, totp)
    page.goto(f"{base}/staff/dossiers/{dossier.pk}/")
    card = page.locator("#digitise")
    expect(card).to_contain_text(CCCD_SLOT)
    shoot(page, SHOTS, "4-desk-digitise")
    card.locator("input[type=file]").first.set_input_files(str(scan))
    card.get_by_role("button", name=re.compile("^Số hóa")).first.click()
    # Without the attestation the form is not sent (the server refuses it too: test_data_store.py).
    attest = card.get_by_label("Tôi xác nhận bản sao này đúng với bản chính").first
    assert attest.evaluate("el => el.validity.valueMissing")
    assert not DossierDocument.objects.filter(dossier=dossier).exists()
    attest.check()
    card.get_by_role("button", name=re.compile("^Số hóa")).first.click()
    expect(page.locator(".messages")).to_contain_text("Đã số hóa và xác nhận")
    expect(page.locator("#digitise .attested")).to_contain_text("Lê Văn Quầy")
    shoot(page, SHOTS, "5-desk-digitised")

    stored = DossierDocument.objects.get(dossier=dossier).stored_file
    assert stored.owner == citizen and stored.source == StoredFile.Source.DIGITISED
    assert stored.attested_by == clerk
