"""Form fields shared by the apps."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.forms.models import ModelChoiceIterator
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

# What a select offers before anything is chosen. Django's own empty choice is "---------" in every language
# (ModelChoiceField's default, and the blank choice of a model field with choices: BLANK_CHOICE_DASH).
EMPTY_LABEL = pgettext_lazy("empty choice", "— Choose —")


# The empty choices dependencies write: Django's, and django-import-export's format list ("---").
DEPENDENCIES_EMPTY_LABELS = {BLANK_CHOICE_DASH[0][1], "---"}


def choice_prompt(label: str | Promise) -> str | Promise:
    """The portal's prompt for Django's "---------", wherever Django put it (the admin's selects and action
    list, model fields' choices): templates/django/forms/widgets/select_option.html shows each option so."""
    return EMPTY_LABEL if label in DEPENDENCIES_EMPTY_LABELS else label


class ChoicesAsRead(BaseChoiceIterator):
    """Choices built from rows a selector read, already in Django's form: (value, label) pairs, a group as
    (name, pairs). A field takes them as they are; it checks a plain list pair by pair (normalize_choices),
    a few hundred calls for a province's agencies."""

    def __init__(self, choices: list) -> None:
        self.choices = choices

    def __iter__(self):
        return iter(self.choices)


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices read in one plain query. Django's iterator() opens a server-side cursor on PostgreSQL
    (DECLARE, FETCH, CLOSE) for every list of a page — three round trips for a few agencies or staff."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    """Opens on "— Chọn —" unless the form names what to choose (empty_label="— Chọn cơ quan —")."""

    iterator = ListedChoiceIterator

    def __init__(self, *args: Any, empty_label: str | Promise | None = EMPTY_LABEL, **kwargs: Any) -> None:
        super().__init__(*args, empty_label=empty_label, **kwargs)

    def offer(self, objects: Iterable[Any]) -> None:
        """`objects` (rows a selector read, a prepared read) as the choices, after the empty one and labelled
        as the field labels them, instead of the queryset's own iteration; the queryset stays what a posted
        choice is checked against and read as."""
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        self.choices = ChoicesAsRead([*empty, *((obj.pk, self.label_from_instance(obj)) for obj in objects)])


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ListedChoiceIterator


class SuggestInput(forms.TextInput):
    """A text box with a datalist that the portal's script (static/js/portal.js) fills, as the person types,
    from `url`: a JSON {"suggestions": ["…", …]} for ?q=<the text>. Without the script, a text box: what is
    typed is read on the server all the same."""

    template_name = "common/widgets/suggest.html"

    def __init__(self, url: str | Promise, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.url = url

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["list"] = f"{widget_attrs.get('id') or name}-suggestions"
        widget_attrs["data-suggest"] = str(self.url)
        widget_attrs["autocomplete"] = "off"
        return context
