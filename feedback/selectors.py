"""Read queries of feedback and satisfaction: the public list, the agency's queue, and the two figures the
Decision 766 scorecard reads (feedback handled on time, satisfaction)."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from common import clock
from dossiers.working_days import working_days_between

from .models import OPEN_STATES, Feedback, FeedbackState, ModerationState, SatisfactionRating


def _ratings(begin: datetime.datetime, finish: datetime.datetime):
    return SatisfactionRating.objects.filter(rated_at__gte=begin, rated_at__lt=finish).annotate(
        total=F("attitude") + F("timeliness") + F("clarity")
    )


def _satisfied():
    return Count("pk", filter=Q(total__gte=SATISFIED_TOTAL))


def satisfaction_summary(agency, start: datetime.date, end: datetime.date) -> dict | None:
    """Satisfaction ratings given in [start, end] for `agency` (None: every agency): the count, the average
    of each question and overall (1–5), and how many and what share of ratings averaged 4 or more
    ("satisfied"). None when there is no rating."""
    ratings = _ratings(*clock.day_bounds(start, end))
    if agency is not None:
        ratings = ratings.filter(agency=agency)
    figures = ratings.aggregate(
        count=Count("pk"),
        attitude=Avg("attitude"),
        timeliness=Avg("timeliness"),
        clarity=Avg("clarity"),
        satisfied=_satisfied(),
    )
    if not figures["count"]:
        return None
    result = {
        "count": figures["count"],
        "attitude": round(float(figures["attitude"]), 2),
        "timeliness": round(float(figures["timeliness"]), 2),
        "clarity": round(float(figures["clarity"]), 2),
        "satisfied": figures["satisfied"],
        "satisfied_share": figures["satisfied"] / figures["count"],
    }
    result["overall"] = round((result["attitude"] + result["timeliness"] + result["clarity"]) / 3, 2)
    return result


def satisfaction_by_day(start: datetime.date, end: datetime.date) -> dict[tuple[int, datetime.date], dict]:
    """The scorecard's daily figures: for each (agency id, day) of [start, end] with a rating, how many
    ratings were given and how many were "satisfied". One grouped query for every agency."""
    rows = (
        _ratings(*clock.day_bounds(start, end))
        .annotate(day=TruncDate("rated_at"))
        .values("agency_id", "day")
        .annotate(count=Count("pk"), satisfied=_satisfied())
    )
    return {
        (row["agency_id"], row["day"]): {"count": row["count"], "satisfied": row["satisfied"]} for row in rows
    }


# A rating is "satisfied" when its three scores average 4 or more.
SATISFIED_TOTAL = 12


def rating_comments(agency, start: datetime.date, end: datetime.date) -> list[str] | None:
    """The comments of the agency's ratings in the period, for its staff: without dates, dossiers or names
    and with personal data removed, in no meaningful order; None while fewer than
    SATISFACTION_MIN_RATINGS_SHOWN ratings were given (a lone comment could point at its author)."""
    from .moderation import remove_personal_data

    begin, finish = clock.day_bounds(start, end)
    ratings = SatisfactionRating.objects.filter(agency=agency, rated_at__gte=begin, rated_at__lt=finish)
    if ratings.count() < settings.SATISFACTION_MIN_RATINGS_SHOWN:
        return None
    comments = ratings.exclude(comment="").order_by("comment").values_list("comment", flat=True)
    return [remove_personal_data(text) for text in comments]


def _counted_feedback(start: datetime.date, end: datetime.date):
    """Feedback received in [start, end]. Withdrawn items are not counted: the sender took them back before
    an answer was due."""
    begin, finish = clock.day_bounds(start, end)
    return Feedback.objects.filter(received_at__gte=begin, received_at__lt=finish).exclude(
        state=FeedbackState.WITHDRAWN
    )


def _answered_on_time(answered_at: datetime.datetime | None, due: datetime.date) -> bool:
    return answered_at is not None and timezone.localdate(answered_at) <= due


def feedback_handling(agency, start: datetime.date, end: datetime.date) -> dict:
    """Feedback received in [start, end] for `agency` (None: every agency), how many of them were answered
    on or before their answer date, and the ratio (None when none was received)."""
    items = _counted_feedback(start, end)
    if agency is not None:
        items = items.filter(agency=agency)
    received = items.count()
    on_time = sum(
        _answered_on_time(answered_at, due)
        for answered_at, due in items.filter(answered_at__isnull=False).values_list("answered_at", "due_date")
    )
    return {
        "received": received,
        "answered_on_time": on_time,
        "ratio": on_time / received if received else None,
    }


def feedback_handling_by_day(
    start: datetime.date, end: datetime.date
) -> dict[tuple[int, datetime.date], dict[str, int]]:
    """The scorecard's daily figures: for each (agency id, day received) of [start, end] with feedback, how
    many were received and how many of them answered on time. One query for every agency."""
    figures: dict[tuple[int, datetime.date], dict[str, int]] = defaultdict(
        lambda: {"received": 0, "answered_on_time": 0}
    )
    rows = _counted_feedback(start, end).values_list("agency_id", "received_at", "answered_at", "due_date")
    for agency_id, received_at, answered_at, due in rows.iterator(chunk_size=2000):
        day = figures[(agency_id, timezone.localdate(received_at))]
        day["received"] += 1
        day["answered_on_time"] += _answered_on_time(answered_at, due)
    return dict(figures)


def published(query: str = ""):
    """The public page: published answers, newest first, searched in the published texts."""
    items = Feedback.objects.published().select_related("agency").order_by("-published_at", "-pk")
    for word in query.split()[:8]:
        items = items.filter(
            Q(public_title__icontains=word)
            | Q(public_content__icontains=word)
            | Q(public_answer__icontains=word)
        )
    return items


QUEUE_VIEWS = ("open", "mine", "overdue", "held", "answered", "all")


def queue(agency, view: str, user):
    """The agency's feedback by tab: open (waiting for an answer), mine, overdue, held for moderation,
    answered (to publish or close), all."""
    items = Feedback.objects.filter(agency=agency).select_related("assignee")
    today = clock.localdate()
    if view == "open":
        items = items.filter(state__in=OPEN_STATES).order_by("due_date", "pk")
    elif view == "mine":
        items = items.filter(state__in=OPEN_STATES, assignee=user).order_by("due_date", "pk")
    elif view == "overdue":
        items = items.filter(state__in=OPEN_STATES, due_date__lt=today).order_by("due_date", "pk")
    elif view == "held":
        items = items.filter(moderation=ModerationState.HELD).exclude(state=FeedbackState.WITHDRAWN)
    elif view == "answered":
        items = items.filter(state=FeedbackState.ANSWERED).order_by("answered_at", "pk")
    return items


def queue_counts(agency, user) -> dict[str, int]:
    today = clock.localdate()
    open_items = Q(agency=agency, state__in=OPEN_STATES)
    return Feedback.objects.aggregate(
        open=Count("pk", filter=open_items),
        mine=Count("pk", filter=open_items & Q(assignee=user)),
        overdue=Count("pk", filter=open_items & Q(due_date__lt=today)),
        held=Count(
            "pk", filter=Q(agency=agency, moderation=ModerationState.HELD) & ~Q(state=FeedbackState.WITHDRAWN)
        ),
        answered=Count("pk", filter=Q(agency=agency, state=FeedbackState.ANSWERED)),
    )


def deadline(feedback, today: datetime.date | None = None) -> dict | None:
    """For an open item: working days left before its answer date, or working days overdue."""
    if feedback.state not in OPEN_STATES:
        return None
    today = today or clock.localdate()
    if today > feedback.due_date:
        return {"overdue": True, "days": working_days_between(feedback.due_date, today)}
    return {"overdue": False, "days": working_days_between(today, feedback.due_date)}
