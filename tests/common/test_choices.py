"""get_FOO_display() through the labels kept per field (common.choices) answers what Django's own answers."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.db import models
from django.utils.translation import override

from common import choices
from notifications.events import Event
from notifications.models import Notification, Status


def _fields_with_fixed_choices():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if isinstance(field, models.Field) and isinstance(field.choices, (list, tuple)) and field.choices:
                yield model, field


def _instance_with(model, field, value):
    instance = model.__new__(model)
    instance.__dict__[field.attname] = value
    return instance


def test_every_fixed_list_of_choices_of_the_project_uses_the_kept_labels():
    fields = list(_fields_with_fixed_choices())
    assert len(fields) > 30
    for model, field in fields:
        method = model.__dict__.get(f"get_{field.name}_display")
        assert isinstance(method, partialmethod), (model, field.name)
        assert method.func is choices.display, (model, field.name)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_label_is_the_one_djangos_own_method_gives_in_the_active_language(language):
    unknown = object()
    with override(language):
        for model, field in _fields_with_fixed_choices():
            for value in [value for value, _label in field.flatchoices] + ["not-a-choice", None, unknown]:
                instance = _instance_with(model, field, value)
                expected = models.Model._get_FIELD_display(instance, field)
                assert getattr(instance, f"get_{field.name}_display")() == expected, (
                    model,
                    field.name,
                    value,
                )


def test_the_label_follows_the_language_active_at_each_call():
    notice = Notification(event=Event.DOSSIER_RECEIVED, channel="email", status=Status.SENT)
    with override("vi"):
        vietnamese = notice.get_event_display()
    with override("en"):
        english = notice.get_event_display()
    assert english == "Dossier received"
    assert vietnamese != english and vietnamese
    assert Notification(event="gone").get_event_display() == "gone"
