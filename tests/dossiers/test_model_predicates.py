"""What the templates ask the models instead of comparing state and status strings, and the applicant's
one-sentence state of a dossier (dossiers.selectors.state_sentence), in English and in Vietnamese."""

from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from dossiers.models import Dossier, State, SupplementRequest
from dossiers.selectors import STATE_SENTENCES, state_sentence
from notifications.models import Notification
from notifications.models import Status as NotificationStatus
from payments.models import AttemptState, PaymentAttempt, Refund, RefundStatus
from postal.models import DeliveryOrder, OrderStatus
from procedures.models import ProcedureVersion, VersionStatus
from tests.dossiers.factories_core import case_in
from tests.dossiers.factories_extra import sign_in
from tests.payments.support import filed as filed_owing_fees_at_filing

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(moment) -> str:
    return moment.astimezone(VN).strftime("%H:%M %d/%m/%Y")


def _on(day) -> str:
    return day.strftime("%d/%m/%Y")


# --- one status each: the predicate is true for its own value only ---------------------------------------
def _exactly(values, expected, make, predicate):
    return {value: predicate(make(value)) for value in values} == {
        value: value == expected for value in values
    }


@pytest.mark.parametrize(
    ("predicate", "status"),
    [("is_published", VersionStatus.PUBLISHED), ("is_archived", VersionStatus.ARCHIVED)],
)
def test_procedure_version_status_predicates(predicate, status):
    def make(value):
        return ProcedureVersion(status=value)

    assert _exactly(VersionStatus, status, make, lambda version: getattr(version, predicate))


def test_a_supplement_request_is_a_proposal_only_while_waiting_for_approval():
    def make(value):
        return SupplementRequest(status=value)

    assert _exactly(
        SupplementRequest.Status, SupplementRequest.Status.PROPOSED, make, lambda r: r.is_proposal
    )


def test_a_notification_failed_only_in_the_failed_status():
    def make(value):
        return Notification(status=value)

    assert _exactly(NotificationStatus, NotificationStatus.FAILED, make, lambda n: n.failed)


@pytest.mark.parametrize(
    ("predicate", "status"), [("succeeded", RefundStatus.SUCCEEDED), ("failed", RefundStatus.FAILED)]
)
def test_refund_status_predicates(predicate, status):
    def make(value):
        return Refund(status=value)

    assert _exactly(RefundStatus, status, make, lambda refund: getattr(refund, predicate))


@pytest.mark.parametrize(
    ("predicate", "state"), [("is_pending", AttemptState.PENDING), ("is_failed", AttemptState.FAILED)]
)
def test_payment_attempt_state_predicates(predicate, state):
    def make(value):
        return PaymentAttempt(state=value)

    assert _exactly(AttemptState, state, make, lambda attempt: getattr(attempt, predicate))


@pytest.mark.parametrize(
    ("predicate", "status"),
    [
        ("is_held", OrderStatus.HELD),
        ("is_pending", OrderStatus.PENDING),
        ("is_delivered", OrderStatus.DELIVERED),
        ("is_returned_to_sender", OrderStatus.RETURNED),
        ("is_rejected", OrderStatus.REJECTED),
        ("is_cancelled", OrderStatus.CANCELLED),
    ],
)
def test_delivery_order_status_predicates(predicate, status):
    def make(value):
        return DeliveryOrder(status=value)

    assert _exactly(OrderStatus, status, make, lambda order: getattr(order, predicate))


# --- the dossier, walked to each state through the services -----------------------------------------------
# state: (is_draft, awaits_intake_answer, needs_supplement, has_result_appointment, decided by an agency)
DOSSIER_FACTS = {
    State.DRAFT: (True, False, False, False, False),
    State.SUBMITTED: (False, True, False, False, False),
    State.SUPPLEMENT_REQUESTED: (False, False, True, False, False),
    State.REFUSED: (False, False, False, False, True),
    State.RECEIVED: (False, False, False, True, False),
    State.IN_PROGRESS: (False, False, False, True, False),
    State.APPROVED: (False, False, False, True, True),
    State.DENIED: (False, False, False, False, True),
    State.RESULT_READY: (False, False, False, True, True),
    State.RETURNED: (False, False, False, False, True),
    State.STOPPED: (False, False, False, False, True),
    State.WITHDRAWN: (False, False, False, False, False),
}


