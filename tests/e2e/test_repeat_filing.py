"""A citizen files the same procedure twice. The second time the portal already knows everything the first
filing told it — the office, the request ("Nội dung đề nghị"), how the result comes back, the papers — so
the citizen types nothing: every page of the second filing is counted for the fields the first filing
filled in and that come back empty or unchosen. The count must be 0.
"""

import re

import pytest
from playwright.sync_api import expect

from procedures.models import Agency, GovernmentLevel
from tests.accounts.factories_extra import verified_user
from tests.e2e.test_dossier_journey import sign_in, tiny_pdf
from tests.factories import (
    AdministrativeUnitFactory,
    AgencyFactory,
    CitizenProfileFactory,
    ProcedureVersionFactory,
    RequiredDocumentFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PURPOSE = "Cấp 02 bản sao trích lục khai sinh để bổ sung hồ sơ nhập học cho con"

# What the citizen filled on a page: visible text boxes with a value, radio groups with a choice.
FILLED = """() => {
  const visible = (el) => el.offsetParent !== null;
  const fields = [...document.querySelectorAll('main form input, main form textarea, main form select')]
    .filter((el) => el.name && visible(el) && !['hidden', 'submit', 'file', 'checkbox'].includes(el.type));
  const names = new Set();
  for (const el of fields) {
    if (el.type === 'radio' ? el.checked : el.value.trim() !== '') names.add(el.name);
  }
  return [...names];
}"""
# Of those names, the ones this page shows empty or unchosen: what the citizen would have to type again.
TO_TYPE = """(names) => names.filter((name) => {
  const els = [...document.querySelectorAll(`main form [name="${name}"]`)]
    .filter((el) => el.offsetParent !== null);
  if (!els.length) return false;
  return els[0].type === 'radio' ? !els.some((el) => el.checked) : els.every((el) => el.value.trim() === '');
})"""


@pytest.fixture
def procedure():
    """A commune procedure received by three ward offices; the citizen lives in Nam Định."""
    offices = {}
    for name in ["Phường Hoa Lư", "Phường Nam Định", "Phường Phủ Lý"]:
        unit = AdministrativeUnitFactory(name=name, level=GovernmentLevel.COMMUNE)
        offices[name] = AgencyFactory(name=f"UBND {name}", kind=Agency.Kind.COMMUNE, administrative_unit=unit)
    version = ProcedureVersionFactory(
        published=True,
        name="Cấp bản sao trích lục hộ tịch",
        levels="commune",
        agencies=list(offices.values()),
        documents=0,
    )
    RequiredDocumentFactory(version=version, position=1, name="Tờ khai cấp bản sao trích lục hộ tịch")
    RequiredDocumentFactory(version=version, position=2, name="Căn cước công dân của người yêu cầu")
    citizen = verified_user(full_name="Trần Văn Minh")
    CitizenProfileFactory(
        user=citizen,
        full_name="Trần Văn Minh",
        personal_id="036058007215",
        phone="0983112456",
        street_address="Số 42 phố Hàng Tiện",
        commune=offices["Phường Nam Định"].administrative_unit,
    )
    return {"version": version, "offices": offices, "citizen": citizen}


def next_page(page):
    """Press the page's own "save and continue" (the last submit button of the main form)."""
    page.locator("main .form-actions .button").first.click()


def file_once(page, base, version, *, first: bool, known: dict, scans=None) -> dict:
    """Walk the wizard; the first time fill what is asked and remember it, the second time type nothing
    and count, per page, the remembered fields that come back empty. Returns {page: [field names]}."""
    to_type = {}

    def visit(name, fill=None):
        if first:
            if fill:
                fill()
            known[name] = page.evaluate(FILLED)
        else:
            to_type[name] = page.evaluate(TO_TYPE, known.get(name, []))
            if to_type[name] and fill:  # what the citizen would have to type again, typed again
                fill()

    page.goto(f"{base}/procedures/{version.procedure.national_code}/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    expect(page.locator("#drafts-title")).to_have_count(0)  # a filed dossier is not a draft to continue
    visit("start", lambda: page.get_by_label("UBND Phường Hoa Lư").check())
    page.locator("main form.card button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/edit/applicant/$"))
    visit("applicant")
    next_page(page)

    expect(page).to_have_url(re.compile(r"/edit/details/$"))
    visit("details", lambda: page.locator("#id_purpose").fill(PURPOSE))
    next_page(page)

    expect(page).to_have_url(re.compile(r"/edit/documents/$"))
    for slot_name in ["Tờ khai cấp bản sao trích lục hộ tịch", "Căn cước công dân của người yêu cầu"]:
        slot = page.locator("section.slot").filter(
            has=page.get_by_role("heading", name=slot_name, exact=True)
        )
        if first:
            slot.locator("input[type=file]").set_input_files(scans[slot_name])
            slot.locator("form.upload-form button[type=submit]").click()
        else:  # the same paper, from the data store, in one click
            slot.locator(".reuse-form button").first.click()
        expect(slot.locator(".attached-files li")).to_have_count(1)
    next_page(page)

    expect(page).to_have_url(re.compile(r"/edit/delivery/$"))
    visit("delivery", lambda: page.get_by_label("Tại Bộ phận Một cửa").check())
    next_page(page)

    expect(page).to_have_url(re.compile(r"/edit/review/$"))
    expect(page.locator("main")).to_contain_text(PURPOSE)
    page.locator("form.submit-card button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dossiers/\d+/$"))
    return to_type


def test_a_repeat_filing_asks_the_citizen_to_type_nothing_the_portal_knows(page, base, procedure, tmp_path):
    scans = {}
    for slot_name, file_name in [
        ("Tờ khai cấp bản sao trích lục hộ tịch", "to-khai.pdf"),
        ("Căn cước công dân của người yêu cầu", "cccd.pdf"),
    ]:
        path = tmp_path / file_name
        path.write_bytes(tiny_pdf(file_name))
        scans[slot_name] = str(path)
    sign_in(page, base, procedure["citizen"])

    known: dict = {}
    file_once(page, base, procedure["version"], first=True, known=known, scans=scans)
    assert "receiving_agency" in known["start"] and "purpose" in known["details"]
    assert "return_channel" in known["delivery"] and "applicant_name" in known["applicant"]

    to_type = file_once(page, base, procedure["version"], first=False, known=known)
    count = sum(len(names) for names in to_type.values())
    print(f"fields to type again on the second filing: {count} {to_type}")
    assert count == 0, to_type

    second = procedure["citizen"].dossiers.order_by("-pk").first()
    assert second.code and second.form_data["purpose"] == PURPOSE
    assert (
        second.receiving_agency == procedure["offices"]["Phường Hoa Lư"]
    )  # the last one's, not the commune's
    assert second.return_channel == "desk"
