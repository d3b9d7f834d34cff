import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.models import Dossier, DossierDocument, ReturnChannel, State, StoredFile
from tests.dossiers.factories_extra import citizen, complete_draft, draft, jpeg_upload, sign_in
from tests.factories import (
    AgencyFactory,
    ProcedureVersionFactory,
    UserFactory,
    filed_dossier,
    pdf_bytes,
    pdf_upload,
    staff_member,
)

pytestmark = pytest.mark.django_db

DEADLINE_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
STEPS = ["applicant", "details", "documents", "delivery", "review"]


def wizard_url(dossier, step):
    return reverse("dossiers:wizard", args=[dossier.pk, step])


def start_url(version):
    return reverse("dossiers:start", args=[version.procedure.national_code])


def slot_prefix(required):
    return f"slot-{required.pk}"


def upload(client, dossier, required, uploaded, url=None):
    return client.post(
        url or wizard_url(dossier, "documents"),
        {"action": "upload", "slot": str(required.pk), f"{slot_prefix(required)}-file": uploaded},
    )


# --- start --------------------------------------------------------------------------------------------------
def test_start_explains_then_creates_a_draft_and_opens_the_first_step(client):
    version = ProcedureVersionFactory(published=True)
    person = citizen()
    sign_in(client, person)
    page = client.get(start_url(version))
    assert page.status_code == 200
    assert version.documents.first().name in page.content.decode()
    response = client.post(start_url(version))
    dossier = Dossier.objects.get(applicant=person)
    assert dossier.state == State.DRAFT and dossier.procedure_version == version
    assert response.status_code == 302 and response.url == wizard_url(dossier, "applicant")


def test_the_catalogue_page_links_to_filing_online(client):
    version = ProcedureVersionFactory(published=True)
    page = client.get(reverse("procedures:detail", args=[version.procedure.national_code]))
    assert start_url(version) in page.content.decode()


def test_start_offers_the_receiving_agencies_when_there_are_several(client):
    first, second = AgencyFactory(), AgencyFactory()
    version = ProcedureVersionFactory(published=True, agencies=[first, second])
    person = citizen()
    sign_in(client, person)
    page = client.get(start_url(version)).content.decode()
    assert first.name in page and second.name in page and 'type="radio"' in page
    assert client.post(start_url(version)).status_code == 200  # no choice made: asked again
    client.post(start_url(version), {"receiving_agency": second.pk})
    assert Dossier.objects.get(applicant=person).receiving_agency == second


def test_anonymous_visitors_are_sent_to_sign_in(client):
    version = ProcedureVersionFactory(published=True)
    response = client.get(start_url(version))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["clerk", "officer", "catalogue_admin"])
def test_staff_get_403_with_a_message_on_start(client, role):
    version = ProcedureVersionFactory(published=True)
    user = staff_member(version.agencies.first(), role=role)
    sign_in(client, user)
    for response in [client.get(start_url(version)), client.post(start_url(version))]:
        assert response.status_code == 403
        assert "Staff accounts register dossiers brought to the desk" in response.content.decode()
    assert not Dossier.objects.exists()


def test_an_unpublished_procedure_cannot_be_filed(client):
    version = ProcedureVersionFactory(in_review=True)
    sign_in(client, citizen())
    assert client.get(start_url(version)).status_code == 404
    assert client.post(start_url(version)).status_code == 404


