"""`get_FOO_display()` without rebuilding the field's choices on every call.

Django's own (`Model._get_FIELD_display`) makes the field's whole list of choices hashable on each call,
which hashes every lazily translated label, so translates every label of the list to show one: a
notification's event has some forty. A staff dossier page shows sixty such labels (its notices' event,
channel and status), a fifth of its time. `use_kept_labels()` (CommonConfig.ready) puts this module's
`display` in place of Django's on every model field whose choices are a fixed list: the field's value → label
mapping is built once per field, its labels left lazy, so each call translates the one label it returns in the
language active then. Fields with choices given as a callable, and any `get_FOO_display` a model defines
itself, keep Django's. tests/common/test_choices.py holds both to the same answers."""

from __future__ import annotations

from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_labels_of: dict[models.Field, dict[Any, Any]] = {}


def display(instance: models.Model, field: models.Field) -> Any:
    labels = _labels_of.get(field)
    if labels is None:
        labels = _labels_of[field] = {make_hashable(value): label for value, label in field.flatchoices}
    value = getattr(instance, field.attname)
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


def _is_djangos_own(method: Any) -> bool:
    return isinstance(method, partialmethod) and method.func is models.Model._get_FIELD_display


def use_kept_labels() -> None:
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if not isinstance(field, models.Field) or not isinstance(field.choices, (list, tuple)):
                continue
            name = f"get_{field.name}_display"
            if _is_djangos_own(model.__dict__.get(name)):
                setattr(model, name, partialmethod(display, field=field))
