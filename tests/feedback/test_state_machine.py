"""Feedback's state machine: received → assigned → answered → published | closed; withdrawn before."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from feedback import services
from feedback.models import Feedback, FeedbackEvent, FeedbackState, ModerationState
from notifications.models import Notification
from tests.factories import AgencyFactory, staff_member

from .conftest import send

pytestmark = pytest.mark.django_db


def test_sent_feedback_is_received_with_an_audit_row_and_a_notice_to_the_sender(sender, agency_x):
    item = send(sender, agency_x)
    assert item.state == FeedbackState.RECEIVED and item.agency == agency_x
    assert item.sender_name == "Nguyễn Thị Lan"
    assert list(item.events.values_list("action", "to_state")) == [("send", "received")]
    notices = Notification.objects.filter(recipient=sender, event="feedback_received")
    assert {n.channel for n in notices} == {"portal", "email", "sms"}
    assert item.reference in notices.get(channel="portal").subject


def test_the_full_path_to_publication(sender, agency_x, officer_x):
    colleague = staff_member(agency_x, role="officer")
    item = send(
        sender, agency_x, content="Gọi tôi số 0912 345 678, email lan@example.vn. Tôi là Nguyễn Thị Lan."
    )
    item = services.assign_feedback(feedback=item, by=officer_x, assignee=colleague)
    assert item.state == FeedbackState.ASSIGNED and item.assignee == colleague
    assert Notification.objects.filter(recipient=colleague, event="feedback_assigned").exists()
    item = services.answer_feedback(feedback=item, by=colleague, answer="Hồ sơ của bà đã được giải quyết.")
    assert item.state == FeedbackState.ANSWERED and item.answered_by == colleague
    assert Notification.objects.filter(recipient=sender, event="feedback_answered").exists()
    draft = services.publication_draft(item)
    assert "0912" not in draft["content"] and "lan@example.vn" not in draft["content"]
    assert "Nguyễn Thị Lan" not in draft["content"]
    item = services.publish_feedback(feedback=item, by=officer_x, **draft)
    assert item.state == FeedbackState.PUBLISHED and item.published_at
    assert list(item.events.values_list("action", flat=True)) == ["send", "assign", "answer", "publish"]


def test_answering_an_unassigned_item_takes_it(sender, agency_x, officer_x):
    item = services.answer_feedback(feedback=send(sender, agency_x), by=officer_x, answer="Đã xử lý.")
    assert item.state == FeedbackState.ANSWERED and item.assignee == officer_x


def test_answered_feedback_can_be_closed_instead_of_published(sender, agency_x, officer_x):
    item = services.answer_feedback(feedback=send(sender, agency_x), by=officer_x, answer="Đã xử lý.")
    item = services.close_feedback(feedback=item, by=officer_x, reason="Việc riêng")
    assert item.state == FeedbackState.CLOSED and item.closed_reason == "Việc riêng"


@pytest.mark.parametrize(
    "steps, action",
    [
        ([], "publish"),
        ([], "close"),
        (["answer"], "answer"),
        (["answer", "close"], "publish"),
        (["answer", "publish"], "close"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(sender, agency_x, officer_x, steps, action):
    item = send(sender, agency_x)
    for step in steps:
        if step == "answer":
            item = services.answer_feedback(feedback=item, by=officer_x, answer="Trả lời")
        elif step == "close":
            item = services.close_feedback(feedback=item, by=officer_x)
        else:
            item = services.publish_feedback(feedback=item, by=officer_x, **services.publication_draft(item))
    before = Feedback.objects.get(pk=item.pk).state
    with pytest.raises(ValidationError):
        if action == "publish":
            services.publish_feedback(feedback=item, by=officer_x, title="a", content="b", answer="c")
        elif action == "close":
            services.close_feedback(feedback=item, by=officer_x)
        else:
            services.answer_feedback(feedback=item, by=officer_x, answer="Lần hai")
    assert Feedback.objects.get(pk=item.pk).state == before
    assert FeedbackEvent.objects.filter(feedback=item).count() == 1 + len(steps)


def test_the_state_column_is_protected():
    item = Feedback(state=FeedbackState.RECEIVED)
    with pytest.raises(AttributeError):
        item.state = FeedbackState.PUBLISHED
    with pytest.raises(TransitionNotAllowed):
        item.publish()


def test_the_sender_withdraws_before_the_answer_only(sender, agency_x, officer_x):
    item = services.withdraw_feedback(feedback=send(sender, agency_x), user=sender)
    assert item.state == FeedbackState.WITHDRAWN and item.withdrawn_at
    answered = services.answer_feedback(feedback=send(sender, agency_x), by=officer_x, answer="Đã xử lý.")
    with pytest.raises(ValidationError, match="no longer be withdrawn"):
        services.withdraw_feedback(feedback=answered, user=sender)


def test_someone_else_cannot_withdraw(sender, agency_x):
    from tests.dossiers.factories_extra import citizen

    with pytest.raises(PermissionDenied):
        services.withdraw_feedback(feedback=send(sender, agency_x), user=citizen())


def test_staff_of_another_agency_cannot_act(sender, agency_x, agency_y):
    other = staff_member(agency_y, role="officer")
    item = send(sender, agency_x)
    with pytest.raises(PermissionDenied):
        services.answer_feedback(feedback=item, by=other, answer="Không phải việc của tôi")
    with pytest.raises(PermissionDenied):
        services.assign_feedback(feedback=item, by=other, assignee=other)
    assert Feedback.objects.get(pk=item.pk).state == FeedbackState.RECEIVED


def test_assignee_must_work_for_the_agency(sender, agency_x, agency_y, officer_x):
    with pytest.raises(ValidationError, match="works for this agency"):
        services.assign_feedback(
            feedback=send(sender, agency_x), by=officer_x, assignee=staff_member(agency_y)
        )


def test_publication_needs_the_senders_consent(sender, agency_x, officer_x):
    item = send(sender, agency_x, consent_to_publish=False)
    item = services.answer_feedback(feedback=item, by=officer_x, answer="Đã xử lý.")
    with pytest.raises(ValidationError, match="did not agree"):
        services.publish_feedback(feedback=item, by=officer_x, title="a", content="b", answer="c")
    assert Feedback.objects.get(pk=item.pk).state == FeedbackState.ANSWERED


def test_feedback_about_a_dossier_goes_to_the_agency_handling_it(sender):
    from tests.factories import filed_dossier

    dossier = filed_dossier(applicant=sender)
    item = send(sender, None, subject=services.Subject(dossier=dossier))
    assert item.subject_kind == "dossier" and item.agency == dossier.receiving_agency


@pytest.mark.parametrize("taken_over", [True, False])
def test_feedback_about_a_dossier_of_an_abolished_agency_goes_to_the_one_answering_for_it(sender, taken_over):
    """The districts were abolished on 1 July 2025: their dossiers' feedback goes to the agency that took
    over their work, or without one named, to the agency above them; never to an office no one staffs."""
    from dossiers.models import Dossier
    from tests.factories import filed_dossier

    dossier = filed_dossier(applicant=sender)
    province = AgencyFactory(name="UBND tỉnh", kind="province")
    ward = AgencyFactory(name="UBND phường Hoa Lư", kind="commune", parent=province)
    district = AgencyFactory(
        name="UBND thành phố Hoa Lư (trước 01/7/2025)",
        kind="district",
        parent=province,
        is_legacy=True,
        successor=ward if taken_over else None,
    )
    Dossier.objects.filter(pk=dossier.pk).update(receiving_agency=district, handling_agency=district)
    dossier.refresh_from_db()

    item = send(sender, None, subject=services.Subject(dossier=dossier))

    assert item.agency == (ward if taken_over else province)


def test_feedback_about_someone_elses_dossier_is_refused(sender, agency_x):
    from tests.factories import filed_dossier

    with pytest.raises(ValidationError, match="your own dossiers"):
        send(sender, agency_x, subject=services.Subject(dossier=filed_dossier()))
    assert not Feedback.objects.exists()


def test_offensive_words_hold_the_item_for_moderation_but_it_is_received(sender, agency_x, officer_x):
    item = send(sender, agency_x, content="Cán bộ ở đây toàn ĐỒ NGU, làm việc như khốn nạn")
    assert item.state == FeedbackState.RECEIVED and item.moderation == ModerationState.HELD
    item = services.answer_feedback(feedback=item, by=officer_x, answer="Chúng tôi đã chấn chỉnh.")
    with pytest.raises(ValidationError, match="held for offensive words"):
        services.publish_feedback(feedback=item, by=officer_x, **services.publication_draft(item))
    with pytest.raises(ValidationError, match="still contain offensive words"):
        services.publish_feedback(
            feedback=item, by=officer_x, moderation_checked=True, **services.publication_draft(item)
        )
    item = services.publish_feedback(
        feedback=item,
        by=officer_x,
        moderation_checked=True,
        title="Thái độ cán bộ",
        content="Người gửi phàn nàn về thái độ cán bộ.",
        answer="Chúng tôi đã chấn chỉnh.",
    )
    assert item.state == FeedbackState.PUBLISHED and item.moderation == ModerationState.CLEARED


def test_published_without_consent_is_refused_by_the_database(sender, agency_x):
    from django.db import IntegrityError, transaction

    item = send(sender, agency_x, consent_to_publish=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.filter(pk=item.pk).update(state=FeedbackState.PUBLISHED)
