"""The `date` filter of every template (TEMPLATES' builtins), Django's own with a shortcut for the numeric
formats the portal's templates use ("H:i d/m/Y", "d/m/Y", "c", ...).

Django's filter looks the format up among the localised format names, splits it into format characters and
builds a DateFormat for each value: about 150 Python calls. A staff dossier page shows forty dates, a queue
page a hundred. Here a format made only of the numeric characters H, i, s, d, m, Y (and the whole "c") plus
separators is split once per process into a list of parts, and each value is written from its attributes,
already in local time (expects_localtime, as Django's). Anything else (a format name such as
"SHORT_DATETIME_FORMAT", a month or weekday name, an escaped letter, a value that is not a date) goes to
Django's filter unchanged. tests/common/test_dates.py holds both to the same text."""

from __future__ import annotations

import datetime
import functools
import re

from django import template
from django.template import defaultfilters

register = template.Library()

_NUMERIC = {
    "H": lambda value: f"{value.hour:02d}",
    "i": lambda value: f"{value.minute:02d}",
    "s": lambda value: f"{value.second:02d}",
    "d": lambda value: f"{value.day:02d}",
    "m": lambda value: f"{value.month:02d}",
    "Y": lambda value: f"{value.year:04d}",
}
_TIME_PARTS = frozenset("His")
_DJANGO_FORMAT_CHARACTERS = re.compile(r"[a-zA-Z\\]")


def _isoformat(value) -> str:
    return value.isoformat()


@functools.lru_cache(maxsize=256)
def _parts(format_string: str) -> tuple[tuple, bool] | None:
    """The format as (literal text or a numeric formatter, ...) and whether it shows the time of day; None
    when Django's filter must write it."""
    if format_string == "c":
        return ((_isoformat,), False)
    parts: list = []
    for character in format_string:
        if character in _NUMERIC:
            parts.append(_NUMERIC[character])
        elif _DJANGO_FORMAT_CHARACTERS.match(character):
            return None
        elif parts and isinstance(parts[-1], str):
            parts[-1] += character
        else:
            parts.append(character)
    return tuple(parts), any(character in _TIME_PARTS for character in format_string)


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    if arg and isinstance(arg, str) and isinstance(value, datetime.date):
        known = _parts(arg)
        # A date (not a datetime) with a time part: Django's filter raises, as it should.
        if known is not None and (isinstance(value, datetime.datetime) or not known[1]):
            parts = known[0]
            return "".join(part if isinstance(part, str) else part(value) for part in parts)
    return defaultfilters.date(value, arg)
