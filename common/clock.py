"""The portal's clock. Domain times (filed, received, decided, paid…) are read from here, not from
`timezone.now()` directly, so a caller can run the services at another moment without patching Django:
the demo loader files dossiers "three working days ago", and tests can do the same. The shift is a
context variable, so it holds for the current thread or task only and is undone on exit.

Rows' technical stamps (`auto_now_add`, `auto_now`) stay on the machine's time."""

import contextlib
import datetime
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils import timezone

_offset: ContextVar[datetime.timedelta] = ContextVar("portal_clock_offset", default=datetime.timedelta(0))


def now() -> datetime.datetime:
    """The current moment (aware), as the portal's rules see it."""
    return timezone.now() + _offset.get()


def localdate() -> datetime.date:
    """Today in the portal's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.localdate(now())


def day_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[first 00:00, the day after last 00:00) in the portal's time zone: both days count."""
    zone = timezone.get_current_timezone()
    begin = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    finish = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return begin, finish


@contextlib.contextmanager
def running_at(moment: datetime.datetime) -> Iterator[None]:
    """Run the enclosed code as if it were `moment`; time keeps flowing from there."""
    token = _offset.set(moment - timezone.now())
    try:
        yield
    finally:
        _offset.reset(token)