# --- the whole wizard ---------------------------------------------------------------------------------------
def test_start_then_every_step_then_submit_files_the_dossier(client):
    version = ProcedureVersionFactory(published=True, documents=2)
    person = citizen()
    sign_in(client, person)
    client.post(start_url(version))
    dossier = Dossier.objects.get(applicant=person)

    response = client.post(
        wizard_url(dossier, "applicant"),
        {
            "applicant_name": "Trần Thị Bích Ngọc",
            "applicant_id_number": "001190012345",
            "applicant_phone": "0912345678",
            "applicant_email": "ngoc@example.vn",
            "applicant_address": "Số 5 phố Hàng Bông, phường Hoàn Kiếm, Hà Nội",
        },
    )
    assert response.status_code == 302 and response.url == wizard_url(dossier, "details")
    response = client.post(
        wizard_url(dossier, "details"), {"purpose": "Cấp bản sao trích lục khai sinh", "notes": "2 bản"}
    )
    assert response.url == wizard_url(dossier, "documents")
    first, second = version.documents.all()
    assert upload(client, dossier, first, pdf_upload("cccd.pdf")).status_code == 302
    assert upload(client, dossier, second, jpeg_upload("so-ho-khau.jpg")).status_code == 302
    response = client.post(
        wizard_url(dossier, "delivery"),
        {"return_channel": "post", "delivery_address": "Số 5 phố Hàng Bông, Hà Nội"},
    )
    assert response.url == wizard_url(dossier, "review")

    review = client.get(wizard_url(dossier, "review"))
    page = review.content.decode()
    assert review.status_code == 200
    for text in ["Trần Thị Bích Ngọc", "Cấp bản sao trích lục khai sinh", "cccd.pdf", "so-ho-khau.jpg"]:
        assert text in page
    assert "Before you can file" not in page
    for step in ["applicant", "details", "documents", "delivery"]:
        assert f'href="{wizard_url(dossier, step)}"' in page  # an "edit" link per section
    assert f'action="{reverse("dossiers:submit", args=[dossier.pk])}"' in page

    response = client.post(reverse("dossiers:submit", args=[dossier.pk]), follow=True)
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and dossier.code
    assert dossier.return_channel == ReturnChannel.POST
    assert dossier.form_data == {"purpose": "Cấp bản sao trích lục khai sinh", "notes": "2 bản"}
    assert response.redirect_chain[-1][0] == reverse("dossiers:detail", args=[dossier.pk])
    page = response.content.decode()
    assert f"Its code is {dossier.code}" in page
    assert "answers within 8 working hours" in page
    assert f"{dossier.intake_deadline.astimezone(DEADLINE_ZONE):%H:%M %d/%m/%Y}" in page


def test_the_applicant_step_is_prefilled_from_the_profile(client):
    person = citizen(full_name="Lê Văn Hùng", personal_id="036085001234", phone="0987654321")
    version = ProcedureVersionFactory(published=True)
    sign_in(client, person)
    client.post(start_url(version))
    dossier = Dossier.objects.get(applicant=person)
    page = client.get(wizard_url(dossier, "applicant")).content.decode()
    assert 'value="Lê Văn Hùng"' in page
    assert 'value="036085001234"' in page
    assert 'value="0987654321"' in page
    assert f'value="{person.email}"' in page


def test_each_input_has_a_label_and_errors_are_linked_and_announced(client):
    person = citizen()
    dossier = draft(applicant=person)
    sign_in(client, person)
    response = client.post(wizard_url(dossier, "applicant"), {"applicant_name": "", "applicant_phone": "123"})
    page = response.content.decode()
    assert response.status_code == 400
    for field in ["applicant_name", "applicant_id_number", "applicant_phone", "applicant_email"]:
        assert f'<label for="id_{field}">' in page
    assert re.search(
        r'id="id_applicant_phone"[^>]*aria-describedby="[^"]*id_applicant_phone_error', page
    ) or re.search(r'aria-describedby="[^"]*id_applicant_phone_error[^"]*"[^>]*id="id_applicant_phone"', page)
    assert 'role="alert"' in page and 'id="id_applicant_phone_error"' in page
    assert Dossier.objects.get(pk=dossier.pk).applicant_name  # nothing saved from the invalid page


