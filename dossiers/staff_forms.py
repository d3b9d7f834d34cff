"""Forms of the back office: one small form per action on a dossier, the desk registration, the register's
filters. They parse and check the input; the services decide and save."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import CitizenProfile, Role, personal_id_validator, phone_validator
from common import forms as choice_fields
from procedures.models import Agency, ProcedureVersion

from .models import Channel, Dossier, ReturnChannel, State, SupplementRequest
from .uploads import ACCEPTED, check_upload

User = get_user_model()
ACCEPT_ATTRIBUTE = ",".join([*ACCEPTED, ".pdf", ".jpg", ".jpeg", ".png"])


def _text(label, required=True, rows=3, help_text=""):
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


class StaffChoiceField(choice_fields.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.get_full_name()} ({user.email})"


def staff_of(agencies):
    return (
        User.objects.filter(
            is_active=True, role__in=[Role.CLERK, Role.OFFICER], memberships__agency__in=agencies
        )
        .distinct()
        .order_by("full_name", "email")
    )


# --- actions on a dossier -------------------------------------------------------------------------------
class ActionForm(forms.Form):
    """Every action carries the version of the dossier the page showed: a change in between is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, dossier: Dossier, **kwargs):
        self.dossier = dossier
        kwargs.setdefault("initial", {})["expected_version"] = dossier.lock_version
        super().__init__(*args, **kwargs)


