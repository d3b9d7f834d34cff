"""common.forms: choices given as read."""

import pytest
from django import forms

from common.forms import ChoicesAsRead

PAIRS = [("", "— Chọn —"), ("Nhóm <1>", [(1, "một <1>"), (2, "hai")]), (3, "ba")]


class Listed(forms.Form):
    agency = forms.TypedChoiceField(choices=PAIRS, coerce=int)


def as_read(data=None) -> Listed:
    form = Listed(data)
    form.fields["agency"].choices = ChoicesAsRead(PAIRS)
    return form


def test_choices_as_read_render_as_the_same_list_does():
    assert str(as_read()) == str(Listed())
    assert str(as_read({"agency": "2"})) == str(Listed({"agency": "2"}))


@pytest.mark.parametrize(
    "value, valid", [("1", True), ("3", True), ("4", False), ("Nhóm <1>", False), ("", False)]
)
def test_choices_as_read_accept_what_the_same_list_accepts(value, valid):
    assert as_read({"agency": value}).is_valid() is valid
    assert Listed({"agency": value}).is_valid() is valid
