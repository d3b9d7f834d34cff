"""Answer dates in working days (holidays excluded), due/overdue, and the two scorecard figures."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from common import clock
from feedback import selectors, services
from feedback.models import SatisfactionRating

from .conftest import returned_dossier, send

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=HCM)


def test_answer_date_skips_weekends_and_the_april_holidays(sender, agency_x):
    # Friday 24/4/2026; Hùng Kings' day observed Mon 27/4, then 30/4 and 1/5: ten working days end Wed 13/5.
    with clock.running_at(at("2026-04-24")):
        item = send(sender, agency_x)
    assert item.due_date == datetime.date(2026, 5, 13)


def test_answer_date_follows_the_setting(sender, agency_x, settings):
    settings.FEEDBACK_ANSWER_WORKING_DAYS = 3
    with clock.running_at(at("2026-04-24")):
        item = send(sender, agency_x)
    assert item.due_date == datetime.date(2026, 5, 4)  # 28, 29 April and 4 May


def test_deadline_says_working_days_left_then_overdue(sender, agency_x):
    with clock.running_at(at("2026-04-24")):
        item = send(sender, agency_x)
    assert selectors.deadline(item, datetime.date(2026, 5, 11)) == {"overdue": False, "days": 2}
    assert selectors.deadline(item, datetime.date(2026, 5, 13)) == {"overdue": False, "days": 0}
    # Thursday 14/5 and Friday 15/5 past the date, the weekend not counted: 3 working days on Monday 18/5.
    assert selectors.deadline(item, datetime.date(2026, 5, 18)) == {"overdue": True, "days": 3}


def test_feedback_handling_counts_answers_on_or_before_the_date(sender, agency_x, agency_y, officer_x):
    with clock.running_at(at("2026-04-24")):
        on_time, late, unanswered = (send(sender, agency_x) for _ in range(3))
        withdrawn = send(sender, agency_x)
        send(sender, agency_y)
    with clock.running_at(at("2026-05-13", 16)):
        services.answer_feedback(feedback=on_time, by=officer_x, answer="Đúng hạn")
    with clock.running_at(at("2026-05-14")):
        services.answer_feedback(feedback=late, by=officer_x, answer="Trễ")
    services.withdraw_feedback(feedback=withdrawn, user=sender)
    figures = selectors.feedback_handling(agency_x, datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))
    assert figures == {"received": 3, "answered_on_time": 1, "ratio": 1 / 3}
    assert (
        selectors.feedback_handling(None, datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))["received"]
        == 4
    )
    assert selectors.feedback_handling(agency_x, datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)) == {
        "received": 0,
        "answered_on_time": 0,
        "ratio": None,
    }
    del unanswered


def test_satisfaction_summary_averages_and_share_of_satisfied():
    dossiers = [returned_dossier() for _ in range(3)]
    agency = dossiers[0].handling_agency or dossiers[0].receiving_agency
    scores = [(5, 5, 5), (4, 4, 3), (2, 3, 1)]
    for dossier, (a, t, c) in zip(dossiers, scores, strict=True):
        SatisfactionRating.objects.create(
            dossier=dossier, agency=agency, attitude=a, timeliness=t, clarity=c, via="portal"
        )
    today = clock.localdate()
    summary = selectors.satisfaction_summary(agency, today, today)
    assert summary["count"] == 3
    assert summary["attitude"] == round(11 / 3, 2) and summary["clarity"] == 3.0
    assert summary["satisfied"] == 1 and summary["satisfied_share"] == pytest.approx(1 / 3)
    assert (
        selectors.satisfaction_summary(
            agency, today - datetime.timedelta(days=9), today - datetime.timedelta(days=1)
        )
        is None
    )


def test_the_daily_figures_of_every_agency_are_each_agencys_figures_that_day(
    sender, agency_x, agency_y, officer_x
):
    with clock.running_at(at("2026-04-24")):
        on_time, late = send(sender, agency_x), send(sender, agency_x)
        send(sender, agency_y)
    with clock.running_at(at("2026-04-27")):
        send(sender, agency_x)
        withdrawn = send(sender, agency_y)
    with clock.running_at(at("2026-05-13", 16)):
        services.answer_feedback(feedback=on_time, by=officer_x, answer="Đúng hạn")
    with clock.running_at(at("2026-05-14")):
        services.answer_feedback(feedback=late, by=officer_x, answer="Trễ")
    services.withdraw_feedback(feedback=withdrawn, user=sender)
    start, end = datetime.date(2026, 4, 20), datetime.date(2026, 4, 30)
    daily = selectors.feedback_handling_by_day(start, end)
    assert daily == {
        (agency_x.pk, datetime.date(2026, 4, 24)): {"received": 2, "answered_on_time": 1},
        (agency_y.pk, datetime.date(2026, 4, 24)): {"received": 1, "answered_on_time": 0},
        (agency_x.pk, datetime.date(2026, 4, 27)): {"received": 1, "answered_on_time": 0},
    }
    for (agency_id, day), figures in daily.items():
        agency = agency_x if agency_id == agency_x.pk else agency_y
        one = selectors.feedback_handling(agency, day, day)
        assert figures == {"received": one["received"], "answered_on_time": one["answered_on_time"]}


def test_the_daily_satisfaction_of_every_agency_counts_ratings_by_the_day_given():
    dossiers = [returned_dossier() for _ in range(4)]
    agency = dossiers[0].handling_agency or dossiers[0].receiving_agency
    other = dossiers[3].handling_agency or dossiers[3].receiving_agency
    given = [
        (dossiers[0], agency, (5, 5, 5), at("2026-03-02", 8)),
        (dossiers[1], agency, (2, 3, 1), at("2026-03-02", 23)),
        (dossiers[2], agency, (4, 4, 4), at("2026-03-03", 0)),
        (dossiers[3], other, (4, 4, 3), at("2026-03-03", 10)),
    ]
    for dossier, rated, (a, t, c), moment in given:
        SatisfactionRating.objects.create(
            dossier=dossier, agency=rated, attitude=a, timeliness=t, clarity=c, via="portal", rated_at=moment
        )
    daily = selectors.satisfaction_by_day(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    expected = {
        (agency.pk, datetime.date(2026, 3, 2)): {"count": 2, "satisfied": 1},
        (agency.pk, datetime.date(2026, 3, 3)): {"count": 1, "satisfied": 1},
        (other.pk, datetime.date(2026, 3, 3)): {"count": 1, "satisfied": 0},
    }
    if other == agency:  # the factories gave both dossiers the same agency
        expected = {
            (agency.pk, datetime.date(2026, 3, 2)): {"count": 2, "satisfied": 1},
            (agency.pk, datetime.date(2026, 3, 3)): {"count": 2, "satisfied": 1},
        }
    assert daily == expected
    for (agency_id, day), figures in daily.items():
        summary = selectors.satisfaction_summary(agency if agency_id == agency.pk else other, day, day)
        assert figures == {"count": summary["count"], "satisfied": summary["satisfied"]}
