import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common import clock

LONGEST_PERIOD = datetime.timedelta(days=366)


class HealthPeriodForm(forms.Form):
    """Which agency and period the sync health page shows: this month by default."""

    agency = forms.ChoiceField(label=_("Agency"))
    start = forms.DateField(
        label=pgettext_lazy("sync period", "From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=pgettext_lazy("sync period", "To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, data=None, *, agencies, **kwargs):
        today = clock.localdate()
        initial = {"start": today.replace(day=1), "end": today}
        if agencies:
            initial["agency"] = agencies[0].code
        kwargs.setdefault("initial", initial)
        if data is not None:
            # What the address leaves out is the default (a link with only ?agency= shows this month).
            data = data.copy()
            for key, value in initial.items():
                if not data.get(key):
                    data[key] = value.isoformat() if hasattr(value, "isoformat") else value
        super().__init__(data, **kwargs)
        self.agencies = {agency.code: agency for agency in agencies}
        self.fields["agency"].choices = [(agency.code, agency.name) for agency in agencies]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            return data
        if start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        if end - start > LONGEST_PERIOD:
            raise forms.ValidationError(_("Choose a period of at most one year."))
        return data

    def chosen(self):
        """(agency, first day, last day): what was asked when valid, else the defaults."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        code = data.get("agency") or self.initial.get("agency")
        return (
            self.agencies.get(code),
            data.get("start") or self.initial["start"],
            data.get("end") or self.initial["end"],
        )