def test_a_draft_is_kept_between_visits_and_resumed_instead_of_duplicated(client):
    person = citizen()
    version = ProcedureVersionFactory(published=True)
    sign_in(client, person)
    client.post(start_url(version))
    dossier = Dossier.objects.get(applicant=person)
    client.post(wizard_url(dossier, "details"), {"purpose": "Xin cấp lại giấy phép", "notes": ""})
    upload(client, dossier, version.documents.first(), pdf_upload("giay-phep-cu.pdf"))

    client.logout()
    sign_in(client, person)
    page = client.get(start_url(version)).content.decode()
    assert "You already started this dossier" in page
    assert wizard_url(dossier, "review") in page
    response = client.post(start_url(version))
    assert response.url == wizard_url(dossier, "applicant")
    assert Dossier.objects.filter(applicant=person).count() == 1
    assert "Xin cấp lại giấy phép" in client.get(wizard_url(dossier, "details")).content.decode()
    assert "giay-phep-cu.pdf" in client.get(wizard_url(dossier, "documents")).content.decode()

    client.post(start_url(version), {"start_new": "1"})  # a second, separate request on purpose
    assert Dossier.objects.filter(applicant=person, state=State.DRAFT).count() == 2


def test_the_step_list_shows_progress(client):
    person = citizen()
    dossier = complete_draft(applicant=person)
    sign_in(client, person)
    client.post(
        wizard_url(dossier, "applicant"), {"applicant_name": "Lê Văn Hùng", "applicant_phone": "0912345678"}
    )
    client.post(wizard_url(dossier, "details"), {"purpose": "Cấp bản sao trích lục khai sinh"})
    client.post(wizard_url(dossier, "documents"), {"action": "continue"})
    page = client.get(wizard_url(dossier, "delivery")).content.decode()
    assert page.count("is-done") == 3
    assert 'aria-current="step"' in page
    assert "Step 4 of 5" in page


def test_problems_before_submit_block_filing_and_are_listed(client):
    person = citizen()
    dossier = draft(applicant=person)  # no document attached
    sign_in(client, person)
    missing = [f"Missing document: {d.name}." for d in dossier.procedure_version.documents.all()]
    page = client.get(wizard_url(dossier, "review")).content.decode()
    assert "Before you can file" in page and all(m in page for m in missing)
    assert reverse("dossiers:submit", args=[dossier.pk]) not in page

    response = client.post(reverse("dossiers:submit", args=[dossier.pk]))
    page = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in page and all(m in page for m in missing)
    dossier.refresh_from_db()
    assert dossier.state == State.DRAFT and dossier.code is None


def test_a_dossier_without_its_purpose_is_not_filed(client):
    person = citizen()
    dossier = complete_draft(applicant=person)
    services.update_draft(dossier=dossier, by=person, form_data={"purpose": "  "})
    sign_in(client, person)
    response = client.post(reverse("dossiers:submit", args=[dossier.pk]))
    assert response.status_code == 400
    assert "Say what you are asking for" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == State.DRAFT


def test_a_filed_dossier_is_not_filed_twice_and_its_wizard_is_closed(client):
    person = citizen()
    dossier = complete_draft(applicant=person)
    sign_in(client, person)
    client.post(reverse("dossiers:submit", args=[dossier.pk]))
    again = client.post(reverse("dossiers:submit", args=[dossier.pk]))
    assert again.url == reverse("dossiers:detail", args=[dossier.pk])
    assert client.get(wizard_url(dossier, "applicant")).url == reverse("dossiers:detail", args=[dossier.pk])
    assert Dossier.objects.get(pk=dossier.pk).events.filter(action="submit").count() == 1


def test_filing_someone_elses_or_no_dossier_is_a_404_and_files_nothing(client):
    dossier = complete_draft(applicant=citizen())
    sign_in(client, citizen())

    assert client.post(reverse("dossiers:submit", args=[dossier.pk])).status_code == 404
    assert client.post(reverse("dossiers:submit", args=[dossier.pk + 1000])).status_code == 404
    dossier.refresh_from_db()
    assert dossier.state == State.DRAFT and not dossier.code and not dossier.events.exists()


