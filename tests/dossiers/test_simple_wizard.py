"""Simple mode in the filing wizard: one question (a field, or a document slot) per page, each answer saved as
it is given, "Continue"/"Back" between them, no script needed."""

import pytest
from django.urls import reverse

from accounts.simple_mode import COOKIE_NAME
from dossiers import services
from dossiers.models import Dossier, ReturnChannel
from procedures.models import ProcedureFee
from tests.dossiers.factories_extra import citizen, jpeg_upload, sign_in
from tests.factories import ProcedureFeeFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db


def wizard_url(dossier, step, q=None):
    url = reverse("dossiers:wizard", args=[dossier.pk, step])
    return url if q is None else f"{url}?q={q}"


@pytest.fixture
def simple_client(client):
    client.cookies[COOKIE_NAME] = "1"
    return client


def version_with_a_copies_question(documents=1):
    """The request step then has 3 fields: what is asked, anything else, and how many copies."""
    version = ProcedureVersionFactory(published=True, documents=documents)
    ProcedureFeeFactory(
        version=version,
        kind=ProcedureFee.Kind.FEE,
        description="Phí cấp bản sao",
        amount=5_000,
        quantity_field="copies",
        quantity_label="Số bản sao đề nghị cấp",
    )
    return version


@pytest.fixture
def dossier(simple_client):
    person = citizen()
    sign_in(simple_client, person)
    return services.start_draft(version=version_with_a_copies_question(), applicant=person)


def test_a_step_with_3_fields_takes_3_pages_and_keeps_every_answer(simple_client, dossier):
    first = simple_client.get(wizard_url(dossier, "details")).content.decode()
    assert first.count('name="purpose"') == 1 and 'name="notes"' not in first and 'name="copies"' not in first
    assert "Question 1 of 3" in first

    response = simple_client.post(wizard_url(dossier, "details", 0), {"purpose": "Cấp 2 bản sao khai sinh"})
    assert response.status_code == 302 and response.url == wizard_url(dossier, "details", 1)
    dossier.refresh_from_db()
    assert dossier.form_data["purpose"] == "Cấp 2 bản sao khai sinh"  # saved before the next question

    second = simple_client.get(response.url).content.decode()
    assert 'name="notes"' in second and 'name="purpose"' not in second and "Question 2 of 3" in second
    assert f'href="{wizard_url(dossier, "details", 0)}"' in second  # Back

    response = simple_client.post(wizard_url(dossier, "details", 1), {"notes": "Gửi sớm giúp tôi"})
    assert response.url == wizard_url(dossier, "details", 2)
    third = simple_client.get(response.url).content.decode()
    assert 'name="copies"' in third and "Question 3 of 3" in third

    response = simple_client.post(wizard_url(dossier, "details", 2), {"copies": "2"})
    assert response.url == wizard_url(dossier, "documents")

    dossier.refresh_from_db()
    assert dossier.form_data == {
        **dossier.form_data,
        "purpose": "Cấp 2 bản sao khai sinh",
        "notes": "Gửi sớm giúp tôi",
        "copies": 2,
    }
    assert "details" in dossier.steps_saved
    back = simple_client.get(wizard_url(dossier, "details", 0)).content.decode()
    assert "Cấp 2 bản sao khai sinh" in back  # going back shows what was given


