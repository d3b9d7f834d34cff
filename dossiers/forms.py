"""Forms of the citizen's pages: they parse and check the input; the services decide and save."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import personal_id_validator, phone_validator
from common import forms as choice_fields
from procedures.models import DocumentKind
from procedures.selectors import published_version_of

from . import codes
from .models import Authorisation, ReturnChannel
from .uploads import ACCEPTED

ACCEPT_ATTRIBUTE = ",".join([*ACCEPTED, ".pdf", ".jpg", ".jpeg", ".png"])


class StartForm(forms.Form):
    """Start filing: which one-stop shop receives the dossier, when the procedure has several."""

    receiving_agency = choice_fields.ModelChoiceField(
        label=_("Which office should receive your dossier?"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    start_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["receiving_agency"]
        field.queryset = agencies
        if len(agencies) <= 1:
            field.required = False
            field.widget = forms.HiddenInput()


class ApplicantForm(forms.Form):
    applicant_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    applicant_id_number = forms.CharField(
        label=_("Personal identification number"),
        max_length=12,
        required=False,
        validators=[personal_id_validator],
        help_text=_("12 digits, as on the chip-based citizen ID card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_phone = forms.CharField(
        label=_("Phone"),
        max_length=15,
        required=False,
        validators=[phone_validator],
        help_text=_("The one-stop shop calls or texts this number about your dossier."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    applicant_email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    applicant_address = forms.CharField(
        label=_("Address"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    def clean_applicant_name(self):
        return self.cleaned_data["applicant_name"].strip()


class DetailsForm(forms.Form):
    """The procedure-specific part of the application: what the applicant asks for, anything the agency
    should know, and the numbers its fees count (e.g. how many copies: `dossiers.fee_lines.questions`)."""

    MAX_UNITS = 99

    purpose = forms.CharField(
        label=_("What are you asking for?"),
        max_length=2000,
        help_text=_("In your own words, e.g. “A copy of my birth certificate, 2 copies”."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what you are asking for.")},
    )
    notes = forms.CharField(
        label=_("Anything else the agency should know"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[question.field] = forms.IntegerField(
                label=question.label,
                help_text=_("The fees are counted from this number."),
                min_value=1,
                max_value=self.MAX_UNITS,
                initial=1,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": self.MAX_UNITS}),
                error_messages={
                    "required": _("Enter a number from 1 to %(max)s.") % {"max": self.MAX_UNITS},
                    "invalid": _("Enter a number from 1 to %(max)s.") % {"max": self.MAX_UNITS},
                    "min_value": _("Enter a number from 1 to %(max)s.") % {"max": self.MAX_UNITS},
                    "max_value": _("Enter a number from 1 to %(max)s.") % {"max": self.MAX_UNITS},
                },
            )

    def clean_purpose(self):
        purpose = self.cleaned_data["purpose"].strip()
        if not purpose:
            raise forms.ValidationError(_("Say what you are asking for."), code="required")
        return purpose


# Simple mode (accounts.simple_mode): shorter help in plain words, shown with one question per page.
SIMPLE_HELP_TEXTS = {
    "applicant_id_number": _("The 12 digits on your ID card."),
    "applicant_phone": _("The office calls you on this number."),
    "purpose": _("For example: “2 copies of my birth certificate”."),
    "delivery_address": _("Where the post brings the result."),
}


def use_plain_words(form: forms.Form) -> forms.Form:
    """Swap the help texts of simple mode into the form's fields (a form's fields are its own copies)."""
    for name, text in SIMPLE_HELP_TEXTS.items():
        if name in form.fields:
            form.fields[name].help_text = text
    return form


class UploadForm(forms.Form):
    """One file for one slot; the content is checked by the service (dossiers.uploads)."""

    # Not required here: the same form carries the "reuse a stored file" button, which sends no file.
    file = forms.FileField(
        label=_("Choose a file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )


class DeliveryForm(forms.Form):
    return_channel = forms.ChoiceField(
        label=_("How do you want to receive the result?"), widget=forms.RadioSelect
    )
    delivery_address = forms.CharField(
        label=_("Delivery address"),
        max_length=300,
        required=False,
        help_text=_("Only when the result comes by public post: house number, street, commune, province."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    receiving_agency = choice_fields.ModelChoiceField(
        label=_("Which office should receive your dossier?"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, channels, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ReturnChannel.choices)
        self.fields["return_channel"].choices = [(channel, labels[channel]) for channel in channels]
        if ReturnChannel.POST not in channels:
            del self.fields["delivery_address"]
        else:
            # Required when the result comes by post (clean() says so): never marked "optional".
            self.fields["delivery_address"].required_when_chosen = True
        if len(agencies) > 1:
            # Chosen when filing started: offered again only to change it (left out: unchanged).
            self.fields["receiving_agency"].queryset = agencies
            self.fields["receiving_agency"].required = False
        else:
            del self.fields["receiving_agency"]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("return_channel") == ReturnChannel.POST
            and not (cleaned.get("delivery_address") or "").strip()
        ):
            self.add_error("delivery_address", _("Enter the address the result should be posted to."))
        return cleaned


class SupplementAnswerForm(forms.Form):
    note = forms.CharField(
        label=_("Your answer"),
        max_length=4000,
        required=False,
        help_text=_("Answer what the agency asked, if it asked for more than documents."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing it?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LookupForm(forms.Form):
    """Public status lookup: the code printed on the receipt and 4 digits only the applicant knows."""

    code = forms.CharField(
        label=_("Dossier code"),
        max_length=codes.CODE_LENGTH,
        help_text=_("As printed on your receipt, e.g. 000.00.15.H29-250105-0007."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    digits = forms.CharField(
        label=_("Last 4 digits of the applicant's phone number or ID number"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}", "maxlength": 4}
        ),
        error_messages={
            "min_length": _("Enter exactly 4 digits."),
            "max_length": _("Enter exactly 4 digits."),
        },
    )

    def clean_code(self):
        return codes.as_stored(self.cleaned_data["code"])

    def clean_digits(self):
        digits = self.cleaned_data["digits"].strip()
        if len(digits) != 4 or not digits.isdigit():
            raise forms.ValidationError(_("Enter exactly 4 digits."), code="digits")
        return digits


# --- acting on behalf (ủy quyền) --------------------------------------------------------------------------
class _AuthorisationFields(forms.Form):
    """What an authorisation says: who, the relation, what it covers, until when."""

    relation = forms.ChoiceField(
        label=_("Relation"), choices=Authorisation.Relation.choices, widget=forms.RadioSelect
    )
    scope = forms.ChoiceField(label=_("What it covers"), widget=forms.RadioSelect)
    national_code = forms.CharField(
        label=_("Procedure code"),
        max_length=10,
        required=False,
        help_text=_("Only for “One procedure”: the code in the catalogue, e.g. 1.001234."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        help_text=_("At most one year. It can be revoked at any time before."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    SCOPES = (Authorisation.Scope.ALL, Authorisation.Scope.PROCEDURE)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("expires_on", timezone.localdate() + datetime.timedelta(days=90))
        kwargs["initial"].setdefault("relation", Authorisation.Relation.RELATIVE)
        kwargs["initial"].setdefault("scope", Authorisation.Scope.ALL)
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [(s.value, s.label) for s in self.SCOPES]

    def clean(self):
        data = super().clean()
        data["procedure"] = None
        if data.get("scope") == Authorisation.Scope.PROCEDURE:
            code = (data.get("national_code") or "").strip()
            version = published_version_of(code) if code else None
            if version is None:
                self.add_error("national_code", _("No published procedure has this code."))
            else:
                data["procedure"] = version.procedure
        return data


class GrantForm(_AuthorisationFields):
    """The citizen authorises someone: the consent is shown above the button and must be agreed to."""

    helper = forms.CharField(
        label=_("Email or ID number of the person you authorise"),
        max_length=254,
        help_text=_("The person must have an account in the portal."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    dossier = forms.TypedChoiceField(label=_("Dossier"), required=False, coerce=int, empty_value=None)
    consent_version = forms.CharField(widget=forms.HiddenInput)
    agree = forms.BooleanField(label=_("I have read and agree to the text above."))
    SCOPES = (Authorisation.Scope.ALL, Authorisation.Scope.PROCEDURE, Authorisation.Scope.DOSSIER)
    field_order = ["helper", "relation", "scope", "national_code", "dossier", "expires_on", "agree"]

    def __init__(self, *args, dossiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.dossiers = {dossier.pk: dossier for dossier in dossiers}
        self.fields["dossier"].choices = [("", "—")] + [
            (dossier.pk, f"{dossier.code or dossier} — {dossier.procedure_version.name}")
            for dossier in dossiers
        ]
        self.fields["dossier"].help_text = _("Only for “One dossier”.")

    def clean(self):
        data = super().clean()
        data["dossier_obj"] = None
        if data.get("scope") == Authorisation.Scope.DOSSIER:
            if data.get("dossier") not in self.dossiers:
                self.add_error("dossier", _("Choose one of your dossiers."))
            else:
                data["dossier_obj"] = self.dossiers[data["dossier"]]
        return data


class RequestAuthorisationForm(_AuthorisationFields):
    """A helper asks a citizen to authorise them."""

    citizen = forms.CharField(
        label=_("Email or ID number of the person you help"),
        max_length=254,
        help_text=_("The person must have an account in the portal."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["citizen", "relation", "scope", "national_code", "expires_on"]


class ApprovalCodeForm(forms.Form):
    """The code the citizen received by SMS, typed on the helper's page once the citizen read the consent."""

    code = forms.CharField(
        label=_("Code sent to the citizen's phone"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    consent_version = forms.CharField(widget=forms.HiddenInput)
    agree = forms.BooleanField(label=_("The citizen has read and agrees to the text above."))


class ApproveForm(forms.Form):
    consent_version = forms.CharField(widget=forms.HiddenInput)
    agree = forms.BooleanField(label=_("I have read and agree to the text above."))


class StartOnBehalfForm(forms.Form):
    national_code = forms.CharField(
        label=_("Procedure code"),
        max_length=10,
        help_text=_("The code in the catalogue, e.g. 1.001234."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def clean_national_code(self):
        version = published_version_of(self.cleaned_data["national_code"].strip())
        if version is None:
            raise forms.ValidationError(_("No published procedure has this code."))
        self.cleaned_data["version"] = version
        return self.cleaned_data["national_code"]


# --- the data store ----------------------------------------------------------------------------------------
class StoredFileDescriptionForm(forms.Form):
    """What an uploaded paper is: its kind, who issued it, its number, until when it is valid."""

    kind = forms.ModelChoiceField(
        label=_("Kind of paper"),
        queryset=DocumentKind.objects.order_by("name"),
        required=False,
        empty_label=_("— not said —"),
    )
    issuer = forms.CharField(label=_("Issued by"), max_length=255, required=False)
    number = forms.CharField(label=_("Number"), max_length=60, required=False)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty when the paper does not expire."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ShareForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("The link works for"),
        coerce=int,
        choices=[
            (1, _("1 day")),
            (7, _("7 days")),
            (30, _("30 days")),
        ],
        initial=7,
    )