# --- documents ----------------------------------------------------------------------------------------------
def test_a_stored_file_is_reused_in_one_click_without_a_new_upload(client):
    person = citizen()
    version = ProcedureVersionFactory(published=True, documents=1)
    earlier = filed_dossier(version=version, applicant=person)
    stored = earlier.documents.get().stored_file
    dossier = draft(version=version, applicant=person)
    required = version.documents.get()
    sign_in(client, person)
    page = client.get(wizard_url(dossier, "documents")).content.decode()
    assert "Use a file you already have" in page and stored.original_name in page
    before = StoredFile.objects.count()
    response = client.post(
        wizard_url(dossier, "documents"),
        {"action": "reuse", "slot": str(required.pk), "stored_file": str(stored.pk)},
    )
    assert response.status_code == 302
    assert StoredFile.objects.count() == before
    reused = dossier.documents.get()
    assert reused.reused and reused.stored_file == stored and reused.required_document == required
    client.post(reverse("dossiers:submit", args=[dossier.pk]))
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED


def test_files_whose_label_matches_the_document_are_offered_first(client):
    person = citizen()
    version = ProcedureVersionFactory(published=True, documents=2)
    first, second = version.documents.all()
    services.store_upload(owner=person, uploaded=pdf_upload("khac.pdf", pdf_bytes("khac")), by=person)
    services.store_upload(owner=person, uploaded=pdf_upload("dung.pdf"), by=person, label=second.name)
    dossier = draft(version=version, applicant=person)
    sign_in(client, person)
    page = client.get(wizard_url(dossier, "documents")).content.decode()
    second_slot = page[page.index(f'id="slot-{second.pk}"') :]
    assert second_slot.index("dung.pdf") < second_slot.index("khac.pdf")
    first_slot = page[page.index(f'id="slot-{first.pk}"') : page.index(f'id="slot-{second.pk}"')]
    assert "Use a file you already have" not in first_slot  # nothing labelled for it: others only


def test_someone_elses_file_cannot_be_reused(client):
    person = citizen()
    stranger_file = filed_dossier().documents.first().stored_file
    dossier = draft(applicant=person)
    required = dossier.procedure_version.documents.first()
    sign_in(client, person)
    response = client.post(
        wizard_url(dossier, "documents"),
        {"action": "reuse", "slot": str(required.pk), "stored_file": str(stranger_file.pk)},
    )
    assert response.status_code == 400
    assert "This file is not in your data store." in response.content.decode()
    assert not dossier.documents.exists()


def test_a_fake_pdf_is_refused_with_a_message_next_to_its_slot(client):
    person = citizen()
    dossier = draft(applicant=person)
    required = dossier.procedure_version.documents.first()
    sign_in(client, person)
    fake = pdf_upload("hop-dong.pdf", b"MZ\x90\x00 this is not a PDF at all")
    response = upload(client, dossier, required, fake)
    page = response.content.decode()
    assert response.status_code == 400
    assert "is not a PDF, JPEG or PNG file" in page
    slot = page[page.index(f'id="slot-{required.pk}"') :]
    error_id = f"id_{slot_prefix(required)}-file_error"
    assert f'id="{error_id}"' in slot[: slot.index("</section>")]
    assert re.search(rf'aria-describedby="[^"]*{re.escape(error_id)}', slot)
    assert not DossierDocument.objects.exists() and not StoredFile.objects.exists()


def test_an_oversize_file_is_refused(client, settings):
    settings.DOSSIER_UPLOAD_MAX_BYTES = 20
    person = citizen()
    dossier = draft(applicant=person)
    required = dossier.procedure_version.documents.first()
    sign_in(client, person)
    response = upload(client, dossier, required, pdf_upload("to.pdf"))
    assert response.status_code == 400
    assert "is larger than" in response.content.decode()
    assert not StoredFile.objects.exists()


def test_an_empty_upload_asks_for_a_file(client):
    person = citizen()
    dossier = draft(applicant=person)
    required = dossier.procedure_version.documents.first()
    sign_in(client, person)
    response = client.post(wizard_url(dossier, "documents"), {"action": "upload", "slot": str(required.pk)})
    assert response.status_code == 400 and "Choose a file to upload." in response.content.decode()