def test_a_wrong_answer_stays_on_its_page_with_the_reason_and_loses_nothing(simple_client, dossier):
    simple_client.post(wizard_url(dossier, "details", 0), {"purpose": "Cấp bản sao"})

    response = simple_client.post(wizard_url(dossier, "details", 2), {"copies": "0"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a number from 1 to 99." in page and 'value="0"' in page
    dossier.refresh_from_db()
    assert dossier.form_data["purpose"] == "Cấp bản sao" and "details" not in dossier.steps_saved


def test_an_empty_required_answer_is_refused_on_its_own_page(simple_client, dossier):
    response = simple_client.post(wizard_url(dossier, "applicant", 0), {"applicant_name": "  "})
    assert response.status_code == 400
    assert 'name="applicant_name"' in response.content.decode()


@pytest.mark.parametrize("q", ["abc", "-1", "99", "last", "1e9", ""])
def test_any_question_number_opens_a_page(simple_client, dossier, q):
    assert simple_client.get(f"{wizard_url(dossier, 'details')}?q={q}").status_code == 200


def test_the_applicant_step_asks_one_field_at_a_time_in_plain_words(simple_client, dossier):
    page = simple_client.get(wizard_url(dossier, "applicant", 1)).content.decode()
    assert 'name="applicant_id_number"' in page and 'name="applicant_name"' not in page
    assert "The 12 digits on your ID card." in page
    assert f'href="{wizard_url(dossier, "applicant", 0)}"' in page


def test_the_first_question_of_a_step_goes_back_to_the_last_question_of_the_one_before(
    simple_client, dossier
):
    page = simple_client.get(wizard_url(dossier, "details", 0)).content.decode()
    assert f'href="{wizard_url(dossier, "applicant", "last")}"' in page
    last = simple_client.get(wizard_url(dossier, "applicant", "last")).content.decode()
    assert 'name="applicant_address"' in last


def test_the_delivery_address_is_asked_only_when_the_result_comes_by_post(simple_client, dossier):
    response = simple_client.post(wizard_url(dossier, "delivery", 0), {"return_channel": ReturnChannel.POST})
    assert response.url == wizard_url(dossier, "delivery", 1)
    page = simple_client.get(response.url).content.decode()
    assert 'name="delivery_address"' in page and "Where the post brings the result." in page

    response = simple_client.post(wizard_url(dossier, "delivery", 1), {"delivery_address": " 12 Đội Cấn "})
    assert response.url == wizard_url(dossier, "review")
    dossier.refresh_from_db()
    assert dossier.delivery_address == "12 Đội Cấn" and "delivery" in dossier.steps_saved

    response = simple_client.post(
        wizard_url(dossier, "delivery", 0), {"return_channel": ReturnChannel.ELECTRONIC}
    )
    assert response.url == wizard_url(dossier, "review")


def test_documents_come_one_slot_per_page(simple_client):
    person = citizen()
    sign_in(simple_client, person)
    dossier = services.start_draft(version=version_with_a_copies_question(documents=2), applicant=person)
    first, second = dossier.procedure_version.documents.all()

    page = simple_client.get(wizard_url(dossier, "documents")).content.decode()
    assert (
        f'id="slot-{first.pk}"' in page and f'id="slot-{second.pk}"' not in page and "Document 1 of 2" in page
    )

    response = simple_client.post(
        wizard_url(dossier, "documents", 0),
        {"action": "upload", "slot": str(first.pk), f"slot-{first.pk}-file": jpeg_upload()},
    )
    assert response.url.startswith(wizard_url(dossier, "documents", 0))
    assert dossier.documents.filter(required_document=first).exists()

    response = simple_client.post(wizard_url(dossier, "documents", 0), {"action": "continue"})
    assert response.url == wizard_url(dossier, "documents", 1)
    page = simple_client.get(response.url).content.decode()
    assert f'id="slot-{second.pk}"' in page and f'id="slot-{first.pk}"' not in page

    response = simple_client.post(wizard_url(dossier, "documents", 1), {"action": "continue"})
    assert response.url == wizard_url(dossier, "delivery")
    assert "documents" in Dossier.objects.get(pk=dossier.pk).steps_saved


def test_without_simple_mode_a_step_shows_all_its_fields(client):
    person = citizen()
    sign_in(client, person)
    dossier = services.start_draft(version=version_with_a_copies_question(), applicant=person)
    page = client.get(wizard_url(dossier, "details")).content.decode()
    assert 'name="purpose"' in page and 'name="notes"' in page and 'name="copies"' in page
