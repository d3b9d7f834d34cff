"""The admin's read-only records: every change goes through the services, the admin only shows. The
inlines' formset that names each control. Add pages that take only well-formed values from their query."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import ForeignKey
from django.forms.models import BaseInlineFormSet


class ReadOnlyMixin:
    """No add, change or delete, for a ModelAdmin or an inline alike; viewing is left to the admin class."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline's controls sit under column headers with no <label> of their own: each gets its
    field's name as aria-label, so a screen reader names it (WCAG 1.3.1, 4.1.2; axe's `label` rule)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            label = str(field.label or name)
            field.widget.attrs.setdefault("aria-label", label)
            # A foreign key's select sits in the admin's RelatedFieldWidgetWrapper, which renders its inner
            # widget with that widget's own attrs.
            inner = getattr(field.widget, "widget", None)
            if inner is not None:
                inner.attrs.setdefault("aria-label", label)


class WellFormedInitialMixin:
    """An add page prefills its form from the query string (`?agency=3`). An autocomplete widget then reads
    the prefilled row, and a value that is no key at all (`?agency=:`) made that read a 500: such values are
    dropped, the page opens empty."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)  # type: ignore[misc]
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)  # type: ignore[attr-defined]
            except FieldDoesNotExist:  # not a model field: the form ignores it
                continue
            if isinstance(field, ForeignKey):
                try:
                    field.target_field.clean(value, None)  # the key's type and range (a 40-digit number)
                except (ValidationError, TypeError, ValueError):
                    del initial[name]
        return initial
