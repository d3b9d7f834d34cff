"""The daily staff digest: one per clerk and officer, due-soon and overdue dossiers of their agencies,
and the prompt to issue the apology slip while it still can be."""

import datetime

import pytest

from dossiers import working_days
from dossiers.models import State
from dossiers.reminders import send_due_reminders
from notifications.models import Notification
from tests.dossiers.factories_core import case_in, office

pytestmark = pytest.mark.django_db


def digests(**filters):
    return Notification.objects.filter(event="staff_reminder", channel="email", **filters)


def working_days_before(day: datetime.date, count: int) -> datetime.date:
    while count:
        day -= datetime.timedelta(days=1)
        count -= working_days.is_working_day(day)
    return day


def next_weekend_day(after: datetime.date) -> datetime.date:
    day = after
    while day.weekday() < 5:
        day += datetime.timedelta(days=1)
    return day


@pytest.fixture
def received():
    return case_in(State.RECEIVED)


def test_one_digest_per_member_of_staff_with_what_is_due_soon(received):
    due = received.dossier.due_date
    today = working_days_before(due, 1)
    bystander = office()  # another agency: nothing of theirs is due

    assert send_due_reminders(today=today) == 3  # the desk's clerk, officer and supervisor
    desk = received.desk
    assert set(digests().values_list("recipient_id", flat=True)) == {
        desk.clerk.pk,
        desk.officer.pk,
        desk.supervisor.pk,
    }
    assert not digests(recipient=bystander.clerk).exists()
    row = digests(recipient=desk.clerk).get()
    assert row.context["due_soon_count"] == 1 and row.context["overdue_count"] == 0
    assert received.dossier.code in row.body and due.strftime("%d/%m/%Y") in row.body
    assert "Phiếu xin lỗi và hẹn lại ngày trả kết quả" in row.body
    assert f"/staff/dossiers/{received.dossier.pk}/" in row.body
    portal = Notification.objects.get(event="staff_reminder", channel="portal", recipient=desk.clerk)
    assert portal.link == "/staff/"


def test_overdue_dossiers_are_listed_apart_and_a_second_run_the_same_day_sends_nothing(received):
    today = working_days.add_working_days(received.dossier.due_date, 1)
    send_due_reminders(today=today)
    row = digests(recipient=received.desk.clerk).get()
    assert row.context["overdue_count"] == 1 and row.context["due_soon"] == []
    assert send_due_reminders(today=today) == 3
    assert digests().count() == 3


def test_nothing_when_nothing_is_due_and_nothing_on_days_off(received):
    far_before = working_days_before(received.dossier.due_date, 4)
    assert send_due_reminders(today=far_before) == 0
    assert send_due_reminders(today=next_weekend_day(received.dossier.due_date)) == 0
    assert not digests().exists()


def test_the_deciding_agency_is_reminded_once_the_dossier_is_transferred():
    case = case_in(State.IN_PROGRESS)
    send_due_reminders(today=working_days_before(case.dossier.due_date, 1))
    assert digests(recipient=case.handler.officer).exists()


def test_a_beat_run_goes_through_the_task(received, monkeypatch):
    from django.utils import timezone

    from dossiers.tasks import send_due_reminders as task

    today = working_days_before(received.dossier.due_date, 1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: today)
    task.delay()
    assert digests().count() == 3
