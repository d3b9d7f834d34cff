"""The portal's form renderer: widgets render through TEMPLATES (templates/django/forms/ can change Django's
wording), except the plain `<input>` widgets and the `<select>`s, which are written here in Python with the
same output.

A widget rendered through its template costs three template renders (text.html includes input.html, which
includes attrs.html), about a tenth of a millisecond, and a select two more per option; a staff dossier page
or a step of the filing wizard shows ten or more. The Python path is taken only for the templates that are
still exactly the ones written here, Django's own (the portal's select_option.html for an option), checked
once, on first use: a template that changes, in the project or in a Django release, sends those widgets back
through their templates. tests/common/test_form_renderer.py holds
both paths to the same HTML."""

from __future__ import annotations

import functools
import html
from typing import Any

from django.forms.renderers import TemplatesSetting
from django.template import TemplateDoesNotExist
from django.template.defaultfilters import stringformat
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime

from common.forms import choice_prompt

WIDGETS = "django/forms/widgets/"
INPUT = WIDGETS + "input.html"
ATTRS = WIDGETS + "attrs.html"
# Django's own sources of the templates written here (stripped of the final newline).
OWN_SOURCES = {
    INPUT: '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %} '
    "value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
    '{% include "django/forms/widgets/attrs.html" %}>',
    ATTRS: "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
    "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}{% endfor %}",
}
INCLUDES_INPUT = '{% include "django/forms/widgets/input.html" %}'
SELECT = WIDGETS + "select.html"
OPTION = WIDGETS + "select_option.html"
# Django's select.html, and the portal's select_option.html (templates/django/forms/widgets/): each option
# with the portal's prompt for an empty choice.
SELECT_SOURCES = {
    SELECT: '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>'
    "{% for group_name, group_choices, group_index in widget.optgroups %}{% if group_name %}\n"
    '  <optgroup label="{{ group_name }}">{% endif %}{% for option in group_choices %}\n'
    "  {% include option.template_name with widget=option %}{% endfor %}{% if group_name %}\n"
    "  </optgroup>{% endif %}{% endfor %}\n</select>",
    OPTION: "{% comment %}Django's option, with the portal's prompt instead of Django's \"---------\" for an "
    "empty choice (common/forms.py choice_prompt). Found first because FORM_RENDERER is TemplatesSetting."
    "{% endcomment %}{% load portal_format %}<option value=\"{{ widget.value|stringformat:'s' }}\""
    '{% include "django/forms/widgets/attrs.html" %}>{{ widget.label|choice_prompt }}</option>',
}
# Django's widget templates that are only that include.
INPUT_WIDGETS = tuple(
    WIDGETS + f"{name}.html"
    for name in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)


class PortalFormRenderer(TemplatesSetting):
    def render(self, template_name: str, context: dict[str, Any], request=None) -> str:
        if template_name in self.inputs_written_here:
            return input_html(context["widget"])
        if template_name == SELECT and self.selects_written_here:
            widget = context["widget"]
            if all(
                option["template_name"] == OPTION for _n, group, _i in widget["optgroups"] for option in group
            ):
                return select_html(widget)
        return super().render(template_name, context, request=request)

    @functools.cached_property
    def selects_written_here(self) -> bool:
        """Whether select.html and select_option.html are still the ones written here (and attrs.html)."""
        return all(
            self._source(name) == source for name, source in (*OWN_SOURCES.items(), *SELECT_SOURCES.items())
        )

    @functools.cached_property
    def inputs_written_here(self) -> frozenset[str]:
        """The input widgets' templates still Django's own; none when input.html or attrs.html is not."""
        if any(self._source(name) != source for name, source in OWN_SOURCES.items()):
            return frozenset()
        return frozenset(
            name for name in (INPUT, *INPUT_WIDGETS) if name == INPUT or self._source(name) == INCLUDES_INPUT
        )

    def _source(self, name: str) -> str | None:
        try:
            return self.get_template(name).template.source.strip()
        except TemplateDoesNotExist:
            return None


def input_html(widget: dict[str, Any]) -> str:
    """What django/forms/widgets/input.html (with attrs.html) renders for this widget's context."""
    parts = [f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"']
    if widget["value"] is not None:
        parts.append(f' value="{_as_text(widget["value"])}"')
    _attrs(parts, widget["attrs"])
    parts.append(">")
    return "".join(parts)


def select_html(widget: dict[str, Any]) -> str:
    """What select.html renders, each option through the portal's select_option.html (SELECT_SOURCES)."""
    parts = [f'<select name="{_shown(widget["name"])}"']
    _attrs(parts, widget["attrs"])
    parts.append(">")
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            parts.append(f'\n  <option value="{_as_text(option["value"])}"')
            _attrs(parts, option["attrs"])
            parts.append(f">{_shown(choice_prompt(option['label']))}</option>\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _attrs(parts: list[str], attrs: dict[str, Any]) -> None:
    """attrs.html."""
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {_shown(name)}")
            if value is not True:
                parts.append(f'="{_as_text(value)}"')


def _shown(value: Any) -> str:
    """`{{ value }}` with autoescaping, as the template engine renders a variable."""
    if type(value) is str:  # most names and labels: neither localized nor already safe
        return html.escape(value)
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _as_text(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe string safe (is_safe), else it is escaped."""
    kind = type(value)
    if kind is int:  # an option's primary key: digits, nothing to escape
        return str(value)
    if kind is str:
        return html.escape(value)
    text = stringformat(value, "s")
    return text if isinstance(value, SafeData) else conditional_escape(text)
