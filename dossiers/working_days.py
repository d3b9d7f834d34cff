"""Working days and hours of Vietnamese state agencies.

Weekends and public holidays (the `holidays` package: Tết, Hùng Kings, 30/4, 1/5, 2/9…) are days off;
the government's yearly announcements add extra days off and make-up working Saturdays, kept in the
CalendarException table that admins edit. Office hours come from settings.WORKING_HOURS.
"""

import datetime
from functools import lru_cache

import holidays
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


@lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


@lru_cache(maxsize=32)
def _make_up_working_days(year: int) -> frozenset[datetime.date]:
    """The other half of the swaps the package knows (Friday 2/5/2025 off, Saturday 26/4/2025 worked):
    weekend days of `year` that are working days. A swap may be announced with the next year's holidays."""
    days = holidays.country_holidays("VN", years=[year, year + 1])
    return frozenset(day for day in getattr(days, "weekend_workdays", ()) if day.year == year)


EXCEPTIONS_CACHE_KEY = "dossiers:calendar-exceptions"
EXCEPTIONS_CACHE_SECONDS = 300


def _all_exceptions() -> dict[datetime.date, bool]:
    """Every announced exception (a few dozen a year), kept in the cache: a filing, a receipt and each
    queue page ask for working days. Saving or deleting one forgets the copy (DossiersConfig.ready)."""
    from .models import CalendarException

    exceptions = cache.get(EXCEPTIONS_CACHE_KEY)
    if exceptions is None:
        exceptions = dict(CalendarException.objects.values_list("date", "is_working_day"))
        cache.set(EXCEPTIONS_CACHE_KEY, exceptions, EXCEPTIONS_CACHE_SECONDS)
    return exceptions


def forget_exceptions(**_signal) -> None:
    cache.delete(EXCEPTIONS_CACHE_KEY)


def _exceptions(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    return {day: working for day, working in _all_exceptions().items() if start <= day <= end}


class WorkingCalendar:
    """Answers "is this a working day?" for a span of dates with one query for the exceptions."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.start, self.end = start, end
        self.exceptions = _exceptions(start, end)

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        if day.weekday() >= 5:
            return day in _make_up_working_days(day.year)
        return day not in _public_holidays(day.year)


def calendar_around(day: datetime.date, span_days: int) -> WorkingCalendar:
    # Generous span: holidays and weekends stretch the calendar (Tết alone is about 9 days off).
    span = max(30, span_days * 2 + 30)
    return WorkingCalendar(day - datetime.timedelta(days=span), day + datetime.timedelta(days=span))


def is_working_day(day: datetime.date) -> bool:
    return WorkingCalendar(day, day).is_working_day(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself does not count): the appointment date
    for a dossier received on `start` with a processing time of `days` working days."""
    calendar = calendar_around(start, days)
    current, remaining = start, days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current > calendar.end:
            calendar = calendar_around(current, remaining)
        if calendar.is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    calendar = WorkingCalendar(start, end)
    count, current = 0, start
    while current < end:
        current += datetime.timedelta(days=1)
        if calendar.is_working_day(current):
            count += 1
    return count


def _office_periods(day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
    tz = timezone.get_current_timezone()
    periods = []
    for start, end in settings.WORKING_HOURS:
        periods.append(
            (
                datetime.datetime.combine(day, datetime.time.fromisoformat(start), tzinfo=tz),
                datetime.datetime.combine(day, datetime.time.fromisoformat(end), tzinfo=tz),
            )
        )
    return periods


def add_working_hours(moment: datetime.datetime, hours: float) -> datetime.datetime:
    """The moment `hours` office hours after `moment`: an online dossier filed on Friday evening must be
    answered within 8 working hours (Decree 45/2020), i.e. by Monday afternoon."""
    remaining = datetime.timedelta(hours=hours)
    moment = timezone.localtime(moment)
    day = moment.date()
    calendar = calendar_around(day, int(hours) + 10)
    while True:
        if day > calendar.end:
            calendar = calendar_around(day, int(hours) + 10)
        if calendar.is_working_day(day):
            for start, end in _office_periods(day):
                begin = max(start, moment)
                if begin >= end:
                    continue
                available = end - begin
                if available >= remaining:
                    return begin + remaining
                remaining -= available
        day += datetime.timedelta(days=1)
        moment = datetime.datetime.combine(day, datetime.time.min, tzinfo=moment.tzinfo)