class CheckOriginalsForm(ActionForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReceiveForm(ActionForm):
    pass


class SupplementRequestForm(ActionForm):
    items = choice_fields.ModelMultipleChoiceField(
        label=_("Documents to add"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every document that is missing or must be redone: one complete list."),
    )
    details = _text(_("Anything else that is needed"), required=False)
    reason = _text(_("Reason"))
    contact = forms.CharField(
        label=_("Whom to ask"),
        max_length=300,
        required=False,
        help_text=_("Name, office and phone of the person who can explain what is needed."),
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        self.fields["items"].queryset = dossier.procedure_version.documents.order_by("position", "pk")
        agency = dossier.receiving_agency if dossier.state == State.SUBMITTED else dossier.handling_agency
        if agency is not None and not self.is_bound:
            self.initial["contact"] = ", ".join(part for part in [agency.name, agency.phone] if part)


class SupplementDecisionForm(ActionForm):
    """A supervisor's answer to the supplement request proposed during processing."""

    request = choice_fields.ModelChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        proposed = dossier.supplement_requests.filter(status=SupplementRequest.Status.PROPOSED)
        self.fields["request"].queryset = proposed
        if not self.is_bound:
            self.initial["request"] = proposed.first()


class SupplementRejectForm(SupplementDecisionForm):
    note = _text(_("Why it is not approved"), rows=2)


class ReasonForm(ActionForm):
    reason = _text(_("Reason"))


class TransferForm(ActionForm):
    to_agency = choice_fields.ModelChoiceField(label=_("To agency"), queryset=None)
    assignee = StaffChoiceField(label=_("Assign to"), queryset=None, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        deciding = dossier.procedure_version.agencies.filter(is_legacy=False)
        self.fields["to_agency"].queryset = Agency.objects.filter(is_legacy=False).order_by("name")
        self.fields["assignee"].queryset = staff_of(deciding)
        self.fields["assignee"].help_text = _("Optional: a member of staff of the agency it goes to.")
        if not self.is_bound:
            self.initial["to_agency"] = deciding.exclude(pk=dossier.handling_agency_id).first()


class AssignForm(ActionForm):
    assignee = StaffChoiceField(label=_("Assign to"), queryset=None)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        self.fields["assignee"].queryset = staff_of([dossier.handling_agency_id])
        if not self.is_bound:
            self.initial["assignee"] = dossier.assignee_id


class ApproveForm(ActionForm):
    result_file = forms.FileField(
        label=_("Result document (signed)"),
        help_text=_("PDF, JPEG or PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean_result_file(self):
        uploaded = self.cleaned_data["result_file"]
        check_upload(uploaded)
        return uploaded


class NoteForm(ActionForm):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ApologyForm(ActionForm):
    new_due_date = forms.DateField(
        label=_("New appointment date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = _text(_("Reason for the delay"))
    signed_by = forms.CharField(
        label=_("Signed by (head of agency)"), max_length=150, help_text=_("Name and title.")
    )


class EmptyForm(ActionForm):
    pass


ACTION_FORMS = {
    "check_originals": CheckOriginalsForm,
    "receive": ReceiveForm,
    "request_supplement": SupplementRequestForm,
    "approve_supplement": SupplementDecisionForm,
    "reject_supplement": SupplementRejectForm,
    "refuse": ReasonForm,
    "transfer": TransferForm,
    "assign": AssignForm,
    "approve": ApproveForm,
    "deny": ReasonForm,
    "result_ready": EmptyForm,
    "returned": NoteForm,
    "stop": ReasonForm,
    "apology": ApologyForm,
}


# --- registering a dossier at the desk ------------------------------------------------------------------
class DeskProcedureForm(forms.Form):
    version = choice_fields.ModelChoiceField(
        label=_("Procedure"),
        queryset=None,
        help_text=_("Published procedures this agency decides, by national code."),
    )

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        field.queryset = (
            ProcedureVersion.objects.published()
            .filter(agencies=agency)
            .select_related("procedure")
            .order_by("procedure__national_code")
        )
        field.label_from_instance = lambda v: f"{v.procedure.national_code} — {v.name}"


class DeskForm(forms.Form):
    """A dossier brought to the desk or sent by post: the applicant's details and the papers, scanned."""

    channel = forms.ChoiceField(
        label=_("How it arrived"),
        choices=[(Channel.DESK, Channel.DESK.label), (Channel.POST, Channel.POST.label)],
        initial=Channel.DESK,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(label=_("Applicant's full name"), max_length=150)
    applicant_id_number = forms.CharField(
        label=_("Personal identification number"),
        max_length=12,
        required=False,
        validators=[personal_id_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    link_account = forms.BooleanField(
        label=_("Link to the citizen's portal account with this personal identification number"),
        required=False,
        help_text=_("The dossier and its result then appear in their account."),
    )
    applicant_phone = forms.CharField(
        label=_("Phone"), max_length=15, required=False, validators=[phone_validator]
    )
    applicant_email = forms.EmailField(label=_("Email"), required=False)
    applicant_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    purpose = _text(_("What the applicant asks for"), required=False, rows=2)
    notes = _text(_("Notes"), required=False, rows=2)
    return_channel = forms.ChoiceField(
        label=_("How the result comes back"), choices=(), widget=forms.RadioSelect
    )
    delivery_address = forms.CharField(label=_("Delivery address"), max_length=300, required=False)

    def __init__(self, *args, version: ProcedureVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.applicant = None
        labels = {
            **dict(ReturnChannel.choices),
            "electronic": _("Electronically, into the applicant's account"),
        }
        channels = version.return_channels
        self.fields["return_channel"].choices = [(c, labels[c]) for c in channels]
        self.fields["return_channel"].initial = ReturnChannel.DESK if "desk" in channels else channels[0]
        self.required_documents = list(version.documents.order_by("position", "pk"))
        for required in self.required_documents:
            self.fields[f"document_{required.pk}"] = forms.FileField(
                label=required.name,
                required=required.is_required,
                help_text=f"{required.get_copy_kind_display()}, {required.count}",
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
            )

    def document_fields(self):
        return [self[f"document_{required.pk}"] for required in self.required_documents]

    def clean(self):
        data = super().clean()
        for required in self.required_documents:
            uploaded = data.get(f"document_{required.pk}")
            if uploaded:
                try:
                    check_upload(uploaded)
                except ValidationError as error:
                    self.add_error(f"document_{required.pk}", error)
        if data.get("link_account"):
            personal_id = data.get("applicant_id_number", "")
            profile = (
                CitizenProfile.objects.filter(personal_id=personal_id).select_related("user").first()
                if personal_id
                else None
            )
            if profile is None:
                self.add_error(
                    "applicant_id_number",
                    _("No citizen account has this personal identification number."),
                )
            else:
                self.applicant = profile.user
        if not (data.get("applicant_phone") or data.get("applicant_email")):
            self.add_error("applicant_phone", _("Give a phone number or an email address."))
        if data.get("return_channel") == ReturnChannel.POST and not data.get("delivery_address"):
            self.add_error("delivery_address", _("Enter the address the result should be posted to."))
        return data

    def details(self) -> dict:
        keys = [
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
            "return_channel",
            "delivery_address",
        ]
        details = {key: self.cleaned_data.get(key, "") for key in keys}
        details["form_data"] = {
            key: self.cleaned_data[key] for key in ["purpose", "notes"] if self.cleaned_data.get(key)
        }
        return details

    def uploads(self) -> list:
        return [
            (required, self.cleaned_data[f"document_{required.pk}"])
            for required in self.required_documents
            if self.cleaned_data.get(f"document_{required.pk}")
        ]


# --- the register ---------------------------------------------------------------------------------------
class RegisterFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("Filed from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Filed until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *[(s, label) for s, label in State.choices if s != State.DRAFT]],
    )
    procedure_code = forms.CharField(label=_("Procedure code"), required=False, max_length=10)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}
