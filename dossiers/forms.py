"""Forms of the citizen's pages: they parse and check the input; the services decide and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import personal_id_validator, phone_validator
from common import forms as choice_fields

from .models import ReturnChannel
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
        max_length=40,
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
        return self.cleaned_data["code"].strip().upper()

    def clean_digits(self):
        digits = self.cleaned_data["digits"].strip()
        if len(digits) != 4 or not digits.isdigit():
            raise forms.ValidationError(_("Enter exactly 4 digits."), code="digits")
        return digits
