"""Working days and office hours: weekends, public holidays (Tết, 30/4–1/5, 2/9), the government's swaps
and the admins' calendar exceptions. Every expected value is counted by hand in the comments."""

import datetime

import holidays
import pytest

from dossiers import working_days
from dossiers.models import CalendarException
from tests.dossiers.factories_core import vn

pytestmark = pytest.mark.django_db

date = datetime.date


def test_tet_2026_is_monday_16_to_friday_20_february_in_the_holidays_package():
    """The dates the Tết cases below are counted against."""
    in_february = sorted(day for day in holidays.country_holidays("VN", years=2026) if day.month == 2)
    assert in_february == [date(2026, 2, day) for day in (16, 17, 18, 19, 20)]


# --- add_working_days -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Thu 12/2/2026 + 3: Fri 13 (1) | Sat 14, Sun 15 | Tết Mon 16–Fri 20 | Sat 21, Sun 22 |
        # Mon 23 (2), Tue 24 (3).
        (date(2026, 2, 12), 3, date(2026, 2, 24)),
        # Received on the last day before Tết, 1 working day: the whole of Tết and two weekends are skipped.
        (date(2026, 2, 13), 1, date(2026, 2, 23)),
        # Wed 29/4/2026 + 2: Thu 30/4 and Fri 1/5 off | Sat 2, Sun 3 | Mon 4 (1), Tue 5 (2).
        (date(2026, 4, 29), 2, date(2026, 5, 5)),
        # Fri 24/4/2026 + 3: Sat 25, Sun 26 (Hùng Kings) | Mon 27 (its observed day) off | Tue 28 (1),
        # Wed 29 (2) | Thu 30/4, Fri 1/5 off | Sat 2, Sun 3 | Mon 4 (3).
        (date(2026, 4, 24), 3, date(2026, 5, 4)),
        # Fri 29/8/2025 + 1: Sat 30, Sun 31 | Mon 1/9 and Tue 2/9 (National Day) off | Wed 3 (1).
        (date(2025, 8, 29), 1, date(2025, 9, 3)),
        # Fri 28/8/2026 + 1: Sat 29, Sun 30 | Mon 31/8 (swapped day off), Tue 1/9, Wed 2/9 off | Thu 3 (1).
        (date(2026, 8, 28), 1, date(2026, 9, 3)),
        # Over a weekend: Fri 6/3/2026 + 1 → Mon 9; + 5 → Mon 9 … Fri 13.
        (date(2026, 3, 6), 1, date(2026, 3, 9)),
        (date(2026, 3, 6), 5, date(2026, 3, 13)),
        # Starting on a Saturday: Sat 7/3 + 1 → Mon 9.
        (date(2026, 3, 7), 1, date(2026, 3, 9)),
        # No processing time: the same day.
        (date(2026, 3, 4), 0, date(2026, 3, 4)),
    ],
)
def test_add_working_days_skips_weekends_and_public_holidays(start, days, expected):
    assert working_days.add_working_days(start, days) == expected


def test_a_make_up_working_saturday_counts():
    CalendarException.objects.create(date=date(2026, 3, 14), is_working_day=True, note="Làm bù")
    # Fri 13/3 + 1: Sat 14 is worked (1). + 2: Sat 14 (1), Sun 15 off, Mon 16 (2).
    assert working_days.add_working_days(date(2026, 3, 13), 1) == date(2026, 3, 14)
    assert working_days.add_working_days(date(2026, 3, 13), 2) == date(2026, 3, 16)
    assert working_days.is_working_day(date(2026, 3, 14))


def test_an_extra_day_off_does_not_count():
    CalendarException.objects.create(date=date(2026, 3, 9), is_working_day=False, note="Nghỉ bù")
    # Fri 6/3 + 1: Sat 7, Sun 8 | Mon 9 off by announcement | Tue 10 (1).
    assert working_days.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 10)
    assert not working_days.is_working_day(date(2026, 3, 9))


def test_the_swaps_the_holidays_package_knows_count_both_ways():
    """2025: Friday 2/5 off in exchange for Saturday 26/4 worked; 2026: Monday 31/8 for Saturday 22/8."""
    assert working_days.is_working_day(date(2025, 4, 26))
    assert not working_days.is_working_day(date(2025, 5, 2))
    assert working_days.is_working_day(date(2026, 8, 22))
    assert not working_days.is_working_day(date(2026, 8, 31))
    # Fri 25/4/2025 + 1: Sat 26 is worked (1).
    assert working_days.add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 26)
    # Fri 25/4/2025 → Tue 6/5/2025: Sat 26 (1), Mon 28 (2), Tue 29 (3) | Wed 30/4, Thu 1/5, Fri 2/5 off |
    # Sat 3, Sun 4 | Mon 5 (4), Tue 6 (5).
    assert working_days.working_days_between(date(2025, 4, 25), date(2025, 5, 6)) == 5


def test_the_admins_calendar_overrides_the_package():
    CalendarException.objects.create(date=date(2025, 4, 26), is_working_day=False, note="Không làm bù")
    assert not working_days.is_working_day(date(2025, 4, 26))
    # Fri 25/4/2025 + 1: Sat 26 off here, Sun 27 | Mon 28 (1).
    assert working_days.add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 28)


