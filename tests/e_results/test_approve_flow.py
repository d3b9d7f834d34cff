"""Approving a dossier signs its result after commit; a failed signing keeps the approval."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pyhanko.pdf_utils.reader import PdfFileReader

from dossiers.models import State
from e_results.models import SignedResult
from e_results.selectors import signed_results_of
from e_results.verification import Verdict, verify_pdf
from tests.dossiers.factories_extra import approved, sign_in
from tests.factories import filed_dossier, staff_member

pytestmark = pytest.mark.django_db


def approve_with_key(give_agency_a_key, django_capture_on_commit_callbacks):
    dossier = filed_dossier()
    give_agency_a_key(dossier.receiving_agency)  # the receiving agency decides in approved()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = approved(dossier)
    return dossier


def test_approval_produces_a_signed_result_that_validates(
    give_agency_a_key, django_capture_on_commit_callbacks
):
    dossier = approve_with_key(give_agency_a_key, django_capture_on_commit_callbacks)
    result = SignedResult.objects.get(dossier=dossier)
    assert result.status == SignedResult.Status.SIGNED
    assert result.result_number == f"{dossier.code}/KQ1"
    assert result.certificate_serial and dossier.handling_agency.name in result.certificate_subject
    with result.signed_file.file.open("rb") as handle:
        signed = handle.read()
    assert result.signed_file.owner == dossier.applicant
    report = verify_pdf(signed)
    assert report.verdict == Verdict.VALID
    assert report.sha256 == result.sha256
    assert PdfFileReader(io.BytesIO(signed)).embedded_signatures[0].field_name == "KetQuaDienTu"


def test_failed_signing_keeps_the_approval_and_staff_can_sign_again(
    client, give_agency_a_key, django_capture_on_commit_callbacks
):
    dossier = filed_dossier()  # no key for this agency yet: signing fails
    with django_capture_on_commit_callbacks(execute=True):
        dossier = approved(dossier)
    dossier.refresh_from_db()
    assert dossier.state == State.APPROVED
    result = SignedResult.objects.get(dossier=dossier)
    assert result.status == SignedResult.Status.FAILED and result.last_error

    officer = staff_member(dossier.handling_agency, role="officer")
    sign_in(client, officer, language="vi")
    page = client.get(f"/staff/dossiers/{dossier.pk}/")
    assert "chưa ký" in page.content.decode()

    give_agency_a_key(dossier.handling_agency)
    answer = client.post(f"/e-results/{result.pk}/sign-again/")
    assert answer.status_code == 302
    result.refresh_from_db()
    assert result.status == SignedResult.Status.SIGNED and result.attempts == 2


def test_sign_again_is_refused_to_staff_of_another_agency(client, give_agency_a_key):
    dossier = filed_dossier()
    dossier = approved(dossier)
    result = SignedResult.objects.get(dossier=dossier)
    from tests.factories import AgencyFactory

    stranger = staff_member(AgencyFactory(), role="officer")
    sign_in(client, stranger)
    assert client.post(f"/e-results/{result.pk}/sign-again/").status_code == 404
    result.refresh_from_db()
    assert result.attempts == 0


def test_applicant_downloads_the_signed_copy(client, give_agency_a_key, django_capture_on_commit_callbacks):
    dossier = approve_with_key(give_agency_a_key, django_capture_on_commit_callbacks)
    result = SignedResult.objects.get(dossier=dossier)
    sign_in(client, dossier.applicant)
    answer = client.get(f"/e-results/{result.pk}/file/")
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content).startswith(b"%PDF")
    client.logout()
    sign_in(client, filed_dossier().applicant)
    assert client.get(f"/e-results/{result.pk}/file/").status_code == 404


def test_the_signed_result_lands_in_the_applicants_store_as_a_result_of_the_agency(
    give_agency_a_key, django_capture_on_commit_callbacks
):
    """Issue 16: source "result", issuer the agency, number the result number (dossiers.services)."""
    dossier = approve_with_key(give_agency_a_key, django_capture_on_commit_callbacks)
    result = SignedResult.objects.get(dossier=dossier)
    stored = result.signed_file
    assert stored.source == stored.Source.RESULT
    assert (stored.issuer, stored.number) == (dossier.handling_agency.name, result.result_number)


def test_before_the_decision_the_pages_do_not_look_for_results_and_after_it_they_show_them(
    give_agency_a_key, django_capture_on_commit_callbacks
):
    """Results are planned when the dossier is approved (which sets decided_at): a dossier still being
    processed has none, so its pages spend no query looking."""
    undecided = filed_dossier()
    with CaptureQueriesContext(connection) as queries:
        assert signed_results_of(undecided) == []
    assert len(queries) == 0

    dossier = approve_with_key(give_agency_a_key, django_capture_on_commit_callbacks)
    assert dossier.decided_at is not None
    assert [r.status for r in signed_results_of(dossier)] == [SignedResult.Status.SIGNED]