def test_a_document_can_be_removed_from_a_draft(client):
    person = citizen()
    dossier = complete_draft(applicant=person)
    document = dossier.documents.first()
    sign_in(client, person)
    response = client.post(
        wizard_url(dossier, "documents"), {"action": "remove", "document": str(document.pk)}
    )
    assert response.status_code == 302
    assert not DossierDocument.objects.filter(pk=document.pk).exists()
    assert StoredFile.objects.filter(pk=document.stored_file_id).exists()  # still in the data store


# --- delivery -----------------------------------------------------------------------------------------------
def test_delivery_by_post_needs_an_address(client):
    person = citizen()
    dossier = draft(applicant=person)
    sign_in(client, person)
    response = client.post(
        wizard_url(dossier, "delivery"), {"return_channel": "post", "delivery_address": ""}
    )
    assert response.status_code == 400
    assert "Enter the address the result should be posted to." in response.content.decode()


def test_delivery_offers_only_the_channels_of_the_procedure(client):
    version = ProcedureVersionFactory(published=True, return_electronic=False, return_by_post=False)
    person = citizen()
    dossier = draft(version=version, applicant=person)
    sign_in(client, person)
    page = client.get(wizard_url(dossier, "delivery")).content.decode()
    assert 'value="desk"' in page and 'value="electronic"' not in page
    response = client.post(wizard_url(dossier, "delivery"), {"return_channel": "electronic"})
    assert response.status_code == 400


def test_delivery_lets_the_applicant_change_the_receiving_agency(client):
    first, second = AgencyFactory(), AgencyFactory()
    version = ProcedureVersionFactory(published=True, agencies=[first, second])
    person = citizen()
    dossier = draft(version=version, applicant=person)
    sign_in(client, person)
    client.post(
        wizard_url(dossier, "delivery"), {"return_channel": "desk", "receiving_agency": str(second.pk)}
    )
    dossier.refresh_from_db()
    assert dossier.receiving_agency == second and dossier.return_channel == "desk"


# --- who may open it ----------------------------------------------------------------------------------------
def test_another_citizen_gets_404_on_every_wizard_url(client):
    dossier = complete_draft()
    required = dossier.procedure_version.documents.first()
    sign_in(client, citizen())
    for step in STEPS:
        assert client.get(wizard_url(dossier, step)).status_code == 404, step
    posts = {
        wizard_url(dossier, "applicant"): {"applicant_name": "Kẻ lạ"},
        wizard_url(dossier, "details"): {"purpose": "x"},
        wizard_url(dossier, "documents"): {"action": "remove", "document": dossier.documents.first().pk},
        wizard_url(dossier, "delivery"): {"return_channel": "desk"},
        reverse("dossiers:submit", args=[dossier.pk]): {},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    assert upload(client, dossier, required, pdf_upload()).status_code == 404
    for name in ["detail", "withdraw", "answer_supplement"]:
        assert client.get(reverse(f"dossiers:{name}", args=[dossier.pk])).status_code == 404, name
    dossier.refresh_from_db()
    assert dossier.state == State.DRAFT and dossier.applicant_name != "Kẻ lạ"
    assert dossier.documents.count() == 2


def test_staff_cannot_open_a_citizens_wizard(client):
    dossier = complete_draft()
    clerk = staff_member(dossier.receiving_agency)
    sign_in(client, clerk)
    assert client.get(wizard_url(dossier, "applicant")).status_code == 403


def test_an_unknown_step_is_404(client):
    person = citizen()
    dossier = draft(applicant=person)
    sign_in(client, person)
    assert client.get(reverse("dossiers:wizard", args=[dossier.pk, "payment"])).status_code == 404


def test_a_user_without_a_profile_still_gets_the_account_name_and_email(client):
    person = UserFactory(full_name="Phạm Thu Hà")
    version = ProcedureVersionFactory(published=True)
    sign_in(client, person)
    client.post(start_url(version))
    page = client.get(wizard_url(Dossier.objects.get(applicant=person), "applicant")).content.decode()
    assert 'value="Phạm Thu Hà"' in page and "fill in your profile once" in page
