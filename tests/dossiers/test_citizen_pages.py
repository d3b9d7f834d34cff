import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from dossiers import services
from dossiers.models import Dossier, State
from tests.dossiers.factories_extra import (
    approved,
    citizen,
    complete_draft,
    draft,
    received,
    sign_in,
    supplement_requested,
)
from tests.factories import ProcedureVersionFactory, filed_dossier, pdf_bytes, pdf_upload, staff_member

pytestmark = pytest.mark.django_db


def _fake_slip(request, pk, kind):
    return HttpResponse(kind)


def _urlpatterns():
    """The portal's URLs with a stand-in for the staff side's slip page."""
    from portal.urls import urlpatterns

    staff = ([path("slips/<int:pk>/<str:kind>/", _fake_slip, name="slip")], "staff")
    return [
        path("staff/", include(staff)),
        *[p for p in urlpatterns if getattr(p, "namespace", "") != "staff"],
    ]


urlpatterns = _urlpatterns()


def count_queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in {200, 302}, response.status_code
    return len(captured)


# --- my dossiers --------------------------------------------------------------------------------------------
def test_my_dossiers_lists_code_procedure_state_due_date_and_next_action(client):
    person = citizen()
    filed = filed_dossier(applicant=person)
    asked, _request = supplement_requested(filed_dossier(applicant=person))
    ongoing, _clerk = received(filed_dossier(applicant=person))
    unfinished = draft(applicant=person)
    filed_dossier()  # someone else's
    sign_in(client, person)
    page = client.get(reverse("dossiers:mine")).content.decode()
    for dossier in [filed, asked, ongoing]:
        assert dossier.code in page
    assert f"{ongoing.due_date:%d/%m/%Y}" in page
    assert "Submitted, waiting for the one-stop shop" in page and "Supplement requested" in page
    assert "Add the missing documents" in page
    assert reverse("dossiers:answer_supplement", args=[asked.pk]) in page
    assert reverse("dossiers:wizard", args=[unfinished.pk, "review"]) in page
    assert page.count('class="card dossier-row') == 4


def test_my_dossiers_costs_the_same_queries_for_3_and_25_dossiers(
    client, django_assert_max_num_queries, settings
):
    settings.MY_DOSSIERS_CACHE_SECONDS = 0  # each request builds the list: what is counted
    person = citizen()
    version = ProcedureVersionFactory(published=True, documents=0)
    for _ in range(3):
        filed_dossier(version=version, applicant=person)
    sign_in(client, person)
    client.get(reverse("dossiers:mine"))  # session, language: warm
    with_three = count_queries(client, "get", reverse("dossiers:mine"))
    for _ in range(22):
        filed_dossier(version=ProcedureVersionFactory(published=True, documents=0), applicant=person)
    with django_assert_max_num_queries(with_three):
        page = client.get(reverse("dossiers:mine"))
    assert page.content.decode().count('class="card dossier-row') == 20
    with django_assert_max_num_queries(with_three):
        second = client.get(reverse("dossiers:mine"), {"page": 2})
    assert second.content.decode().count('class="card dossier-row') == 5


def test_my_dossiers_read_again_comes_from_the_cache_and_any_change_shows_at_once(client):
    person = citizen()
    filed = filed_dossier(applicant=person)
    unfinished = draft(applicant=person)
    sign_in(client, person)
    client.get(reverse("dossiers:mine"))

    with CaptureQueriesContext(connection) as again:
        page = client.get(reverse("dossiers:mine")).content.decode()
    on_dossiers = [q["sql"] for q in again if 'FROM "dossiers_dossier"' in q["sql"]]
    assert len(on_dossiers) == 1 and "COUNT(" in on_dossiers[0]  # the fingerprint only: the list was kept
    assert filed.code in page and page.count('class="card dossier-row') == 2

    # No commit hook to wait for: a step, a deleted draft and a new one each change the fingerprint.
    received(filed)
    assert "Nothing to do: wait for the result" in client.get(reverse("dossiers:mine")).content.decode()
    services.discard_draft(dossier=unfinished, by=person)
    assert client.get(reverse("dossiers:mine")).content.decode().count('class="card dossier-row') == 1
    draft(applicant=person)
    assert client.get(reverse("dossiers:mine")).content.decode().count('class="card dossier-row') == 2


def test_filing_10_documents_costs_no_more_queries_than_1(client):
    """Submit POST, the documents step and the review: the query count does not grow with the documents."""
    person = citizen()
    one = complete_draft(ProcedureVersionFactory(published=True, documents=1), person)
    ten = complete_draft(ProcedureVersionFactory(published=True, documents=10), person)
    sign_in(client, person)
    client.get(reverse("dossiers:mine"))
    for step in ["documents", "review"]:
        small = count_queries(client, "get", reverse("dossiers:wizard", args=[one.pk, step]))
        large = count_queries(client, "get", reverse("dossiers:wizard", args=[ten.pk, step]))
        assert large <= small, (step, small, large)
    small = count_queries(client, "post", reverse("dossiers:submit", args=[one.pk]))
    large = count_queries(client, "post", reverse("dossiers:submit", args=[ten.pk]))
    assert large <= small, (small, large)
    assert Dossier.objects.filter(state=State.SUBMITTED).count() == 2


