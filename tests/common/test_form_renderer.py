"""The plain <input> widgets written in Python (common.form_renderer) give the HTML their templates give."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override
from hypothesis import given, settings
from hypothesis import strategies as st

from common.form_renderer import INPUT, INPUT_WIDGETS, OPTION, SELECT, PortalFormRenderer

TEXT = st.text(alphabet=st.sampled_from(list("aZ09 <>&\"'=/ ðẫ\t\n-")), max_size=12)
ATTR_VALUE = st.one_of(
    TEXT,
    TEXT.map(mark_safe),
    st.booleans(),
    st.integers(-(10**7), 10**7),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**5), max_value=10**5),
    st.just(gettext_lazy("Optional")),
    st.just((1, "a")),
)
ATTRS = st.dictionaries(
    st.sampled_from(
        [
            "id",
            "class",
            "placeholder",
            "required",
            "aria-describedby",
            "data-x",
            "accept",
            "maxlength",
            "step",
            "min",
        ]
    ),
    ATTR_VALUE,
)
VALUE = st.one_of(
    st.none(),
    TEXT,
    TEXT.map(mark_safe),
    st.integers(),
    st.just(Decimal("1234.50")),
    st.just(datetime.date(2026, 12, 7)),
)


def both(template_name, widget):
    context = {"widget": widget}
    return PortalFormRenderer().render(template_name, context), TemplatesSetting().render(
        template_name, context
    )


def test_every_plain_input_widget_is_written_here():
    assert PortalFormRenderer().inputs_written_here == {INPUT, *INPUT_WIDGETS}


@settings(max_examples=300, deadline=None)
@given(
    template_name=st.sampled_from([INPUT, *INPUT_WIDGETS]),
    kind=TEXT,
    name=TEXT,
    value=VALUE,
    attrs=ATTRS,
    language=st.sampled_from(["vi", "en"]),
)
def test_a_widget_written_here_is_what_its_template_renders(
    template_name, kind, name, value, attrs, language
):
    widget = {"type": kind, "name": name, "value": value, "attrs": attrs}
    with override(language):
        mine, theirs = both(template_name, widget)
    assert mine == theirs


class EveryInput(forms.Form):
    text = forms.CharField(
        max_length=20, help_text="<b>help</b>", widget=forms.TextInput({"placeholder": 'a"b'})
    )
    number = forms.DecimalField(localize=True)
    when = forms.DateField()
    email = forms.EmailField(required=False)
    upload = forms.FileField()
    agreed = forms.BooleanField()
    secret = forms.CharField(widget=forms.HiddenInput)
    choice = forms.ChoiceField(choices=[("", "—"), ("a", "<A>")])


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": "<script>",
            "number": "1234,5",
            "when": "x",
            "agreed": "on",
            "secret": "'\"&",
            "choice": "a",
        },
    ],
)
def test_a_whole_form_renders_the_same_through_either_renderer(data):
    with override("vi"):
        mine = str(EveryInput(data, renderer=PortalFormRenderer()))
        theirs = str(EveryInput(data, renderer=TemplatesSetting()))
    assert mine == theirs and "<input" in mine


def test_a_template_the_project_overrides_goes_through_its_template(monkeypatch):
    renderer = PortalFormRenderer()
    original = renderer._source
    monkeypatch.setattr(
        renderer, "_source", lambda name: "<custom>" if name.endswith("attrs.html") else original(name)
    )
    assert renderer.inputs_written_here == frozenset()

    renderer = PortalFormRenderer()
    monkeypatch.setattr(
        renderer, "_source", lambda name: "<custom>" if name.endswith("email.html") else original(name)
    )
    assert INPUT_WIDGETS[0] in renderer.inputs_written_here
    assert "django/forms/widgets/email.html" not in renderer.inputs_written_here


LABEL = st.one_of(
    TEXT, TEXT.map(mark_safe), st.just("---------"), st.just(gettext_lazy("Optional")), st.integers()
)
OPTIONS = st.lists(
    st.fixed_dictionaries(
        {
            "name": TEXT,
            "value": VALUE,
            "label": LABEL,
            "selected": st.booleans(),
            "index": st.just("0"),
            "attrs": st.one_of(st.just({}), st.just({"selected": True}), ATTRS),
            "type": st.just("select"),
            "template_name": st.just(OPTION),
            "wrap_label": st.just(True),
        }
    ),
    max_size=4,
)


def test_selects_are_written_here():
    assert PortalFormRenderer().selects_written_here


@settings(max_examples=300, deadline=None)
@given(
    name=TEXT,
    attrs=ATTRS,
    groups=st.lists(st.tuples(st.one_of(st.none(), TEXT), OPTIONS), max_size=3),
    language=st.sampled_from(["vi", "en"]),
)
def test_a_select_written_here_is_what_its_templates_render(name, attrs, groups, language):
    widget = {
        "name": name,
        "attrs": attrs,
        "optgroups": [(group, options, index) for index, (group, options) in enumerate(groups)],
    }
    with override(language):
        mine, theirs = both(SELECT, widget)
    assert mine == theirs


class EverySelect(forms.Form):
    plain = forms.ChoiceField(choices=[("", "---------"), ("a", "<A>"), ("b", mark_safe("<i>B</i>"))])
    grouped = forms.ChoiceField(choices=[("Nhóm <1>", [("1", "một"), ("2", "hai")]), ("3", "ba")])
    many = forms.MultipleChoiceField(choices=[("p", "P"), ("q", "Q")], required=False)
    number = forms.TypedChoiceField(choices=[(1, gettext_lazy("Optional")), (2, "2")], coerce=int)


@pytest.mark.parametrize("data", [None, {"plain": "b", "grouped": "2", "many": ["p", "q"], "number": "9"}])
def test_a_form_of_selects_renders_the_same_through_either_renderer(data):
    with override("vi"):
        mine = str(EverySelect(data, renderer=PortalFormRenderer()))
        theirs = str(EverySelect(data, renderer=TemplatesSetting()))
    assert mine == theirs and "<select" in mine and "<optgroup" in mine


def test_a_changed_option_template_sends_selects_through_their_templates(monkeypatch):
    renderer = PortalFormRenderer()
    original = renderer._source
    monkeypatch.setattr(renderer, "_source", lambda name: "<custom>" if name == OPTION else original(name))
    assert not renderer.selects_written_here
    assert INPUT in renderer.inputs_written_here
