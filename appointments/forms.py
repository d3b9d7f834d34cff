import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Purpose, Status


class SlotChoiceForm(forms.Form):
    """The slot the citizen pressed: its start as an ISO moment (the button's value)."""

    purpose = forms.ChoiceField(choices=Purpose.choices)
    starts_at = forms.CharField(max_length=40)

    def clean_starts_at(self) -> datetime.datetime:
        try:
            moment = datetime.datetime.fromisoformat(self.cleaned_data["starts_at"])
        except ValueError as error:
            raise forms.ValidationError(_("Choose a time from the list.")) from error
        if moment.tzinfo is None:
            raise forms.ValidationError(_("Choose a time from the list."))
        return moment


class MarkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(Status.ATTENDED, Status.ATTENDED.label), (Status.NO_SHOW, Status.NO_SHOW.label)]
    )


def parse_day(value: str | None) -> datetime.date | None:
    """A date from the query string (yyyy-mm-dd), or None for anything else."""
    if not value or len(value) > 10:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None