# --- one dossier --------------------------------------------------------------------------------------------
def test_detail_shows_the_open_supplement_request_and_the_timeline(client):
    person = citizen()
    dossier, request = supplement_requested(
        filed_dossier(applicant=person),
        reason="Bản sao chưa được chứng thực",
        contact="Chị Lan, 0243 123 456",
    )
    sign_in(client, person)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "What the agency asks you to add" in page
    assert request.items.first().name in page
    assert "Bản sao chưa được chứng thực" in page and "Chị Lan, 0243 123 456" in page
    assert reverse("dossiers:answer_supplement", args=[dossier.pk]) in page
    assert "You filed the dossier online." in page
    assert "You were asked to add documents." in page
    assert dossier.code in page
    for document in dossier.documents.all():
        assert reverse("dossiers:document", args=[document.pk]) in page


def test_the_timeline_tells_each_step_in_plain_words(client):
    person = citizen()
    dossier = approved(filed_dossier(applicant=person))
    sign_in(client, person)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "You filed the dossier online." in page
    assert f"The one-stop shop received it; appointment date {dossier.due_date:%d/%m/%Y}." in page
    assert f"Sent to {dossier.handling_agency.name}." in page
    assert "Approved: the result is issued." in page
    assert "Nothing happened" not in page


def test_the_result_can_be_downloaded_once_approved(client):
    person = citizen()
    dossier = approved(filed_dossier(applicant=person))
    result = dossier.documents.get(kind="result")
    sign_in(client, person)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "Your result" in page and reverse("dossiers:document", args=[result.pk]) in page
    download = client.get(reverse("dossiers:document", args=[result.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_detail_works_without_the_staff_slip_pages(client):
    """The slip links appear only when the staff side provides `staff:slip`; never a crash."""
    person = citizen()
    dossier, _clerk = received(filed_dossier(applicant=person))
    sign_in(client, person)
    assert client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 200


@pytest.mark.urls(__name__)
def test_detail_links_the_slips_that_exist(client):
    person = citizen()
    dossier, _request = supplement_requested(filed_dossier(applicant=person))
    sign_in(client, person)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert reverse("staff:slip", args=[dossier.pk, "supplement"]) in page
    assert reverse("staff:slip", args=[dossier.pk, "receipt"]) not in page  # not received yet
    assert "Mẫu số 02" in page

    received_dossier, _clerk = received(filed_dossier(applicant=person))
    page = client.get(reverse("dossiers:detail", args=[received_dossier.pk])).content.decode()
    assert reverse("staff:slip", args=[received_dossier.pk, "receipt"]) in page
    assert "Receipt and appointment slip" in page


def test_in_vietnamese_a_slip_is_called_by_the_legal_title_of_its_form_set(client):
    person = citizen()
    dossier = filed_dossier(applicant=person)
    services.refuse(
        dossier=dossier, clerk=staff_member(dossier.receiving_agency), reason="Không thuộc thẩm quyền"
    )
    sign_in(client, person, language="vi")

    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()

    # Circular 03/2025 renamed the refusal slip; a dossier filed today gets the new name.
    link = (
        f'<a href="{reverse("staff:slip", args=[dossier.pk, "refusal"])}">Phiếu từ chối giải quyết hồ sơ</a>'
    )
    assert link in page


def test_a_draft_detail_page_offers_to_continue(client):
    person = citizen()
    dossier = draft(applicant=person)
    sign_in(client, person)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "Continue filling in" in page and reverse("dossiers:wizard", args=[dossier.pk, "review"]) in page


# --- supplement, withdrawal ---------------------------------------------------------------------------------
def test_answering_a_supplement_online_moves_the_dossier_back_to_submitted(client):
    person = citizen()
    dossier, request = supplement_requested(filed_dossier(applicant=person))
    item = request.items.get()
    sign_in(client, person)
    url = reverse("dossiers:answer_supplement", args=[dossier.pk])
    page = client.get(url).content.decode()
    assert item.name in page and "Send" in page

    refused = client.post(url, {"action": "send", "note": ""})
    assert refused.status_code == 400
    assert f"Missing document: {item.name}." in refused.content.decode()

    response = client.post(
        url, {"action": "upload", "slot": str(item.pk), f"slot-{item.pk}-file": pdf_upload("ban-sao.pdf")}
    )
    assert response.status_code == 302
    response = client.post(url, {"action": "send", "note": "Đã gửi bản sao chứng thực"}, follow=True)
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert "Your supplement was sent." in response.content.decode()
    assert dossier.documents.filter(kind="supplement", required_document=item).exists()
    assert "You sent the supplement online." in response.content.decode()


def test_a_supplement_can_reuse_a_stored_file(client):
    person = citizen()
    dossier, request = supplement_requested(filed_dossier(applicant=person))
    item = request.items.get()
    stored = services.store_upload(owner=person, uploaded=pdf_upload("cu.pdf", pdf_bytes("old")), by=person)
    sign_in(client, person)
    url = reverse("dossiers:answer_supplement", args=[dossier.pk])
    client.post(url, {"action": "reuse", "slot": str(item.pk), "stored_file": str(stored.pk)})
    client.post(url, {"action": "send"})
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED


def test_the_supplement_page_is_closed_when_nothing_is_asked(client):
    person = citizen()
    dossier = filed_dossier(applicant=person)
    sign_in(client, person)
    response = client.get(reverse("dossiers:answer_supplement", args=[dossier.pk]))
    assert response.url == reverse("dossiers:detail", args=[dossier.pk])


def test_a_citizen_withdraws_a_dossier_before_a_decision(client):
    person = citizen()
    dossier, _clerk = received(filed_dossier(applicant=person))
    sign_in(client, person)
    url = reverse("dossiers:withdraw", args=[dossier.pk])
    page = client.get(url).content.decode()
    assert "Withdraw the dossier" in page and '<label for="id_reason">' in page
    response = client.post(url, {"reason": "Tôi đã nộp nhầm thủ tục"}, follow=True)
    dossier.refresh_from_db()
    assert dossier.state == State.WITHDRAWN and dossier.closed_reason == "Tôi đã nộp nhầm thủ tục"
    page = response.content.decode()
    assert "You withdrew the dossier." in page and "Tôi đã nộp nhầm thủ tục" in page
    assert reverse("dossiers:withdraw", args=[dossier.pk]) not in page


def test_a_decided_dossier_cannot_be_withdrawn(client):
    person = citizen()
    dossier = approved(filed_dossier(applicant=person))
    sign_in(client, person)
    response = client.post(reverse("dossiers:withdraw", args=[dossier.pk]), {"reason": ""})
    assert response.url == reverse("dossiers:detail", args=[dossier.pk])
    assert Dossier.objects.get(pk=dossier.pk).state == State.APPROVED


# --- data store, dashboard, navigation ----------------------------------------------------------------------
def test_the_data_store_lists_my_files_and_where_they_were_used(client):
    person = citizen()
    dossier = filed_dossier(applicant=person)
    other = filed_dossier()
    sign_in(client, person)
    page = client.get(reverse("dossiers:data_store")).content.decode()
    for document in dossier.documents.all():
        assert reverse("dossiers:stored_file", args=[document.stored_file_id]) in page
    assert dossier.code in page
    assert other.code not in page


def test_the_dashboard_and_the_menu_lead_to_my_dossiers(client):
    person = citizen()
    dossier = filed_dossier(applicant=person)
    sign_in(client, person)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("dossiers:mine") in page
    assert reverse("dossiers:detail", args=[dossier.pk]) in page


def test_staff_have_no_my_dossiers_link(client):
    clerk = staff_member(filed_dossier().receiving_agency)
    sign_in(client, clerk)
    # href="…": the header's public lookup link lives under /dossiers/ too.
    assert f'href="{reverse("dossiers:mine")}"' not in client.get(reverse("dashboard")).content.decode()
    assert client.get(reverse("dossiers:mine")).status_code == 403


def test_pages_are_in_vietnamese_by_default(client):
    person = citizen()
    sign_in(client, person, language=None)
    response = client.get(reverse("dossiers:mine"))
    assert response.status_code == 200 and response["Content-Language"] == "vi"


def test_a_citizen_deletes_a_dossier_never_filed_and_keeps_its_files(client):
    person = citizen()
    dossier = complete_draft(applicant=person)
    stored = [document.stored_file for document in dossier.documents.all()]
    sign_in(client, person)
    url = reverse("dossiers:discard_draft", args=[dossier.pk])
    assert url in client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()

    response = client.post(url)

    assert response.status_code == 302 and response.url == reverse("dossiers:mine")
    assert not Dossier.objects.filter(pk=dossier.pk).exists()
    assert stored and all(type(file).objects.filter(pk=file.pk).exists() for file in stored)


def test_a_filed_dossier_cannot_be_deleted(client):
    person = citizen()
    dossier = filed_dossier(applicant=person)
    sign_in(client, person)

    response = client.post(reverse("dossiers:discard_draft", args=[dossier.pk]))

    assert response.status_code == 302
    assert Dossier.objects.filter(pk=dossier.pk, state=State.SUBMITTED).exists()
    with pytest.raises(ValidationError):
        services.discard_draft(dossier=dossier, by=person)
