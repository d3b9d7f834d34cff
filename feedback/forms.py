from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import phone_validator
from common.forms import ModelChoiceField, SuggestInput
from dossiers.models import Dossier
from procedures import selectors as catalogue
from procedures.models import Agency, ProcedureVersion

SCORE_CHOICES = [
    (5, _("5 — Very satisfied")),
    (4, _("4 — Satisfied")),
    (3, _("3 — Acceptable")),
    (2, _("2 — Not satisfied")),
    (1, _("1 — Very dissatisfied")),
]


class RatingForm(forms.Form):
    attitude = forms.TypedChoiceField(
        label=_("Attitude of the staff who served you"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    timeliness = forms.TypedChoiceField(
        label=_("Processing time (result on or before the appointment date)"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    clarity = forms.TypedChoiceField(
        label=_("Clarity of the procedure (documents, fees, steps)"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Do not write your name or personal details: your rating is anonymous."),
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=15,
        validators=[phone_validator],
        help_text=_("We send a 6-digit code by SMS to confirm it. It is not published."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code received by SMS"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class FeedbackForm(forms.Form):
    """What a sender writes. Without an account they also give their name (their phone is confirmed)."""

    sender_name = forms.CharField(label=_("Your full name"), max_length=150)
    agency = ModelChoiceField(
        label=_("Agency concerned"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("— choose —"),
    )
    # A province's catalogue has some 1,900 procedures: typed and matched (procedures_matching), not listed.
    procedure = forms.CharField(
        label=_("Procedure (if it is about one)"),
        required=False,
        max_length=catalogue.SEARCH_MAX_LENGTH,
        help_text=_("Type a few words of its name or its code (e.g. 1.001193)."),
        widget=SuggestInput(reverse_lazy("procedures:suggestions")),
    )
    # Shown only when what was typed matches several procedures: the person picks one.
    procedure_version = ModelChoiceField(
        label=_("Which procedure do you mean?"),
        queryset=ProcedureVersion.objects.none(),
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
    )
    dossier = forms.ModelChoiceField(
        label=_("Your dossier (if it is about one)"),
        queryset=Dossier.objects.none(),
        required=False,
        empty_label=_("— none —"),
        help_text=_("Choose a dossier and the feedback goes to the agency handling it."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(
        label=_("Your feedback or complaint"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    consent_to_publish = forms.BooleanField(
        label=_("I agree that the question and the answer are published, without my personal details"),
        required=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = catalogue.agencies_in_office()
        self.procedure_matches = self._procedure_matches()
        if len(self.procedure_matches) > 1:
            choice = self.fields["procedure_version"]
            choice.queryset = ProcedureVersion.objects.published().filter(
                pk__in=[version.pk for version in self.procedure_matches]
            )
            choice.label_from_instance = ProcedureVersion.code_and_name
            choice.offer(self.procedure_matches)
            choice.required = True
            choice.error_messages["required"] = _("Several procedures match: choose the one you mean.")
        else:
            del self.fields["procedure_version"]
        if user is not None and user.is_authenticated:
            del self.fields["sender_name"]
            self.fields["dossier"].queryset = (
                Dossier.objects.owned_by(user)
                .exclude(code__isnull=True)
                .select_related("procedure_version")  # each option's label names it
                .order_by("-created_at")
            )
            self.fields["dossier"].label_from_instance = lambda d: f"{d.code} — {d.procedure_version.name}"
            self.fields["agency"].help_text = _("Not needed when you choose one of your dossiers below.")
        else:
            del self.fields["dossier"]
            self.fields["agency"].required = True

    def _procedure_matches(self) -> list[ProcedureVersion]:
        """The published procedures matching the typed text (one, when it names one), read once."""
        text = self.data.get("procedure") if self.is_bound else None
        if not isinstance(text, str) or not text.strip():  # a NUL never gets here: common.middleware
            return []
        return catalogue.procedures_matching(text)

    def clean(self):
        data = super().clean()
        data["procedure_version"] = self._chosen_procedure(data)
        if not data.get("dossier") and not data.get("agency"):
            self.add_error("agency", _("Choose the agency your feedback is about, or one of your dossiers."))
        return data

    def _chosen_procedure(self, data: dict) -> ProcedureVersion | None:
        if not data.get("procedure"):
            return None
        if len(self.procedure_matches) == 1:
            return self.procedure_matches[0]
        if not self.procedure_matches:
            self.add_error(
                "procedure",
                _("No procedure of the catalogue matches “%(text)s”: check the words, or leave it empty.")
                % {"text": data["procedure"]},
            )
            return None
        return data.get("procedure_version")  # required while shown: its error says to choose


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=pgettext_lazy("feedback", "Handled by"), queryset=None, empty_label=None
    )

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import User

        self.fields["assignee"].queryset = User.objects.filter(
            memberships__agency=agency, is_active=True
        ).order_by("full_name")


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 5}))
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}))
    moderation_checked = forms.BooleanField(
        label=_("I checked these texts: nothing offensive and no personal data is left"), required=False
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is not published"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
