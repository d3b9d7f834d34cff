from django import forms
from django.utils.translation import gettext_lazy as _


class FailuresForm(forms.Form):
    failure_percent = forms.IntegerField(
        label=_("Share of failing calls (%)"),
        min_value=0,
        max_value=100,
        help_text=_('That share of calls is answered "busy" (code 99 or HTTP 503), spread evenly.'),
    )
    session_ttl_seconds = forms.IntegerField(
        label=_("Session lifetime (seconds)"),
        min_value=1,
        max_value=7 * 24 * 3600,
        help_text=_("After it the portal has to sign in again (error code -1)."),
    )


class DifferencesFilterForm(forms.Form):
    only_differing = forms.BooleanField(label=_("Only dossiers that differ"), required=False)