def _facts(dossier: Dossier) -> tuple[bool, ...]:
    return (
        dossier.is_draft,
        dossier.awaits_intake_answer,
        dossier.needs_supplement,
        dossier.has_result_appointment,
        dossier.agency_decided_at is not None,
    )


def test_every_state_has_its_facts_and_its_sentence():
    assert set(DOSSIER_FACTS) == set(State) == set(STATE_SENTENCES) == set(EXPECTED_SENTENCES)


@pytest.mark.parametrize("state", list(State))
def test_dossier_predicates_in_each_state(state):
    dossier = case_in(state).dossier
    assert dossier.state == state
    assert _facts(dossier) == DOSSIER_FACTS[state]
    if dossier.agency_decided_at is not None:
        assert dossier.agency_decided_at == dossier.decided_at


def test_filed_but_owing_fees_at_filing_awaits_no_answer_yet():
    dossier = filed_owing_fees_at_filing()
    assert dossier.state == State.SUBMITTED and dossier.intake_deadline is None
    assert not dossier.awaits_intake_answer


def test_a_supplement_asked_during_processing_suspends_the_appointment():
    dossier = case_in(State.SUPPLEMENT_REQUESTED, processing_supplement=True).dossier
    assert dossier.due_date is not None  # the appointment was given at receipt
    assert dossier.needs_supplement and not dossier.has_result_appointment


def test_a_withdrawal_is_no_decision_in_the_register():
    dossier = case_in(State.WITHDRAWN).dossier
    assert dossier.decided_at is not None  # the withdrawal's time
    assert dossier.agency_decided_at is None


# --- the applicant's sentence -------------------------------------------------------------------------------
# The sentence for each state, as the old template wrote it (a dossier's dates and agency filled in).
EXPECTED_SENTENCES = {
    State.DRAFT: lambda d: "Not filed yet. Your answers are saved: continue when you are ready.",
    State.SUBMITTED: lambda d: f"Filed. The one-stop shop checks it and answers by {_at(d.intake_deadline)}.",
    State.SUPPLEMENT_REQUESTED: lambda d: (
        "The agency needs more from you before it can continue: see below what to add."
    ),
    State.RECEIVED: lambda d: f"Received by the one-stop shop. The result is due on {_on(d.due_date)}.",
    State.IN_PROGRESS: lambda d: (
        f"Being processed by {d.handling_agency.name}. The result is due on {_on(d.due_date)}."
    ),
    State.APPROVED: lambda d: "Approved. The result is being prepared for you.",
    State.RESULT_READY: lambda d: "The result is ready.",
    State.RETURNED: lambda d: "The result was returned to you.",
    State.DENIED: lambda d: "Denied. The agency's reasons are below.",
    State.REFUSED: lambda d: "The one-stop shop refused the dossier. The reason is below.",
    State.STOPPED: lambda d: "Processing was stopped. The reason is below.",
    State.WITHDRAWN: lambda d: "You withdrew this dossier.",
}


@pytest.mark.parametrize("state", list(State))
def test_the_sentence_of_each_state(state):
    dossier = case_in(state).dossier
    assert state_sentence(dossier) == EXPECTED_SENTENCES[state](dossier)


def test_the_sentence_of_a_dossier_filed_before_its_fees_are_paid():
    dossier = filed_owing_fees_at_filing()
    assert state_sentence(dossier) == (
        "Filed. Pay the fees online: the one-stop shop checks the dossier once they are paid, within 8 "
        "working hours."
    )


def test_the_sentence_reads_in_vietnamese_with_its_date_filled_in():
    dossier = case_in(State.RECEIVED).dossier
    with translation.override("vi"):
        sentence = state_sentence(dossier)
    assert sentence == f"Bộ phận Một cửa đã tiếp nhận. Ngày hẹn trả kết quả: {_on(dossier.due_date)}."


def test_the_citizen_page_prints_the_sentence_in_vietnamese(client):
    case = case_in(State.IN_PROGRESS)
    dossier = case.dossier
    sign_in(client, case.applicant, language="vi")
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    agency = dossier.handling_agency.name
    assert f"{agency} đang giải quyết. Ngày hẹn trả kết quả: {_on(dossier.due_date)}." in page
    assert "Being processed by" not in page
