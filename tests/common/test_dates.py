"""The templates' `date` filter (common/templatetags/dates.py) writes what Django's own writes."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template, defaultfilters, engines
from django.utils import timezone
from django.utils.translation import override
from hypothesis import given, settings
from hypothesis import strategies as st

from common.templatetags import dates

USED = [
    "H:i d/m/Y",
    "d/m/Y",
    "H:i:s d/m/Y",
    "c",
    "Y-m-d",
    "H:i",
    "SHORT_DATETIME_FORMAT",
    "l d/m/Y",
    "i",
    "Y",
]
FORMATS = st.one_of(
    st.sampled_from(USED),
    st.text(alphabet=st.sampled_from(list("HisdmYcjDlNFyaA:/-. T\\")), max_size=10),
)
ZONES = st.sampled_from(["Asia/Ho_Chi_Minh", "UTC", "America/St_Johns"]).map(zoneinfo.ZoneInfo)
DATETIMES = st.datetimes(min_value=datetime.datetime(1, 1, 1, 12), max_value=datetime.datetime(9999, 12, 30))
VALUES = st.one_of(
    DATETIMES,
    st.builds(lambda value, zone: value.replace(tzinfo=zone), DATETIMES, ZONES),
    st.dates(),
    st.sampled_from([None, "", "not a date", 5]),
)


def _outcome(function, value, arg):
    try:
        return function(value, arg)
    except Exception as error:  # both must fail alike (a time part asked of a date: TypeError)
        return type(error)


@settings(max_examples=400, deadline=None)
@given(value=VALUES, arg=FORMATS, language=st.sampled_from(["vi", "en"]))
def test_the_filter_writes_what_djangos_writes(value, arg, language):
    with override(language):
        assert _outcome(dates.date, value, arg) == _outcome(defaultfilters.date, value, arg)


def test_the_templates_use_it_and_show_local_time():
    assert engines["django"].engine.template_builtins[-1].filters["date"] is dates.date
    moment = datetime.datetime(2026, 12, 7, 1, 5, 9, tzinfo=datetime.UTC)
    template = Template('{{ moment|date:"H:i d/m/Y" }}|{{ moment|date:"c" }}|{{ day|date:"d/m/Y" }}')
    with timezone.override(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")):
        shown = template.render(Context({"moment": moment, "day": datetime.date(2026, 1, 2)}))
    assert shown == "08:05 07/12/2026|2026-12-07T08:05:09+07:00|02/01/2026"


@pytest.mark.parametrize("arg", ["H:i d/m/Y", "c", "d/m/Y"])
def test_numeric_formats_take_the_shortcut(arg, monkeypatch):
    monkeypatch.setattr(
        defaultfilters, "date", lambda value, arg=None: pytest.fail("went to Django's filter")
    )
    assert dates.date(datetime.datetime(2026, 3, 4, 5, 6, 7), arg)
