"""Every transition of a dossier, allowed and refused, through the services. A refused action raises
ValidationError (wrong moment) or PermissionDenied (wrong person) and leaves nothing changed; an allowed
one writes exactly one event: who, in which role and agency, from which state to which, and how timely."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from dossiers import services, working_days
from dossiers.models import Apology, DossierDocument, DossierEvent, State, SupplementRequest, Timeliness
from tests.dossiers.factories_core import Clock, assert_refused, case_in, office, vn
from tests.factories import (
    AgencyFactory,
    CitizenProfileFactory,
    ProcedureVersionFactory,
    pdf_upload,
    staff_member,
)

pytestmark = pytest.mark.django_db


def only_new_event(dossier, events_before: int) -> DossierEvent:
    events = list(dossier.events.order_by("at", "pk"))
    assert len(events) == events_before + 1, [e.action for e in events]
    return events[-1]


# --- submit ---------------------------------------------------------------------------------------------
def test_submit_files_a_draft_with_its_code_and_intake_deadline(monkeypatch):
    Clock(monkeypatch, vn(2026, 3, 2, 9, 0))  # a Monday
    case = case_in(State.DRAFT)
    dossier = case.dossier
    for required in dossier.procedure_version.documents.all():
        services.attach_upload(
            dossier=dossier, required_document=required, uploaded=pdf_upload(), by=case.applicant
        )

    dossier = services.submit(dossier=dossier, by=case.applicant)

    assert dossier.state == State.SUBMITTED and dossier.lock_version == 1
    assert dossier.code == f"{dossier.receiving_agency.code}-260302-0001"
    # 8 office hours from Monday 09:00: 09:00–11:30 (2.5 h) + 13:30–17:00 (3.5 h) = 6 h; Tuesday 07:30 + 2 h.
    assert dossier.intake_deadline == vn(2026, 3, 3, 9, 30)
    event = only_new_event(dossier, 0)
    assert (event.action, event.from_state, event.to_state) == ("submit", State.DRAFT, State.SUBMITTED)
    assert event.actor == case.applicant and event.actor_role == Role.CITIZEN
    assert event.to_agency == dossier.receiving_agency


def test_submit_is_refused_while_a_required_document_is_missing():
    case = case_in(State.DRAFT)
    first, second = case.dossier.procedure_version.documents.all()
    services.attach_upload(
        dossier=case.dossier, required_document=first, uploaded=pdf_upload(), by=case.applicant
    )

    problems = services.problems_before_submit(case.dossier)
    assert problems == [f"Missing document: {second.name}."]
    assert_refused(
        ValidationError,
        lambda: services.submit(dossier=case.dossier, by=case.applicant),
        case.dossier,
        match=second.name,
    )
    assert case.reload().code is None


def test_submit_is_refused_for_a_dossier_already_submitted():
    case = case_in(State.SUBMITTED)
    assert_refused(
        ValidationError,
        lambda: services.submit(dossier=case.dossier, by=case.applicant),
        case.dossier,
        match="already been submitted",
    )


def test_only_the_applicant_submits_a_draft():
    case = case_in(State.DRAFT)
    for required in case.dossier.procedure_version.documents.all():
        services.attach_upload(
            dossier=case.dossier, required_document=required, uploaded=pdf_upload(), by=case.applicant
        )
    other = CitizenProfileFactory().user
    assert_refused(PermissionDenied, lambda: services.submit(dossier=case.dossier, by=other), case.dossier)
    assert_refused(
        PermissionDenied, lambda: services.submit(dossier=case.dossier, by=case.desk.clerk), case.dossier
    )


# --- receive --------------------------------------------------------------------------------------------
def test_receive_sets_the_appointment_date_in_working_days(monkeypatch):
    clock = Clock(monkeypatch, vn(2026, 3, 2, 8, 0))  # Monday
    case = case_in(State.SUBMITTED)
    clock.set(vn(2026, 3, 2, 10, 0))

    dossier = services.receive(dossier=case.dossier, clerk=case.desk.clerk)

    assert dossier.state == State.RECEIVED and dossier.lock_version == 2
    assert dossier.received_at == vn(2026, 3, 2, 10, 0)
    # 5 working days after Monday 2/3: Tue 3, Wed 4, Thu 5, Fri 6, (weekend), Mon 9.
    assert dossier.due_date == datetime.date(2026, 3, 9)
    assert dossier.rule_set.code == "nd118-2025"
    event = only_new_event(dossier, 1)
    assert (event.action, event.from_state, event.to_state) == ("receive", State.SUBMITTED, State.RECEIVED)
    assert (event.actor, event.actor_role, event.agency) == (case.desk.clerk, Role.CLERK, case.desk.agency)
    assert event.timeliness == Timeliness.ON_TIME  # answered before the 8-working-hour deadline
    assert event.data == {"due_date": "2026-03-09"}


@pytest.mark.parametrize("state", [State.DRAFT, State.SUPPLEMENT_REQUESTED, State.RECEIVED, State.REFUSED])
def test_receive_is_only_for_a_submitted_dossier(state):
    case = case_in(state)
    assert_refused(
        ValidationError,
        lambda: services.receive(dossier=case.dossier, clerk=case.desk.clerk),
        case.dossier,
        match="cannot be received now",
    )


def test_receive_is_refused_to_a_clerk_of_another_agency_an_officer_and_a_citizen():
    case = case_in(State.SUBMITTED)
    outsider = staff_member(AgencyFactory())
    for person in (outsider, case.desk.officer, case.applicant, case.handler.clerk):
        assert_refused(
            PermissionDenied, lambda p=person: services.receive(dossier=case.dossier, clerk=p), case.dossier
        )


@pytest.mark.parametrize("reason", ["originals", "in_person"])
def test_partial_service_needs_the_originals_checked_before_receipt(reason):
    version = ProcedureVersionFactory(published=True, partial=True, partial_reason=reason)
    case = case_in(State.SUBMITTED, version=version)
    assert case.dossier.needs_originals_check

    assert_refused(
        ValidationError,
        lambda: services.receive(dossier=case.dossier, clerk=case.desk.clerk),
        case.dossier,
        match="Check the originals at the desk before receiving this dossier.",
    )

    dossier = services.check_originals(
        dossier=case.dossier, clerk=case.desk.clerk, note="Đã đối chiếu bản gốc"
    )
    assert dossier.originals_checked_by == case.desk.clerk and dossier.originals_checked_at is not None
    assert dossier.events.last().action == "check_originals"
    dossier = services.receive(dossier=dossier, clerk=case.desk.clerk)
    assert dossier.state == State.RECEIVED


def test_partial_service_inspected_on_site_is_received_without_an_originals_check():
    version = ProcedureVersionFactory(published=True, partial=True, partial_reason="on_site")
    case = case_in(State.SUBMITTED, version=version)
    assert not case.dossier.needs_originals_check
    assert_refused(
        ValidationError,
        lambda: services.check_originals(dossier=case.dossier, clerk=case.desk.clerk),
        case.dossier,
        match="needs no check of originals",
    )
    assert services.receive(dossier=case.dossier, clerk=case.desk.clerk).state == State.RECEIVED


def test_originals_are_checked_once_and_only_by_a_clerk_of_the_receiving_agency():
    case = case_in(State.SUBMITTED, version=ProcedureVersionFactory(published=True, partial=True))
    assert_refused(
        PermissionDenied,
        lambda: services.check_originals(dossier=case.dossier, clerk=case.desk.officer),
        case.dossier,
    )
    services.check_originals(dossier=case.dossier, clerk=case.desk.clerk)
    assert_refused(
        ValidationError,
        lambda: services.check_originals(dossier=case.dossier, clerk=case.desk.clerk),
        case.dossier,
        match="already checked",
    )


# --- supplement at intake (details in test_supplements.py) -------------------------------------------
def test_request_supplement_at_intake_moves_a_submitted_dossier_to_supplement_requested():
    case = case_in(State.SUBMITTED)
    item = case.dossier.procedure_version.documents.first()

    request = services.request_supplement(
        dossier=case.dossier, by=case.desk.clerk, items=[item], details="", reason="Bản chụp bị mờ"
    )

    dossier = case.reload()
    assert dossier.state == State.SUPPLEMENT_REQUESTED and dossier.lock_version == 2
    assert request.stage == SupplementRequest.Stage.INTAKE and request.status == SupplementRequest.Status.OPEN
    event = only_new_event(dossier, 1)
    assert (event.action, event.from_state, event.to_state) == (
        "request_supplement",
        State.SUBMITTED,
        State.SUPPLEMENT_REQUESTED,
    )
    assert (event.actor, event.actor_role, event.agency) == (case.desk.clerk, Role.CLERK, case.desk.agency)
    assert event.timeliness == Timeliness.ON_TIME


@pytest.mark.parametrize("state", [State.DRAFT, State.RECEIVED, State.APPROVED, State.REFUSED])
def test_a_supplement_cannot_be_requested_outside_intake_and_processing(state):
    case = case_in(state)
    item = case.dossier.procedure_version.documents.first()
    assert_refused(
        ValidationError,
        lambda: services.request_supplement(
            dossier=case.dossier, by=case.desk.clerk, items=[item], details="", reason="Thiếu"
        ),
        case.dossier,
        match="cannot be requested for this dossier now",
    )


def test_request_supplement_at_intake_is_refused_to_an_officer_and_another_agency():
    case = case_in(State.SUBMITTED)
    item = case.dossier.procedure_version.documents.first()
    for person in (case.desk.officer, case.handler.clerk):
        assert_refused(
            PermissionDenied,
            lambda p=person: services.request_supplement(
                dossier=case.dossier, by=p, items=[item], details="", reason="Thiếu"
            ),
            case.dossier,
        )
    assert not case.dossier.supplement_requests.exists()


# --- refuse ---------------------------------------------------------------------------------------------
def test_refuse_closes_a_submitted_dossier_with_the_reason():
    case = case_in(State.SUBMITTED)
    dossier = services.refuse(
        dossier=case.dossier, clerk=case.desk.clerk, reason="  Không thuộc thẩm quyền  "
    )
    assert dossier.state == State.REFUSED
    assert dossier.closed_reason == "Không thuộc thẩm quyền" and dossier.decided_at is not None
    event = only_new_event(dossier, 1)
    assert (event.action, event.from_state, event.to_state) == ("refuse", State.SUBMITTED, State.REFUSED)
    assert (event.actor_role, event.agency, event.note) == (
        Role.CLERK,
        case.desk.agency,
        "Không thuộc thẩm quyền",
    )
    assert event.timeliness == Timeliness.ON_TIME


def test_refuse_needs_a_reason():
    case = case_in(State.SUBMITTED)
    assert_refused(
        ValidationError,
        lambda: services.refuse(dossier=case.dossier, clerk=case.desk.clerk, reason="   "),
        case.dossier,
        match="Give the reason for refusing",
    )


@pytest.mark.parametrize("state", [State.SUPPLEMENT_REQUESTED, State.RECEIVED, State.REFUSED])
def test_refuse_is_only_for_a_submitted_dossier(state):
    case = case_in(state)
    assert_refused(
        ValidationError,
        lambda: services.refuse(dossier=case.dossier, clerk=case.desk.clerk, reason="Không đủ điều kiện"),
        case.dossier,
        match="cannot be refused now",
    )


def test_refuse_is_refused_to_an_officer_and_a_clerk_of_another_agency():
    case = case_in(State.SUBMITTED)
    for person in (case.desk.officer, case.handler.clerk):
        assert_refused(
            PermissionDenied,
            lambda p=person: services.refuse(dossier=case.dossier, clerk=p, reason="Không đủ"),
            case.dossier,
        )


# --- transfer -------------------------------------------------------------------------------------------
def test_transfer_hands_a_received_dossier_to_the_deciding_agency():
    case = case_in(State.RECEIVED)
    assignee = case.handler.officer

    dossier = services.transfer(
        dossier=case.dossier,
        by=case.desk.clerk,
        to_agency=case.handler.agency,
        assignee=assignee,
        note="Chuyển xử lý",
    )

    assert dossier.state == State.IN_PROGRESS
    assert dossier.handling_agency == case.handler.agency and dossier.assignee == assignee
    assert dossier.receiving_agency == case.desk.agency
    event = only_new_event(dossier, 2)
    assert (event.action, event.from_state, event.to_state) == ("transfer", State.RECEIVED, State.IN_PROGRESS)
    assert (event.actor, event.actor_role, event.agency) == (case.desk.clerk, Role.CLERK, case.desk.agency)
    assert (event.from_agency, event.to_agency) == (case.desk.agency, case.handler.agency)
    assert event.timeliness == Timeliness.EARLY


def test_transfer_between_agencies_during_processing_is_recorded_from_and_to():
    case = case_in(State.IN_PROGRESS)
    third = office()

    dossier = services.transfer(dossier=case.dossier, by=case.handler.officer, to_agency=third.agency)

    assert dossier.state == State.IN_PROGRESS and dossier.handling_agency == third.agency
    assert dossier.assignee is None
    event = only_new_event(dossier, 3)
    assert (event.from_state, event.to_state) == (State.IN_PROGRESS, State.IN_PROGRESS)
    assert (event.actor_role, event.agency) == (Role.OFFICER, case.handler.agency)
    assert (event.from_agency, event.to_agency) == (case.handler.agency, third.agency)


def test_a_received_dossier_is_transferred_only_by_a_clerk_of_the_receiving_agency():
    case = case_in(State.RECEIVED)
    outsider = staff_member(AgencyFactory())
    for person in (case.desk.officer, outsider, case.handler.clerk, case.applicant):
        assert_refused(
            PermissionDenied,
            lambda p=person: services.transfer(dossier=case.dossier, by=p, to_agency=case.handler.agency),
            case.dossier,
        )


def test_during_processing_only_the_handling_agency_transfers_on():
    case = case_in(State.IN_PROGRESS)
    third = office()
    # The one-stop shop that received it no longer holds it.
    for person in (case.desk.clerk, case.desk.officer, third.officer, case.applicant):
        assert_refused(
            PermissionDenied,
            lambda p=person: services.transfer(dossier=case.dossier, by=p, to_agency=third.agency),
            case.dossier,
        )


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED, State.DENIED])
def test_transfer_is_refused_outside_receipt_and_processing(state):
    case = case_in(state)
    handler = case.dossier.handling_agency
    person = case.desk.clerk if handler == case.desk.agency else case.handler.officer
    assert_refused(
        ValidationError,
        lambda: services.transfer(dossier=case.dossier, by=person, to_agency=office().agency),
        case.dossier,
        match="cannot be transferred now",
    )


def test_transfer_to_an_agency_that_no_longer_exists_or_to_an_outsider_is_refused():
    case = case_in(State.RECEIVED)
    legacy = AgencyFactory(is_legacy=True)
    assert_refused(
        ValidationError,
        lambda: services.transfer(dossier=case.dossier, by=case.desk.clerk, to_agency=legacy),
        case.dossier,
        match="no longer exists",
    )
    assert_refused(
        ValidationError,
        lambda: services.transfer(
            dossier=case.dossier,
            by=case.desk.clerk,
            to_agency=case.handler.agency,
            assignee=case.desk.officer,
        ),
        case.dossier,
        match="must work for the receiving agency",
    )


# --- approve --------------------------------------------------------------------------------------------
def test_approve_attaches_the_result_and_records_the_decision():
    case = case_in(State.IN_PROGRESS)

    dossier = services.approve(
        dossier=case.dossier,
        officer=case.handler.officer,
        result_file=pdf_upload("ket-qua.pdf"),
        note="Đồng ý",
    )

    assert dossier.state == State.APPROVED and dossier.decided_at is not None
    result = dossier.documents.get(kind=DossierDocument.Kind.RESULT)
    assert result.stored_file.owner == case.applicant  # lands in the citizen's data store
    event = only_new_event(dossier, 3)
    assert (event.action, event.from_state, event.to_state) == ("approve", State.IN_PROGRESS, State.APPROVED)
    assert (event.actor, event.actor_role, event.agency) == (
        case.handler.officer,
        Role.OFFICER,
        case.handler.agency,
    )


def test_approve_without_a_result_file_is_refused():
    case = case_in(State.IN_PROGRESS)
    assert_refused(
        ValidationError,
        lambda: services.approve(dossier=case.dossier, officer=case.handler.officer, result_file=None),
        case.dossier,
        match="Attach the result document",
    )


def test_approve_with_an_unreadable_result_file_is_refused():
    case = case_in(State.IN_PROGRESS)
    assert_refused(
        ValidationError,
        lambda: services.approve(
            dossier=case.dossier, officer=case.handler.officer, result_file=pdf_upload("x.pdf", b"not a pdf")
        ),
        case.dossier,
    )


def test_approve_is_for_an_officer_of_the_handling_agency_only():
    case = case_in(State.IN_PROGRESS)
    outsider = staff_member(AgencyFactory(), role="officer")
    # A clerk of the handling agency, the receiving agency's officer, an officer elsewhere, the applicant.
    for person in (case.handler.clerk, case.desk.officer, outsider, case.applicant):
        assert_refused(
            PermissionDenied,
            lambda p=person: services.approve(dossier=case.dossier, officer=p, result_file=pdf_upload()),
            case.dossier,
        )


@pytest.mark.parametrize("state", [State.RECEIVED, State.APPROVED, State.DENIED, State.SUPPLEMENT_REQUESTED])
def test_approve_is_only_for_a_dossier_being_processed(state):
    case = case_in(state, processing_supplement=True)
    officer = (
        case.handler.officer if case.dossier.handling_agency == case.handler.agency else case.desk.officer
    )
    assert_refused(
        ValidationError,
        lambda: services.approve(dossier=case.dossier, officer=officer, result_file=pdf_upload()),
        case.dossier,
        match="cannot be approved now",
    )


# --- deny -----------------------------------------------------------------------------------------------
def test_deny_closes_the_dossier_with_the_reasons():
    case = case_in(State.IN_PROGRESS)
    dossier = services.deny(dossier=case.dossier, officer=case.handler.officer, reason="Không đủ điều kiện")
    assert dossier.state == State.DENIED and dossier.closed_reason == "Không đủ điều kiện"
    event = only_new_event(dossier, 3)
    assert (event.action, event.from_state, event.to_state) == ("deny", State.IN_PROGRESS, State.DENIED)
    assert (event.actor_role, event.agency, event.note) == (
        Role.OFFICER,
        case.handler.agency,
        "Không đủ điều kiện",
    )


def test_deny_needs_the_reasons():
    case = case_in(State.IN_PROGRESS)
    assert_refused(
        ValidationError,
        lambda: services.deny(dossier=case.dossier, officer=case.handler.officer, reason=" "),
        case.dossier,
        match="Give the reasons",
    )


def test_deny_is_refused_before_processing_and_to_a_clerk():
    case = case_in(State.RECEIVED)
    assert_refused(
        ValidationError,
        lambda: services.deny(dossier=case.dossier, officer=case.desk.officer, reason="Không đủ"),
        case.dossier,
        match="cannot be denied now",
    )
    services.transfer(dossier=case.dossier, by=case.desk.clerk, to_agency=case.handler.agency)
    assert_refused(
        PermissionDenied,
        lambda: services.deny(dossier=case.dossier, officer=case.handler.clerk, reason="Không đủ"),
        case.dossier,
    )


# --- result ready, returned -----------------------------------------------------------------------------
def test_mark_result_ready_after_approval():
    case = case_in(State.APPROVED)
    dossier = services.mark_result_ready(dossier=case.dossier, by=case.handler.officer)
    assert dossier.state == State.RESULT_READY and dossier.result_ready_at is not None
    event = only_new_event(dossier, 4)
    assert (event.action, event.from_state, event.to_state) == (
        "result_ready",
        State.APPROVED,
        State.RESULT_READY,
    )
    assert (event.actor_role, event.agency) == (Role.OFFICER, case.handler.agency)


def test_mark_result_ready_is_refused_before_approval_and_to_outsiders():
    case = case_in(State.IN_PROGRESS)
    assert_refused(
        ValidationError,
        lambda: services.mark_result_ready(dossier=case.dossier, by=case.handler.officer),
        case.dossier,
        match="not approved yet",
    )
    services.approve(dossier=case.dossier, officer=case.handler.officer, result_file=pdf_upload())
    for person in (case.applicant, staff_member(AgencyFactory(), role="officer")):
        assert_refused(
            PermissionDenied,
            lambda p=person: services.mark_result_ready(dossier=case.dossier, by=p),
            case.dossier,
        )


def test_mark_returned_by_the_receiving_desk():
    case = case_in(State.RESULT_READY)
    dossier = services.mark_returned(dossier=case.dossier, by=case.desk.clerk, note="Trả tại quầy")
    assert dossier.state == State.RETURNED and dossier.returned_at is not None
    event = only_new_event(dossier, 5)
    assert (event.action, event.from_state, event.to_state) == ("return", State.RESULT_READY, State.RETURNED)
    assert (event.actor, event.actor_role, event.agency) == (case.desk.clerk, Role.CLERK, case.desk.agency)


def test_mark_returned_is_refused_before_the_result_is_ready_and_to_the_handling_officer():
    case = case_in(State.APPROVED)
    assert_refused(
        ValidationError,
        lambda: services.mark_returned(dossier=case.dossier, by=case.desk.clerk),
        case.dossier,
        match="not ready to be returned",
    )
    services.mark_result_ready(dossier=case.dossier, by=case.handler.officer)
    for person in (case.handler.officer, case.handler.clerk, case.desk.officer):
        assert_refused(
            PermissionDenied,
            lambda p=person: services.mark_returned(dossier=case.dossier, by=p),
            case.dossier,
        )


# --- stop -----------------------------------------------------------------------------------------------
def test_stop_processing_with_a_notice():
    case = case_in(State.IN_PROGRESS)
    dossier = services.stop(dossier=case.dossier, by=case.handler.officer, reason="Người nộp đề nghị dừng")
    assert dossier.state == State.STOPPED and dossier.closed_reason == "Người nộp đề nghị dừng"
    event = only_new_event(dossier, 3)
    assert (event.action, event.from_state, event.to_state) == ("stop", State.IN_PROGRESS, State.STOPPED)
    assert (event.actor_role, event.agency) == (Role.OFFICER, case.handler.agency)


def test_stop_when_the_requested_supplement_never_comes_closes_the_request():
    case = case_in(State.SUPPLEMENT_REQUESTED, processing_supplement=True)
    request = case.extra["request"]
    dossier = services.stop(dossier=case.dossier, by=case.handler.officer, reason="Quá hạn bổ sung")
    assert dossier.state == State.STOPPED
    request.refresh_from_db()
    assert request.status == SupplementRequest.Status.CLOSED
    event = only_new_event(dossier, 4)
    assert (event.from_state, event.to_state) == (State.SUPPLEMENT_REQUESTED, State.STOPPED)


def test_stop_needs_a_reason_and_a_dossier_being_processed():
    case = case_in(State.IN_PROGRESS)
    assert_refused(
        ValidationError,
        lambda: services.stop(dossier=case.dossier, by=case.handler.officer, reason=""),
        case.dossier,
        match="Give the reason for stopping",
    )
    assert_refused(
        PermissionDenied,
        lambda: services.stop(dossier=case.dossier, by=case.desk.clerk, reason="Dừng"),
        case.dossier,
    )
    approved = case_in(State.APPROVED)
    assert_refused(
        ValidationError,
        lambda: services.stop(dossier=approved.dossier, by=approved.handler.officer, reason="Dừng"),
        approved.dossier,
        match="cannot be stopped now",
    )


# --- withdraw -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "state", [State.SUBMITTED, State.SUPPLEMENT_REQUESTED, State.RECEIVED, State.IN_PROGRESS]
)
def test_the_applicant_withdraws_before_a_decision(state):
    case = case_in(state)
    events = case.dossier.events.count()
    dossier = services.withdraw(dossier=case.dossier, by=case.applicant, reason="Không còn nhu cầu")
    assert dossier.state == State.WITHDRAWN and dossier.closed_reason == "Không còn nhu cầu"
    assert not dossier.supplement_requests.filter(status=SupplementRequest.Status.OPEN).exists()
    event = only_new_event(dossier, events)
    assert (event.action, event.from_state, event.to_state) == ("withdraw", state, State.WITHDRAWN)
    assert (event.actor, event.actor_role) == (case.applicant, Role.CITIZEN)


@pytest.mark.parametrize("state", [State.DRAFT, State.APPROVED, State.DENIED, State.RETURNED, State.REFUSED])
def test_withdraw_is_refused_after_a_decision(state):
    case = case_in(state)
    assert_refused(
        ValidationError,
        lambda: services.withdraw(dossier=case.dossier, by=case.applicant),
        case.dossier,
        match="only before a decision",
    )


def test_only_the_applicant_withdraws():
    case = case_in(State.RECEIVED)
    for person in (CitizenProfileFactory().user, case.desk.clerk):
        assert_refused(
            PermissionDenied, lambda p=person: services.withdraw(dossier=case.dossier, by=p), case.dossier
        )


# --- apology --------------------------------------------------------------------------------------------
def test_apology_before_the_due_date_moves_the_appointment(monkeypatch):
    clock = Clock(monkeypatch, vn(2026, 3, 2, 9, 0))
    case = case_in(State.IN_PROGRESS)  # received Monday 2/3, due Monday 9/3
    clock.set(vn(2026, 3, 9, 8, 0))

    apology = services.issue_apology(
        dossier=case.dossier,
        by=case.handler.officer,
        new_due_date=datetime.date(2026, 3, 12),
        reason="Cần xác minh thêm",
        signed_by="Giám đốc Sở",
    )

    dossier = case.reload()
    assert (apology.original_due_date, apology.new_due_date) == (datetime.date(2026, 3, 9), dossier.due_date)
    assert dossier.due_date == datetime.date(2026, 3, 12) and dossier.state == State.IN_PROGRESS
    event = only_new_event(dossier, 3)
    assert (event.action, event.from_state, event.to_state) == (
        "apology",
        State.IN_PROGRESS,
        State.IN_PROGRESS,
    )
    assert (event.actor_role, event.agency) == (Role.OFFICER, case.handler.agency)
    assert event.data == {"original_due_date": "2026-03-09", "new_due_date": "2026-03-12"}


def test_apology_is_refused_once_the_due_date_has_passed_or_for_a_bad_new_date(monkeypatch):
    clock = Clock(monkeypatch, vn(2026, 3, 2, 9, 0))
    case = case_in(State.IN_PROGRESS)  # due Monday 9/3
    officer = case.handler.officer

    def apologise(new_due_date, reason="Chậm", signed_by="Giám đốc"):
        return lambda: services.issue_apology(
            dossier=case.dossier, by=officer, new_due_date=new_due_date, reason=reason, signed_by=signed_by
        )

    assert_refused(ValidationError, apologise(datetime.date(2026, 3, 9)), case.dossier, match="must be after")
    assert_refused(
        ValidationError, apologise(datetime.date(2026, 3, 14)), case.dossier, match="must be a working day"
    )
    assert_refused(
        ValidationError, apologise(datetime.date(2026, 3, 12), signed_by=""), case.dossier, match="who signs"
    )
    assert_refused(
        PermissionDenied,
        lambda: services.issue_apology(
            dossier=case.dossier,
            by=case.desk.clerk,
            new_due_date=datetime.date(2026, 3, 12),
            reason="Chậm",
            signed_by="Giám đốc",
        ),
        case.dossier,
    )
    clock.set(vn(2026, 3, 10, 8, 0))
    assert_refused(ValidationError, apologise(datetime.date(2026, 3, 12)), case.dossier, match="has passed")
    assert not Apology.objects.exists()


def test_apology_is_refused_after_a_decision():
    case = case_in(State.APPROVED)
    assert_refused(
        ValidationError,
        lambda: services.issue_apology(
            dossier=case.dossier,
            by=case.handler.officer,
            new_due_date=working_days.add_working_days(case.dossier.due_date, 3),
            reason="Chậm",
            signed_by="Giám đốc",
        ),
        case.dossier,
        match="only while the dossier is being processed",
    )


# --- timeliness on the control slip ---------------------------------------------------------------------
def _move_due_date(dossier, days: int):
    type(dossier).objects.filter(pk=dossier.pk).update(
        due_date=timezone.localdate() + datetime.timedelta(days)
    )


@pytest.mark.parametrize(
    ("days_to_due_date", "timeliness"),
    [(3, Timeliness.EARLY), (0, Timeliness.ON_TIME), (-1, Timeliness.LATE)],
)
def test_a_hand_off_is_early_on_time_or_late_against_the_appointment_date(days_to_due_date, timeliness):
    case = case_in(State.IN_PROGRESS)
    _move_due_date(case.dossier, days_to_due_date)
    dossier = services.approve(dossier=case.dossier, officer=case.handler.officer, result_file=pdf_upload())
    assert dossier.events.get(action="approve").timeliness == timeliness


def test_the_intake_answer_is_late_after_the_eight_working_hours():
    case = case_in(State.SUBMITTED)
    type(case.dossier).objects.filter(pk=case.dossier.pk).update(
        intake_deadline=timezone.now() - datetime.timedelta(hours=1)
    )
    dossier = services.receive(dossier=case.dossier, clerk=case.desk.clerk)
    assert dossier.events.get(action="receive").timeliness == Timeliness.LATE
