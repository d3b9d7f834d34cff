import pytest

from dossiers import services
from dossiers.models import State
from tests.factories import filed_dossier, pdf_upload, staff_member

pytestmark = pytest.mark.django_db


def test_the_whole_journey_through_the_services():
    dossier = filed_dossier()
    agency = dossier.receiving_agency
    clerk = staff_member(agency)
    officer = staff_member(agency, role="officer")
    assert dossier.state == State.SUBMITTED and dossier.code.startswith(agency.code)
    request = services.request_supplement(
        dossier=dossier,
        by=clerk,
        items=[dossier.procedure_version.documents.first()],
        details="",
        reason="Bản mờ",
    )
    dossier.refresh_from_db()
    assert dossier.state == State.SUPPLEMENT_REQUESTED
    services.attach_upload(
        dossier=dossier,
        required_document=request.items.first(),
        uploaded=pdf_upload(),
        by=dossier.applicant,
        kind="supplement",
    )
    dossier = services.answer_supplement(dossier=dossier, by=dossier.applicant)
    assert dossier.state == State.SUBMITTED
    dossier = services.receive(dossier=dossier, clerk=clerk)
    assert dossier.due_date is not None and dossier.rule_set.code == "nd118-2025"
    dossier = services.transfer(dossier=dossier, by=clerk, to_agency=agency)
    dossier = services.approve(dossier=dossier, officer=officer, result_file=pdf_upload("ket-qua.pdf"))
    dossier = services.mark_result_ready(dossier=dossier, by=officer)
    dossier = services.mark_returned(dossier=dossier, by=clerk)
    assert dossier.state == State.RETURNED
    assert [e.action for e in dossier.events.all()] == [
        "submit",
        "request_supplement",
        "answer_supplement",
        "receive",
        "transfer",
        "approve",
        "result_ready",
        "return",
    ]
