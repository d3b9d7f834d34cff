from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CorrectionRequest


class ChannelsForm(forms.Form):
    notify_by_email = forms.BooleanField(label=_("Notices about my dossiers by email"), required=False)
    notify_by_sms = forms.BooleanField(label=_("Notices about my dossiers by SMS"), required=False)


class CorrectionRequestForm(forms.Form):
    subject = forms.ChoiceField(label=_("What is wrong"), choices=CorrectionRequest.Subject.choices)
    dossier = forms.ModelChoiceField(
        label=_("Dossier"), queryset=None, required=False, empty_label=_("— Choose a dossier —")
    )
    requested_change = forms.CharField(
        label=_("The correction you ask for"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the portal shows now, and what it should be. Attach no documents here."),
    )

    def __init__(self, *args, dossiers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossier"].queryset = dossiers
        self.fields["dossier"].label_from_instance = lambda d: f"{d.code or '—'} · {d.procedure_version}"


class HandleCorrectionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("done", _("Corrected")), ("refused", _("Refused"))],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Answer to the citizen"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when refusing: say why."),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    phrase = forms.CharField(label=_("Type the phrase"), required=False, max_length=40)
