"""Every status change of a dossier tells the applicant, on three channels, in the same transaction."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from dossiers import services, working_days
from dossiers.models import Dossier, ReturnChannel, State
from notifications.models import Notification, Status
from tests.dossiers.factories_core import case_in, office
from tests.factories import ProcedureVersionFactory

pytestmark = pytest.mark.django_db


def events_of(dossier) -> list[str]:
    rows = Notification.objects.filter(dossier_id=dossier.pk, channel="portal").order_by("pk")
    return [row.event for row in rows]


@pytest.mark.parametrize(
    ("state", "last_event"),
    [
        (State.SUBMITTED, "dossier_submitted"),
        (State.SUPPLEMENT_REQUESTED, "supplement_requested"),
        (State.REFUSED, "dossier_refused"),
        (State.WITHDRAWN, "dossier_withdrawn"),
        (State.RECEIVED, "dossier_received"),
        (State.DENIED, "dossier_denied"),
        (State.STOPPED, "dossier_stopped"),
        (State.APPROVED, "dossier_approved"),
        (State.RESULT_READY, "result_ready"),
        (State.RETURNED, "dossier_returned"),
    ],
)
def test_each_status_change_notifies_the_applicant_on_three_channels(state, last_event):
    case = case_in(state)
    assert events_of(case.dossier)[-1] == last_event
    rows = Notification.objects.filter(dossier_id=case.dossier.pk, event=last_event)
    assert {(r.channel, r.recipient_id) for r in rows} == {
        (channel, case.applicant.pk) for channel in ("portal", "email", "sms")
    }
    assert all(
        r.dossier_code == case.dossier.code and r.link == f"/dossiers/{case.dossier.pk}/" for r in rows
    )


def test_the_whole_journey_in_order_and_hand_offs_tell_nothing():
    case = case_in(State.RETURNED)
    assert events_of(case.dossier) == [
        "dossier_submitted",
        "dossier_received",  # the transfer to the deciding agency is an internal hand-off
        "dossier_approved",
        "result_ready",
        "dossier_returned",
    ]


def test_the_received_notice_gives_the_due_date_and_the_supplement_notice_what_to_add():
    received = case_in(State.RECEIVED)
    row = Notification.objects.get(dossier_id=received.dossier.pk, event="dossier_received", channel="email")
    assert row.context["due_date"] == received.dossier.due_date.isoformat()
    assert received.dossier.due_date.strftime("%d/%m/%Y") in row.body

    asked = case_in(State.SUPPLEMENT_REQUESTED)
    row = Notification.objects.get(dossier_id=asked.dossier.pk, event="supplement_requested", channel="email")
    document = asked.dossier.procedure_version.documents.first()
    assert row.context["documents"] == [document.name] and row.context["reason"] == "Bản chụp bị mờ"
    assert document.name in row.body and "Bản chụp bị mờ" in row.body


def test_refusal_and_apology_carry_the_reason_and_the_new_date():
    refused = case_in(State.REFUSED)
    row = Notification.objects.get(dossier_id=refused.dossier.pk, event="dossier_refused", channel="portal")
    assert "Không thuộc thẩm quyền" in row.body

    case = case_in(State.IN_PROGRESS)
    new_date = working_days.add_working_days(case.dossier.due_date, 5)
    services.issue_apology(
        dossier=case.dossier,
        by=case.handler.officer,
        new_due_date=new_date,
        reason="Chờ xác minh",
        signed_by="X",
    )
    row = Notification.objects.get(dossier_id=case.dossier.pk, event="apology_issued", channel="email")
    assert row.context["new_due_date"] == new_date.isoformat()
    assert new_date.strftime("%d/%m/%Y") in row.body and "Chờ xác minh" in row.body


def test_a_refused_transition_writes_no_notification():
    case = case_in(State.SUBMITTED)
    before = Notification.objects.count()
    with pytest.raises(Exception):  # noqa: B017 — any refusal will do
        services.mark_returned(dossier=case.dossier, by=case.desk.clerk)
    assert Notification.objects.count() == before


def test_a_desk_dossier_without_an_account_notifies_the_clerk_who_filed_it():
    desk = office()
    version = ProcedureVersionFactory(published=True, agencies=[desk.agency])
    dossier = services.register_at_desk(
        version=version,
        clerk=desk.clerk,
        receiving_agency=desk.agency,
        channel="desk",
        details={"applicant_name": "Lê Văn C", "applicant_phone": "0987654321"},
    )
    rows = Notification.objects.filter(dossier_id=dossier.pk)
    assert {(r.recipient_id, r.channel) for r in rows} == {
        (desk.clerk.pk, "portal"),
        (desk.clerk.pk, "email"),
    }
    assert rows.first().link == f"/staff/dossiers/{dossier.pk}/"


def test_emails_leave_only_after_the_transition_commits(django_capture_on_commit_callbacks):
    case = case_in(State.SUBMITTED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.receive(dossier=case.dossier, clerk=case.desk.clerk)
        assert mail.outbox == []
        assert Notification.objects.filter(event="dossier_received", status=Status.CREATED).count() == 2
    assert [m.to for m in mail.outbox] == [[case.applicant.email]]
    assert Notification.objects.filter(event="dossier_received", status=Status.SENT).count() == 2


def test_a_result_delivered_by_post_is_told_once_by_the_postal_notice():
    case = case_in(State.RESULT_READY)
    Dossier.objects.filter(pk=case.dossier.pk).update(return_channel=ReturnChannel.POST)
    services.mark_returned_by_post(
        dossier=case.reload(),
        proof={"tracking_number": "EB1VN", "signed_by": "Nguyễn Văn A"},
        at=timezone.now(),
    )
    assert case.reload().state == State.RETURNED
    assert "dossier_returned" not in events_of(case.dossier)
