from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Agency, Field, GovernmentLevel
from .selectors import SEARCH_MAX_LENGTH, CatalogueFilters


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(label=_("Search procedures"), required=False, max_length=SEARCH_MAX_LENGTH)
    field = forms.ChoiceField(label=pgettext_lazy("catalogue field", "Field"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *GovernmentLevel.choices]
    )
    full_process = forms.BooleanField(label=_("Full-process online only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("e.g. giấy phép lái xe, khai sinh"),
                "autocomplete": "off",
            }
        )
        self.fields["field"].choices = [("", _("All fields")), *Field.objects.values_list("code", "name")]
        self.fields["agency"].choices = [
            ("", _("All agencies")),
            *Agency.objects.filter(is_legacy=False).values_list("code", "name"),
        ]

    def to_filters(self) -> CatalogueFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return CatalogueFilters(
            query=data.get("q", ""),
            field=data.get("field", ""),
            agency=data.get("agency", ""),
            level=data.get("level", ""),
            full_process_only=data.get("full_process", False),
        )
