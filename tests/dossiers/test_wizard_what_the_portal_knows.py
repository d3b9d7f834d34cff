"""The filing wizard asks nothing twice and nothing it knows: the office comes from the citizen's commune or
their last dossier of the procedure, the request from that dossier; the delivery step does not ask the
office again and asks an address only for the post; the step list marks what was done; an upload comes
back to its slot; the data store offers the files of the kind each slot asks for first."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from dossiers import services
from dossiers.models import Dossier
from procedures.models import Agency, GovernmentLevel
from tests.dossiers.factories_extra import citizen, sign_in
from tests.factories import (
    AdministrativeUnitFactory,
    AgencyFactory,
    ProcedureVersionFactory,
    RequiredDocumentFactory,
    pdf_bytes,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def start_url(version):
    return reverse("dossiers:start", args=[version.procedure.national_code])


def wizard_url(dossier, step):
    return reverse("dossiers:wizard", args=[dossier.pk, step])


def communes():
    """Three commune offices, each of its own commune."""
    offices = []
    for name in ["Phường Hoa Lư", "Phường Nam Định", "Xã Gia Viễn"]:
        unit = AdministrativeUnitFactory(name=name, level=GovernmentLevel.COMMUNE)
        offices.append(AgencyFactory(name=f"UBND {name}", kind=Agency.Kind.COMMUNE, administrative_unit=unit))
    return offices


def checked_agency(page: str) -> str | None:
    match = re.search(r'<input type="radio" name="receiving_agency" value="(\d+)"[^>]*checked', page)
    return match.group(1) if match else None


# --- the office --------------------------------------------------------------------------------------------
def test_the_office_of_the_citizens_commune_is_preselected_for_a_commune_procedure(client):
    hoa_lu, nam_dinh, gia_vien = communes()
    version = ProcedureVersionFactory(published=True, levels="commune", agencies=[hoa_lu, nam_dinh, gia_vien])
    person = citizen(commune=nam_dinh.administrative_unit)
    sign_in(client, person)
    assert checked_agency(client.get(start_url(version)).content.decode()) == str(nam_dinh.pk)
    client.post(start_url(version), {"receiving_agency": str(nam_dinh.pk)})
    assert Dossier.objects.get(applicant=person).receiving_agency == nam_dinh
    # The service makes the same choice when none is given.
    again = services.start_draft(version=version, applicant=citizen(commune=gia_vien.administrative_unit))
    assert again.receiving_agency == gia_vien


def test_no_commune_office_is_preselected_for_a_province_procedure(client):
    hoa_lu, nam_dinh, _gia_vien = communes()
    version = ProcedureVersionFactory(published=True, levels="province", agencies=[hoa_lu, nam_dinh])
    person = citizen(commune=nam_dinh.administrative_unit)
    sign_in(client, person)
    assert checked_agency(client.get(start_url(version)).content.decode()) is None


def test_a_repeat_filing_is_prefilled_with_the_request_office_and_return_of_the_last_one(client):
    hoa_lu, nam_dinh, _gia_vien = communes()
    version = ProcedureVersionFactory(published=True, levels="commune", agencies=[hoa_lu, nam_dinh])
    person = citizen(commune=hoa_lu.administrative_unit)
    first = services.start_draft(version=version, applicant=person, receiving_agency=nam_dinh)
    services.update_draft(
        dossier=first,
        by=person,
        form_data={"purpose": "Cấp 02 bản sao trích lục khai sinh", "notes": "Lần trước"},
        return_channel="post",
        delivery_address="Số 42 phố Hàng Tiện, Phường Nam Định",
    )
    for required in version.documents.all():
        services.attach_upload(dossier=first, required_document=required, uploaded=pdf_upload(), by=person)
    services.submit(dossier=first, by=person)

    sign_in(client, person)
    assert checked_agency(client.get(start_url(version)).content.decode()) == str(nam_dinh.pk)
    second = services.start_draft(version=version, applicant=person)
    assert second.receiving_agency == nam_dinh  # the last dossier's office, before the profile's commune
    assert second.form_data == {"purpose": "Cấp 02 bản sao trích lục khai sinh"}  # not the one-off notes
    assert second.return_channel == "post"
    assert second.delivery_address == "Số 42 phố Hàng Tiện, Phường Nam Định"
    page = client.get(wizard_url(second, "details")).content.decode()
    assert "Cấp 02 bản sao trích lục khai sinh</textarea>" in page


# --- the delivery step -------------------------------------------------------------------------------------
def test_the_delivery_step_does_not_ask_the_office_again(client):
    first, second = AgencyFactory(), AgencyFactory()
    version = ProcedureVersionFactory(published=True, agencies=[first, second])
    person = citizen()
    dossier = services.start_draft(version=version, applicant=person, receiving_agency=second)
    sign_in(client, person)
    page = client.get(wizard_url(dossier, "delivery")).content.decode()
    assert f"Your dossier goes to: <strong>{second.name}</strong>" in page
    # Offered only to change it, folded away, with the office chosen at the start already checked.
    change = page[page.index('<details class="change-office">') : page.index("</details>")]
    assert 'name="receiving_agency"' in change and checked_agency(change) == str(second.pk)
    assert page.count('name="receiving_agency"') == 2  # the two radios, nowhere else
    client.post(wizard_url(dossier, "delivery"), {"return_channel": "desk"})  # not sent: unchanged
    dossier.refresh_from_db()
    assert dossier.receiving_agency == second and "delivery" in dossier.steps_saved


def test_the_postal_address_is_shown_only_for_delivery_by_post(client):
    person = citizen()
    by_post = services.start_draft(version=ProcedureVersionFactory(published=True), applicant=person)
    no_post = services.start_draft(
        version=ProcedureVersionFactory(published=True, return_by_post=False), applicant=person
    )
    sign_in(client, person)
    page = client.get(wizard_url(by_post, "delivery")).content.decode()
    assert re.search(
        r'<div class="postal-only">\s*<div class="form-row[^"]*">\s*<label for="id_delivery_address"', page
    )
    assert 'class="card delivery-form"' in page
    assert 'name="delivery_address"' not in client.get(wizard_url(no_post, "delivery")).content.decode()
    # The rule lives in the stylesheet (no inline style under the CSP): hidden unless "post" is checked.
    css = (Path(settings.BASE_DIR) / "static/css/portal.css").read_text()
    assert ".delivery-form:has(input[name=return_channel][value=post]) .postal-only { display: none; }" in css
    assert (
        ".delivery-form:has(input[name=return_channel][value=post]:checked) .postal-only { display: block; }"
        in css
    )


# --- the step list -----------------------------------------------------------------------------------------
def test_a_step_is_marked_done_only_once_the_citizen_has_saved_it(client):
    person = citizen()
    version = ProcedureVersionFactory(published=True, documents=1)
    dossier = services.start_draft(version=version, applicant=person)
    sign_in(client, person)
    page = client.get(wizard_url(dossier, "applicant")).content.decode()
    assert "is-done" not in page  # prefilled from the profile and a default return: nothing done yet

    client.post(wizard_url(dossier, "delivery"), {"return_channel": "desk"})
    page = client.get(wizard_url(dossier, "applicant")).content.decode()
    done = re.findall(r'<li class="is-done">\s*<a href="([^"]+)"', page)
    assert done == [wizard_url(dossier, "delivery")]

    response = client.post(wizard_url(dossier, "documents"), {"action": "continue"})
    assert response.status_code == 302 and response.url == wizard_url(dossier, "delivery")
    page = client.get(wizard_url(dossier, "applicant")).content.decode()
    assert wizard_url(dossier, "documents") not in re.findall(
        r'<li class="is-done">\s*<a href="([^"]+)"', page
    )
    services.attach_upload(
        dossier=dossier, required_document=version.documents.get(), uploaded=pdf_upload(), by=person
    )
    page = client.get(wizard_url(dossier, "applicant")).content.decode()
    assert wizard_url(dossier, "documents") in re.findall(r'<li class="is-done">\s*<a href="([^"]+)"', page)


# --- documents ---------------------------------------------------------------------------------------------
def test_an_upload_comes_back_to_its_slot(client):
    person = citizen()
    version = ProcedureVersionFactory(published=True, documents=2)
    dossier = services.start_draft(version=version, applicant=person)
    _first, second = version.documents.all()
    sign_in(client, person)
    page = client.get(wizard_url(dossier, "documents")).content.decode()
    slot = page[page.index(f'id="slot-{second.pk}"') :]
    # Posted to the slot's anchor: a refused file comes back at the slot too, not at the top.
    assert f'action="#slot-{second.pk}" enctype="multipart/form-data" class="upload-form"' in slot
    response = client.post(
        wizard_url(dossier, "documents"),
        {"action": "upload", "slot": str(second.pk), f"slot-{second.pk}-file": pdf_upload("cccd.pdf")},
    )
    assert response.status_code == 302
    assert response.url == wizard_url(dossier, "documents") + f"#slot-{second.pk}"


def test_the_files_of_the_kind_a_slot_asks_for_are_offered_first(client):
    person = citizen()
    version = ProcedureVersionFactory(published=True, documents=0)
    identity = RequiredDocumentFactory(
        version=version, position=1, name="Thẻ Căn cước hoặc Căn cước công dân của người yêu cầu"
    )
    birth = RequiredDocumentFactory(version=version, position=2, name="Bản sao Giấy khai sinh")
    store = {
        "cccd.pdf": "Căn cước công dân của người yêu cầu",  # another procedure's name for the same card
        "khai-sinh.pdf": "Giấy khai sinh hoặc giấy tờ hộ tịch cần thay đổi",
        "to-khai.pdf": "Tờ khai đăng ký kết hôn theo mẫu",
    }
    for name, label in store.items():
        services.store_upload(
            owner=person, uploaded=pdf_upload(name, pdf_bytes(name)), by=person, label=label
        )
    dossier = services.start_draft(version=version, applicant=person)
    sign_in(client, person)
    page = client.get(wizard_url(dossier, "documents")).content.decode()

    def offered_first(required):
        slot = page[page.index(f'id="slot-{required.pk}"') :]
        slot = slot[: slot.index("</section>")]
        if "<details>" not in slot:
            return re.findall(r">([\w-]+\.pdf)</a>", slot), []
        head, tail = slot.split("<details>", 1)
        return re.findall(r">([\w-]+\.pdf)</a>", head), re.findall(r">([\w-]+\.pdf)</a>", tail)

    matching, others = offered_first(identity)
    assert matching == ["cccd.pdf"] and set(others) == {"khai-sinh.pdf", "to-khai.pdf"}
    matching, others = offered_first(birth)
    assert matching == ["khai-sinh.pdf"] and set(others) == {"cccd.pdf", "to-khai.pdf"}


def test_the_postal_address_is_not_called_optional_as_post_requires_it(client):
    person = citizen()
    draft = services.start_draft(version=ProcedureVersionFactory(published=True), applicant=person)
    sign_in(client, person)
    page = client.get(wizard_url(draft, "delivery")).content.decode()
    label = re.search(r'<label for="id_delivery_address">(.*?)</label>', page, re.S).group(1)
    assert 'class="optional"' not in label