# --- working_days_between -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # After Thu 12/2/2026 up to Tue 24/2: Fri 13, Mon 23, Tue 24 (Tết and weekends between).
        (date(2026, 2, 12), date(2026, 2, 24), 3),
        # After Fri 6/3 up to Mon 9/3: Mon 9 only.
        (date(2026, 3, 6), date(2026, 3, 9), 1),
        # After Wed 29/4/2026 up to Wed 6/5: Mon 4, Tue 5, Wed 6 (30/4, 1/5 and the weekend off).
        (date(2026, 4, 29), date(2026, 5, 6), 3),
        (date(2026, 3, 9), date(2026, 3, 9), 0),
        (date(2026, 3, 9), date(2026, 3, 2), 0),
    ],
)
def test_working_days_between_counts_after_start_up_to_end(start, end, expected):
    assert working_days.working_days_between(start, end) == expected


@pytest.mark.parametrize("days", [1, 5, 10, 15, 30])
def test_working_days_between_undoes_add_working_days(days):
    start = date(2026, 2, 10)
    assert working_days.working_days_between(start, working_days.add_working_days(start, days)) == days


def test_add_working_days_reads_the_exceptions_in_one_query(django_assert_max_num_queries):
    CalendarException.objects.create(date=date(2026, 3, 14), is_working_day=True)
    CalendarException.objects.create(date=date(2026, 4, 2), is_working_day=False)
    with django_assert_max_num_queries(1):
        # 45 working days across Tết, 30/4 and the exceptions: still a single query, not one per day.
        working_days.add_working_days(date(2026, 2, 2), 45)
    with django_assert_max_num_queries(1):
        working_days.working_days_between(date(2026, 2, 2), date(2026, 5, 29))
    with django_assert_max_num_queries(1):
        working_days.add_working_hours(vn(2026, 2, 13, 19, 0), 8)


# --- add_working_hours: the 8-working-hour intake deadline ----------------------------------------------
def test_office_hours_are_the_ones_the_deadlines_below_are_counted_in(settings):
    assert settings.WORKING_HOURS == [("07:30", "11:30"), ("13:30", "17:00")]  # 4 h + 3.5 h = 7.5 h a day
    assert settings.INTAKE_ANSWER_WORKING_HOURS == 8


@pytest.mark.parametrize(
    ("filed", "deadline"),
    [
        # Fri 13/3/2026 16:00: Friday 16:00–17:00 (1 h, 7 h left) | Mon 16: 07:30–11:30 (4 h, 3 h left),
        # 13:30 + 3 h = 16:30.
        (vn(2026, 3, 13, 16, 0), vn(2026, 3, 16, 16, 30)),
        # Sat 14/3 10:00: nothing on the weekend | Mon 16: 4 h + 3.5 h = 7.5 h (0.5 h left) |
        # Tue 17 07:30 + 0.5 h = 08:00.
        (vn(2026, 3, 14, 10, 0), vn(2026, 3, 17, 8, 0)),
        # Fri 13/2/2026 19:00, the evening before Tết: office closed | weekend, Tết Mon 16–Fri 20, weekend |
        # Mon 23: 7.5 h (0.5 h left) | Tue 24 07:30 + 0.5 h = 08:00.
        (vn(2026, 2, 13, 19, 0), vn(2026, 2, 24, 8, 0)),
        # Wed 11/3 11:00: 11:00–11:30 (0.5 h, 7.5 h left), lunch skipped, 13:30–17:00 (3.5 h, 4 h left) |
        # Thu 12: 07:30 + 4 h = 11:30.
        (vn(2026, 3, 11, 11, 0), vn(2026, 3, 12, 11, 30)),
        # Wed 11/3 15:00: 15:00–17:00 (2 h, 6 h left) | Thu 12: 07:30–11:30 (4 h, 2 h left), lunch skipped,
        # 13:30 + 2 h = 15:30.
        (vn(2026, 3, 11, 15, 0), vn(2026, 3, 12, 15, 30)),
        # Wed 11/3 12:00, during lunch: 13:30–17:00 (3.5 h, 4.5 h left) | Thu 12: 07:30–11:30 (4 h,
        # 0.5 h left), 13:30 + 0.5 h = 14:00.
        (vn(2026, 3, 11, 12, 0), vn(2026, 3, 12, 14, 0)),
        # Mon 16/3 06:00, before opening: Monday 7.5 h (0.5 h left) | Tue 17 07:30 + 0.5 h = 08:00.
        (vn(2026, 3, 16, 6, 0), vn(2026, 3, 17, 8, 0)),
        # Fri 13/3 17:00, just closed: as if filed on Saturday.
        (vn(2026, 3, 13, 17, 0), vn(2026, 3, 17, 8, 0)),
    ],
)
def test_the_eight_working_hour_intake_deadline(filed, deadline):
    assert working_days.add_working_hours(filed, 8) == deadline


def test_add_working_hours_works_on_the_wall_clock_of_vietnam_whatever_the_input_zone():
    filed_utc = datetime.datetime(2026, 3, 13, 9, 0, tzinfo=datetime.UTC)  # 16:00 in Hà Nội, a Friday
    deadline = working_days.add_working_hours(filed_utc, 8)
    assert deadline == vn(2026, 3, 16, 16, 30)
    assert deadline.utcoffset() == datetime.timedelta(hours=7)


def test_a_make_up_saturday_has_office_hours_too():
    CalendarException.objects.create(date=date(2026, 3, 14), is_working_day=True)
    # Fri 13/3 16:00: 1 h (7 h left) | Sat 14: 07:30–11:30 (4 h, 3 h left), 13:30 + 3 h = 16:30.
    assert working_days.add_working_hours(vn(2026, 3, 13, 16, 0), 8) == vn(2026, 3, 14, 16, 30)
