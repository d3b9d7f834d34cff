"""Forms of the back office: one small form per action on a dossier, the desk registration, the register's
filters. They parse and check the input; the services decide and save."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import CitizenProfile, personal_id_validator, phone_validator
from accounts.selectors import STAFF_OF_AGENCY_READ, staff_of_agency
from common import forms as choice_fields
from procedures import selectors as catalogue
from procedures.models import Agency, ProcedureVersion

from . import early_warning, policies
from .access_export import MAX_DAYS
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


def offer_staff(field: StaffChoiceField, agency_id: int | None) -> None:
    """The staff of the agency (accounts.selectors.staff_of_agency): listed by its prepared read, checked
    against its queryset."""
    if agency_id is None:
        field.queryset = User.objects.none()
        field.offer([])
    else:
        field.queryset = staff_of_agency(agency_id)
        field.offer(STAFF_OF_AGENCY_READ(agency_id))


# --- actions on a dossier -------------------------------------------------------------------------------
class ActionForm(forms.Form):
    """Every action carries the version of the dossier the page showed: a change in between is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, dossier: Dossier, **kwargs):
        self.dossier = dossier
        kwargs.setdefault("initial", {})["expected_version"] = dossier.lock_version
        super().__init__(*args, **kwargs)


class CheckOriginalsForm(ActionForm):
    note = forms.CharField(label=pgettext_lazy("staff note", "Note"), required=False, max_length=500)


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


# Actions that end the dossier (refusal, denial, stopping): a second page asks to confirm before the
# service runs (the view), so a slip of the mouse cannot close a dossier.
CONFIRMED_ACTIONS = frozenset({"refuse", "deny", "stop"})


class ReasonForm(ActionForm):
    """An action that ends the dossier, with the reason the applicant reads; `confirmed` is set by the
    confirmation page (CONFIRMED_ACTIONS)."""

    reason = _text(_("Reason"))
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class TransferForm(ActionForm):
    """The agency the dossier goes to — the procedure's deciding agencies listed first, the likely one
    proposed (policies.suggested_transfer_target) — and, optionally, a member of that agency's staff."""

    to_agency = choice_fields.ModelChoiceField(label=_("To agency"), queryset=None)
    assignee = StaffChoiceField(
        label=_("Assign to"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("Choose a member of staff of the agency the dossier goes to.")},
    )
    note = forms.CharField(label=pgettext_lazy("staff note", "Note"), max_length=500, required=False)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        agencies = catalogue.current_agencies(dossier.procedure_version)
        deciding = [agency for agency in agencies if agency.decides]
        field = self.fields["to_agency"]
        field.queryset = catalogue.agencies_in_office()
        field.choices = choice_fields.ChoicesAsRead(
            [
                ("", _("Choose an agency")),
                (_("Agencies that decide this procedure"), [(a.pk, a.name) for a in deciding]),
                (_("Other agencies"), [(a.pk, a.name) for a in agencies if not a.decides]),
            ]
        )
        # static/js/staff.js fills "assign to" with the staff of the agency chosen, from this address.
        field.widget.attrs["data-assignees-url"] = reverse("staff:transfer_assignees", args=[dossier.pk])
        suggested = policies.suggested_transfer_target(dossier, deciding)
        if not self.is_bound:
            self.initial["to_agency"] = suggested.pk if suggested else None
        target = self._target(agencies) if self.is_bound else suggested
        offer_staff(self.fields["assignee"], target.pk if target else None)
        self.fields["assignee"].help_text = _("Optional: a member of staff of the agency it goes to.")

    def _target(self, agencies):
        """The agency the posted form names (the assignee must be one of its staff)."""
        value = self.data.get(self.add_prefix("to_agency"), "")
        return next((agency for agency in agencies if str(agency.pk) == value), None)

    def clean(self):
        data = super().clean()
        to_agency = data.get("to_agency")
        refusal = policies.transfer_refusal(self.dossier, to_agency) if to_agency else ""
        if refusal:
            self.add_error("to_agency", refusal)
        return data


class AssignForm(ActionForm):
    assignee = StaffChoiceField(label=_("Assign to"), queryset=None)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        offer_staff(self.fields["assignee"], dossier.handling_agency_id)
        if not self.is_bound:
            self.initial["assignee"] = dossier.assignee_id


class ApproveForm(ActionForm):
    result_file = forms.FileField(
        label=_("Result document (signed)"),
        help_text=_("PDF, JPEG or PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    note = forms.CharField(label=pgettext_lazy("staff note", "Note"), max_length=500, required=False)

    def clean_result_file(self):
        uploaded = self.cleaned_data["result_file"]
        check_upload(uploaded)
        return uploaded


class NoteForm(ActionForm):
    note = forms.CharField(label=pgettext_lazy("staff note", "Note"), max_length=500, required=False)


class ApologyForm(ActionForm):
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả: opens with the reason and the new date the early warning
    suggests (early_warning.suggested_apology), both to be checked and edited."""

    new_due_date = forms.DateField(
        label=_("New appointment date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = _text(_("Reason for the delay"))
    signed_by = forms.CharField(
        label=_("Signed by (head of agency)"), max_length=150, help_text=_("Name and title.")
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        draft = None if self.is_bound else early_warning.suggested_apology(dossier)
        if draft is not None:
            self.initial.setdefault("reason", draft.reason)
            self.initial.setdefault("new_due_date", draft.new_due_date)
            self.fields["new_due_date"].help_text = _(
                "Suggested: today plus the working days dossiers like it needed recently, plus a margin."
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
        field.queryset = catalogue.versions_decided_by(agency.pk)
        field.label_from_instance = ProcedureVersion.code_and_name
        field.offer(catalogue.published_versions_decided_by(agency))


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
    attest_copies = forms.BooleanField(
        label=_("I attest each scan above matches the original I was shown"),
        required=False,
        help_text=_("The scans become digitised copies in the applicant's data store, reusable later."),
    )

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


class DigitiseForm(forms.Form):
    """Số hóa at the desk: which paper (a slot of the procedure: `slots`, its (pk, label) pairs), its scan,
    and the clerk's attestation."""

    required_document = forms.TypedChoiceField(label=_("Paper"), coerce=int)
    file = forms.FileField(
        label=_("Scan of the paper"), widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE})
    )
    attested = forms.BooleanField(
        label=_("I attest this copy matches the original"),
        error_messages={"required": _("Tick “I attest this copy matches the original” to digitise it.")},
    )

    def __init__(self, *args, slots: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_document"].choices = slots


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


# --- who opened which file: the auditors' export -----------------------------------------------------------
class AccessExportForm(forms.Form):
    """A period of at most a year (the export streams, but a period bounds what one download reads)."""

    date_from = forms.DateField(
        label=pgettext_lazy("period", "From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label=_("All agencies"),
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last:
            if last < first:
                raise forms.ValidationError(_("The end of the period is before its start."))
            if (last - first).days + 1 > MAX_DAYS:
                raise forms.ValidationError(
                    _("Choose a period of at most %(days)d days.") % {"days": MAX_DAYS}
                )
        return cleaned
