"""Forms of the payment pages: they parse and check the input; the services decide and save."""

import datetime
import secrets

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common import clock

from .models import Gateway


def new_payment_key() -> str:
    """The idempotency key of one rendering of a Pay button: a double click or a resent form gives the same
    attempt (services.start_payment)."""
    return secrets.token_urlsafe(24)


class ExemptForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the exemption"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The rule that exempts this applicant, and the paper that proves it."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DeskPaymentForm(forms.Form):
    receipt_number = forms.CharField(
        label=_("Receipt number"),
        max_length=100,
        help_text=_("The number of the receipt given to the applicant at the desk."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _yesterday():
    return clock.localdate() - datetime.timedelta(days=1)


class ReconciliationForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    gateway = forms.ChoiceField(label=_("Gateway"), choices=Gateway.choices)

    def __init__(self, data=None, **kwargs):
        kwargs.setdefault("initial", {"day": _yesterday(), "gateway": settings.PAYMENT_GATEWAY})
        super().__init__(data, **kwargs)

    def chosen(self) -> tuple[datetime.date, str]:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["day"], self.cleaned_data["gateway"]
        return self.initial["day"], self.initial["gateway"]


class SettlementUploadForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.HiddenInput)
    gateway = forms.ChoiceField(choices=Gateway.choices, widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("Settlement file (CSV)"),
        help_text=_("The gateway's list of the day's transactions, as sent by the gateway (CSV, UTF-8)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
