import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from common import clock
from procedures.models import Agency

from .figures import DOSSIER_COUNTERS
from .selectors import LEVELS, MONTH, PERIOD_KINDS, QUARTER, YEAR, Period, last_complete_month

FIRST_YEAR = 2020


def _years():
    return [(year, str(year)) for year in range(clock.localdate().year, FIRST_YEAR - 1, -1)]


class ScopeForm(forms.Form):
    """Which agencies and which period; anything missing or invalid falls back to the whole province and the
    last complete month."""

    level = forms.ChoiceField(label=_("Level"), choices=LEVELS, required=False)
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label=_("All agencies of the level"),
    )
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_KINDS, required=False)
    year = forms.TypedChoiceField(
        label=_("Year"), choices=_years, coerce=int, required=False, empty_value=None
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        choices=[(month, f"{month:02d}") for month in range(1, 13)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[(quarter, f"Q{quarter}") for quarter in range(1, 5)],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, data=None, **kwargs):
        default = last_complete_month()
        initial = {
            "period": MONTH,
            "year": default.year,
            "month": default.number,
            "quarter": (default.number + 2) // 3,
        }
        super().__init__(data, initial=initial, **kwargs)

    def scope(self) -> tuple[str, Agency | None, Period]:
        default = last_complete_month()
        if not self.is_bound or not self.is_valid():
            return "", None, default
        data = self.cleaned_data
        kind = data.get("period") or MONTH
        year = data.get("year") or default.year
        if kind == MONTH:
            period = Period(MONTH, year, data.get("month") or default.number)
        elif kind == QUARTER:
            period = Period(QUARTER, year, data.get("quarter") or (default.number + 2) // 3)
        else:
            period = Period(YEAR, year)
        return data.get("level") or "", data.get("agency"), period


class DrillForm(forms.Form):
    """The dossiers behind one figure: a counter, a scope and a span of days."""

    figure = forms.ChoiceField(choices=[(name, counter.label) for name, counter in DOSSIER_COUNTERS.items()])
    level = forms.ChoiceField(choices=LEVELS, required=False)
    agency = forms.ModelChoiceField(queryset=Agency.objects.all(), required=False, to_field_name="code")
    start = forms.DateField()
    end = forms.DateField()

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and (end < start or end - start > datetime.timedelta(days=366)):
            raise forms.ValidationError(_("Choose a period of at most one year."))
        return data
