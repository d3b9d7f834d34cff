"""The portal's form renderer: widgets render through TEMPLATES (templates/django/forms/ can change Django's
wording), except the plain `<input>` widgets, which are written here in Python with the same output.

A widget rendered through its template costs three template renders (text.html includes input.html, which
includes attrs.html), about a tenth of a millisecond; a staff dossier page or a step of the filing wizard
shows ten or more. The Python path is taken only for the templates that are still exactly Django's own
(checked once, on first use): a project template that overrides one of them, or a Django release that
changes them, sends those widgets back through their templates. tests/common/test_form_renderer.py holds
both paths to the same HTML."""

from __future__ import annotations

import functools
from typing import Any

from django.forms.renderers import TemplatesSetting
from django.template import TemplateDoesNotExist
from django.template.defaultfilters import stringformat
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime

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
        return super().render(template_name, context, request=request)

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
    for name, value in widget["attrs"].items():
        if value is not False:
            parts.append(f" {_shown(name)}")
            if value is not True:
                parts.append(f'="{_as_text(value)}"')
    parts.append(">")
    return "".join(parts)


def _shown(value: Any) -> str:
    """`{{ value }}` with autoescaping, as the template engine renders a variable."""
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _as_text(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe string safe (is_safe), else it is escaped."""
    text = stringformat(value, "s")
    return text if isinstance(value, SafeData) else conditional_escape(text)
