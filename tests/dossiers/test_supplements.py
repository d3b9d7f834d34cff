"""Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: one complete list at intake and never a second; during
processing a proposal a supervisor approves; the clock stops while the applicant completes the dossier."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import can_proceed

from dossiers import services
from dossiers.models import State, SupplementRequest
from tests.dossiers.factories_core import Clock, assert_refused, attach_supplement, case_in, snapshot, vn
from tests.factories import CitizenProfileFactory, ProcedureVersionFactory, staff_member

pytestmark = pytest.mark.django_db

Status = SupplementRequest.Status


# --- at intake ------------------------------------------------------------------------------------------
def test_one_complete_request_at_intake_lists_documents_details_reason_and_contact():
    case = case_in(State.SUBMITTED)
    first, second = case.dossier.procedure_version.documents.all()

    request = services.request_supplement(
        dossier=case.dossier,
        by=case.desk.clerk,
        items=[first, second],
        details="  Ghi rõ địa chỉ thường trú  ",
        reason=" Bản chụp bị mờ ",
        contact="Chị Lan, quầy số 3",
    )

    request.refresh_from_db()
    assert (request.stage, request.status) == (SupplementRequest.Stage.INTAKE, Status.OPEN)
    assert set(request.items.all()) == {first, second}
    assert (request.details, request.reason, request.contact) == (
        "Ghi rõ địa chỉ thường trú",
        "Bản chụp bị mờ",
        "Chị Lan, quầy số 3",
    )
    assert request.requested_by == case.desk.clerk and request.sent_at is not None
    dossier = case.reload()
    assert dossier.state == State.SUPPLEMENT_REQUESTED
    event = dossier.events.get(action="request_supplement")
    assert event.data == {"request": request.pk, "approved_by": None}


@pytest.mark.parametrize(
    ("items", "details", "reason", "message"),
    [
        (False, "", "Thiếu", "List everything that is missing"),
        (True, "", "  ", "Give the reason"),
    ],
)
def test_a_request_must_list_what_is_missing_and_why(items, details, reason, message):
    case = case_in(State.SUBMITTED)
    chosen = list(case.dossier.procedure_version.documents.all()) if items else []
    assert_refused(
        ValidationError,
        lambda: services.request_supplement(
            dossier=case.dossier, by=case.desk.clerk, items=chosen, details=details, reason=reason
        ),
        case.dossier,
        match=message,
    )


def test_a_request_cannot_list_a_document_of_another_procedure():
    case = case_in(State.SUBMITTED)
    foreign = ProcedureVersionFactory().documents.first()
    assert_refused(
        ValidationError,
        lambda: services.request_supplement(
            dossier=case.dossier, by=case.desk.clerk, items=[foreign], details="", reason="Thiếu"
        ),
        case.dossier,
        match="not part of this procedure",
    )


def test_a_second_request_at_intake_is_refused_by_the_state_machine_with_a_clear_message():
    case = case_in(State.SUPPLEMENT_REQUESTED)
    item = case.extra["request"].items.get()
    attach_supplement(case, item)
    dossier = services.answer_supplement(dossier=case.dossier, by=case.applicant)
    assert dossier.state == State.SUBMITTED

    # The machine itself closes the door, not just the service.
    assert not dossier.intake_supplement_open()
    assert not can_proceed(dossier.request_supplement_at_intake)
    assert_refused(
        ValidationError,
        lambda: services.request_supplement(
            dossier=dossier, by=case.desk.clerk, items=[item], details="", reason="Vẫn mờ"
        ),
        dossier,
        match="A supplement was already requested at intake",
    )
    # What is left: receive it, or refuse it with a reason.
    assert services.receive(dossier=dossier, clerk=case.desk.clerk).state == State.RECEIVED


# --- during processing ----------------------------------------------------------------------------------
def test_an_officer_request_during_processing_is_only_a_proposal():
    case = case_in(State.IN_PROGRESS)
    item = case.dossier.procedure_version.documents.first()
    before = snapshot(case.dossier)

    request = services.request_supplement(
        dossier=case.dossier, by=case.handler.officer, items=[item], details="", reason="Cần bản gốc"
    )

    assert request.status == Status.PROPOSED and request.sent_at is None and request.approved_by is None
    dossier = case.reload()
    assert dossier.state == State.IN_PROGRESS and dossier.lock_version == before["lock_version"]
    assert dossier.due_date == before["due_date"] and dossier.paused_at is None
    event = dossier.events.last()
    assert (event.action, event.from_state, event.to_state) == (
        "propose_supplement",
        State.IN_PROGRESS,
        State.IN_PROGRESS,
    )
    assert event.actor == case.handler.officer and event.agency == case.handler.agency
    # One proposal at a time.
    assert_refused(
        ValidationError,
        lambda: services.request_supplement(
            dossier=dossier, by=case.handler.officer, items=[item], details="", reason="Thêm nữa"
        ),
        dossier,
        match="already waiting for a supervisor",
    )


def test_a_supervisor_approves_the_proposal_and_the_applicant_is_asked():
    case = case_in(State.IN_PROGRESS)
    item = case.dossier.procedure_version.documents.first()
    request = services.request_supplement(
        dossier=case.dossier, by=case.handler.officer, items=[item], details="", reason="Cần bản gốc"
    )

    approved = services.approve_supplement_request(request=request, supervisor=case.handler.supervisor)

    approved.refresh_from_db()
    assert approved.status == Status.OPEN and approved.approved_by == case.handler.supervisor
    assert approved.sent_at is not None
    dossier = case.reload()
    assert dossier.state == State.SUPPLEMENT_REQUESTED and dossier.paused_at is not None
    event = dossier.events.last()
    assert (event.action, event.from_state, event.to_state) == (
        "request_supplement",
        State.IN_PROGRESS,
        State.SUPPLEMENT_REQUESTED,
    )
    assert event.actor == case.handler.supervisor
    assert event.data == {"request": request.pk, "approved_by": case.handler.supervisor.pk}


def test_a_supervisor_request_during_processing_goes_out_at_once():
    case = case_in(State.IN_PROGRESS)
    item = case.dossier.procedure_version.documents.first()
    request = services.request_supplement(
        dossier=case.dossier, by=case.handler.supervisor, items=[item], details="", reason="Cần bản gốc"
    )
    assert request.status == Status.OPEN and request.approved_by == case.handler.supervisor
    assert case.reload().state == State.SUPPLEMENT_REQUESTED


def test_only_a_supervisor_of_the_handling_agency_approves_a_proposal():
    case = case_in(State.IN_PROGRESS)
    item = case.dossier.procedure_version.documents.first()
    request = services.request_supplement(
        dossier=case.dossier, by=case.handler.officer, items=[item], details="", reason="Cần bản gốc"
    )
    for person in (case.handler.officer, case.desk.supervisor, case.applicant):
        assert_refused(
            PermissionDenied,
            lambda p=person: services.approve_supplement_request(request=request, supervisor=p),
            case.dossier,
        )
    request.refresh_from_db()
    assert request.status == Status.PROPOSED


def test_a_supervisor_rejects_a_proposal_with_a_note():
    case = case_in(State.IN_PROGRESS)
    item = case.dossier.procedure_version.documents.first()
    request = services.request_supplement(
        dossier=case.dossier, by=case.handler.officer, items=[item], details="", reason="Cần bản gốc"
    )
    assert_refused(
        ValidationError,
        lambda: services.reject_supplement_request(
            request=request, supervisor=case.handler.supervisor, note=" "
        ),
        case.dossier,
        match="Say why",
    )

    rejected = services.reject_supplement_request(
        request=request, supervisor=case.handler.supervisor, note="Hồ sơ đã đủ, giải quyết ngay"
    )

    assert rejected.status == Status.REJECTED and rejected.approved_by == case.handler.supervisor
    assert rejected.answer_note == "Hồ sơ đã đủ, giải quyết ngay"
    dossier = case.reload()
    assert dossier.state == State.IN_PROGRESS and dossier.paused_at is None
    event = dossier.events.last()
    assert (event.action, event.note, event.actor) == (
        "reject_supplement",
        "Hồ sơ đã đủ, giải quyết ngay",
        case.handler.supervisor,
    )
    # Decided proposals cannot be decided again.
    assert_refused(
        ValidationError,
        lambda: services.approve_supplement_request(request=request, supervisor=case.handler.supervisor),
        dossier,
        match="not waiting for approval",
    )


def test_a_proposal_cannot_be_approved_once_the_dossier_left_processing():
    case = case_in(State.IN_PROGRESS)
    item = case.dossier.procedure_version.documents.first()
    request = services.request_supplement(
        dossier=case.dossier, by=case.handler.officer, items=[item], details="", reason="Cần bản gốc"
    )
    services.deny(dossier=case.dossier, officer=case.handler.officer, reason="Không đủ điều kiện")
    request.refresh_from_db()
    assert request.status == SupplementRequest.Status.CLOSED  # closed with the decision, not left waiting
    assert_refused(
        ValidationError,
        lambda: services.approve_supplement_request(request=request, supervisor=case.handler.supervisor),
        case.dossier,
        match="not waiting for approval",
    )


# --- the clock ------------------------------------------------------------------------------------------
def test_the_clock_stops_while_the_supplement_is_pending_and_runs_again_from_completion(monkeypatch):
    clock = Clock(monkeypatch, vn(2026, 3, 2, 9, 0))  # Monday
    version = ProcedureVersionFactory(published=True, processing_days=10)
    case = case_in(State.IN_PROGRESS, version=version)
    # Received Monday 2/3 with 10 working days: 3,4,5,6 | 9,10,11,12,13 | 16 → due Monday 16/3.
    assert case.dossier.due_date == datetime.date(2026, 3, 16)

    clock.set(vn(2026, 3, 4, 15, 0))  # Wednesday
    request = services.request_supplement(
        dossier=case.dossier,
        by=case.handler.supervisor,
        items=[version.documents.first()],
        details="",
        reason="Cần bản gốc",
    )
    dossier = case.reload()
    # Working days left after Wednesday 4/3 up to Monday 16/3: 5,6 | 9..13 | 16 = 2 + 5 + 1 = 8.
    assert dossier.paused_at == vn(2026, 3, 4, 15, 0)
    assert dossier.paused_working_days_left == 8

    clock.set(vn(2026, 3, 11, 10, 0))  # a week later, Wednesday
    attach_supplement(case, request.items.get())
    dossier = services.answer_supplement(dossier=dossier, by=case.applicant, note="Đã bổ sung")

    assert dossier.state == State.IN_PROGRESS
    # 8 working days after Wednesday 11/3: 12,13 | 16..20 | 23 → Monday 23/3 (the week away is not counted).
    assert dossier.due_date == datetime.date(2026, 3, 23)
    assert dossier.paused_at is None and dossier.paused_working_days_left is None
    request.refresh_from_db()
    assert request.status == Status.ANSWERED and request.answer_note == "Đã bổ sung"
    assert request.answered_at == vn(2026, 3, 11, 10, 0)
    event = dossier.events.last()
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        "answer_supplement",
        State.SUPPLEMENT_REQUESTED,
        State.IN_PROGRESS,
        case.applicant,
    )


def test_a_dossier_waiting_for_its_supplement_is_not_overdue(monkeypatch):
    clock = Clock(monkeypatch, vn(2026, 3, 2, 9, 0))  # Monday; 5 working days → due Monday 9/3
    case = case_in(State.SUPPLEMENT_REQUESTED, processing_supplement=True)
    assert case.dossier.due_date == datetime.date(2026, 3, 9)
    clock.set(vn(2026, 3, 20, 9, 0))  # long past the old appointment date, still waiting
    assert not case.reload().is_overdue()
    services.stop(dossier=case.dossier, by=case.handler.officer, reason="Quá hạn bổ sung")
    assert not case.reload().is_overdue()
    in_progress = case_in(State.IN_PROGRESS)
    assert in_progress.dossier.is_overdue(today=in_progress.dossier.due_date + datetime.timedelta(days=1))


def test_the_intake_answer_goes_back_to_the_desk_with_a_fresh_eight_hour_deadline(monkeypatch):
    clock = Clock(monkeypatch, vn(2026, 3, 2, 9, 0))  # Monday
    case = case_in(State.SUPPLEMENT_REQUESTED)
    assert case.dossier.due_date is None

    clock.set(vn(2026, 3, 5, 10, 0))  # Thursday 10:00
    attach_supplement(case, case.extra["request"].items.get())
    dossier = services.answer_supplement(dossier=case.dossier, by=case.applicant)

    assert dossier.state == State.SUBMITTED and dossier.due_date is None
    # Thursday 10:00–11:30 (1.5 h) + 13:30–17:00 (3.5 h) = 5 h; Friday 07:30 + 3 h = 10:30.
    assert dossier.intake_deadline == vn(2026, 3, 6, 10, 30)


# --- the applicant's answer -----------------------------------------------------------------------------
def test_the_applicant_must_attach_every_requested_document_before_answering():
    case = case_in(State.SUBMITTED)
    first, second = case.dossier.procedure_version.documents.all()
    request = services.request_supplement(
        dossier=case.dossier, by=case.desk.clerk, items=[first, second], details="", reason="Thiếu"
    )
    attach_supplement(case, first)

    assert_refused(
        ValidationError,
        lambda: services.answer_supplement(dossier=case.dossier, by=case.applicant),
        case.dossier,
        match=f"Missing document: {second.name}.",
    )
    request.refresh_from_db()
    assert request.status == Status.OPEN

    attach_supplement(case, second)
    assert services.answer_supplement(dossier=case.dossier, by=case.applicant).state == State.SUBMITTED


def test_documents_sent_for_an_earlier_request_do_not_answer_a_later_one():
    case = case_in(State.SUPPLEMENT_REQUESTED)  # at intake, for the first document
    item = case.extra["request"].items.get()
    attach_supplement(case, item)
    services.answer_supplement(dossier=case.dossier, by=case.applicant)
    services.receive(dossier=case.dossier, clerk=case.desk.clerk)
    services.transfer(dossier=case.dossier, by=case.desk.clerk, to_agency=case.handler.agency)
    # The agency asks again for the same document (say, the certified copy is needed now).
    services.request_supplement(
        dossier=case.dossier,
        by=case.handler.supervisor,
        items=[item],
        details="",
        reason="Cần bản chứng thực",
    )

    assert_refused(
        ValidationError,
        lambda: services.answer_supplement(dossier=case.dossier, by=case.applicant),
        case.dossier,
        match=f"Missing document: {item.name}.",
    )
    attach_supplement(case, item)
    assert services.answer_supplement(dossier=case.dossier, by=case.applicant).state == State.IN_PROGRESS


def test_a_request_for_details_only_needs_an_answer_or_a_document():
    case = case_in(State.SUBMITTED)
    services.request_supplement(
        dossier=case.dossier, by=case.desk.clerk, items=[], details="Ghi rõ số nhà", reason="Địa chỉ chưa rõ"
    )
    assert_refused(
        ValidationError,
        lambda: services.answer_supplement(dossier=case.dossier, by=case.applicant, note="  "),
        case.dossier,
        match="Answer what the agency asked for",
    )
    dossier = services.answer_supplement(dossier=case.dossier, by=case.applicant, note="Số 12, ngõ 4")
    assert dossier.state == State.SUBMITTED


def test_only_the_applicant_answers_and_only_while_asked():
    case = case_in(State.SUPPLEMENT_REQUESTED)
    attach_supplement(case, case.extra["request"].items.get())
    for person in (CitizenProfileFactory().user, case.desk.clerk):
        assert_refused(
            PermissionDenied,
            lambda p=person: services.answer_supplement(dossier=case.dossier, by=p),
            case.dossier,
        )
    submitted = case_in(State.SUBMITTED)
    assert_refused(
        ValidationError,
        lambda: services.answer_supplement(dossier=submitted.dossier, by=submitted.applicant),
        submitted.dossier,
        match="No supplement is being asked",
    )


def test_supplement_documents_are_added_only_while_a_supplement_is_asked():
    case = case_in(State.RECEIVED)
    item = case.dossier.procedure_version.documents.first()
    assert_refused(
        ValidationError,
        lambda: attach_supplement(case, item),
        case.dossier,
        match="cannot be added to the dossier now",
    )


def test_a_request_during_processing_is_refused_to_the_receiving_desk():
    case = case_in(State.IN_PROGRESS)
    item = case.dossier.procedure_version.documents.first()
    outsider = staff_member(case.desk.agency, role="officer", is_supervisor=True)
    for person in (case.desk.clerk, outsider, case.applicant):
        assert_refused(
            PermissionDenied,
            lambda p=person: services.request_supplement(
                dossier=case.dossier, by=p, items=[item], details="", reason="Thiếu"
            ),
            case.dossier,
        )
