from typing import Any

from allauth.account.forms import LoginForm, SignupForm
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms
from django.urls import reverse_lazy
from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common import clock
from procedures.models import AdministrativeUnit, GovernmentLevel

from . import services
from .models import CitizenProfile


class PortalLoginForm(LoginForm):
    """allauth's login form that says plainly when sign-in is locked and until when.

    The lock is checked before the password, so the right password does not get through either; an address
    without an account is locked the same way (see services.login_locked_until), so the message tells
    nobody whether an account exists.
    """

    def clean(self):
        self._refuse_if_locked()
        try:
            return super().clean()
        except forms.ValidationError:
            self._refuse_if_locked()  # this failure may be the one that locked the account
            raise

    def _refuse_if_locked(self):
        refuse_if_locked(email=(self.data.get("login") or "").strip())


def refuse_if_locked(*, email: str) -> None:
    """The lock message, with the time it ends, if sign-in with this address is locked."""
    locked_until = services.login_locked_until(email=email)
    if locked_until is not None:
        until = formats.date_format(timezone.localtime(locked_until), "H:i d/m/Y")
        raise forms.ValidationError(
            _(
                "Sign-in to this account is locked after too many failed attempts. "
                "Try again after %(until)s, or reset your password."
            )
            % {"until": until},
            code="locked",
        )


class LockAwareCodeMixin:
    """The two-factor code step refuses a locked account, the right code included; each wrong code is
    counted by the account lock (receivers.count_second_factor_failure), so the tenth locks it."""

    user: Any

    def clean_code(self):
        refuse_if_locked(email=self.user.email)
        try:
            return super().clean_code()  # type: ignore[misc]
        except forms.ValidationError:
            refuse_if_locked(email=self.user.email)  # this wrong code may be the one that locked it
            raise


class PortalMFAAuthenticateForm(LockAwareCodeMixin, AuthenticateForm):
    """The code step of sign-in."""


class PortalMFAReauthenticateForm(LockAwareCodeMixin, ReauthenticateForm):
    """The code asked again before a sensitive change."""


class PortalSignupForm(SignupForm):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    # Consent to the privacy notice (Law 91/2025/QH15); recorded with its version and time by
    # privacy.receivers when the account is made.
    privacy_consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree to the processing of my personal data it describes."
        ),
        help_text=format_lazy(
            '<a href="{}" target="_blank">{}</a>',
            reverse_lazy("privacy:notice"),
            _("Read the privacy notice"),
        ),
        error_messages={"required": _("Please read the privacy notice and tick the box to sign up.")},
    )

    field_order = ["full_name", "email", "password1", "password2", "privacy_consent"]

    def save(self, request):
        user = super().save(request)
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])
        return user


class CommuneSelect(forms.Select):
    """Communes grouped by province; each option names its province for the narrowing script."""

    province_of: dict[str, str] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        province = self.province_of.get(str(value))
        if province:
            option["attrs"]["data-province"] = province
        return option


# The profile fields the national identity service vouches for (accounts.national_identity).
IDENTITY_FIELDS = ("full_name", "date_of_birth", "personal_id")


class CitizenProfileForm(forms.ModelForm):
    class Meta:
        model = CitizenProfile
        fields = [
            "full_name",
            "date_of_birth",
            "personal_id",
            "phone",
            "province",
            "commune",
            "street_address",
            "notify_by_email",
            "notify_by_sms",
            "simple_mode",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "personal_id": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 12}
            ),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "commune": CommuneSelect,
            "street_address": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].widget.attrs["max"] = clock.localdate().isoformat()
        self.fields["province"].queryset = AdministrativeUnit.objects.filter(
            level=GovernmentLevel.PROVINCE, is_legacy=False
        )
        self.fields["province"].empty_label = _("— Choose a province —")
        self.fields["commune"].empty_label = _("— Choose a commune —")
        communes = AdministrativeUnit.objects.filter(
            level=GovernmentLevel.COMMUNE, is_legacy=False
        ).select_related("parent")
        commune_field = self.fields["commune"]
        commune_field.queryset = communes
        # Display only: grouped by province, so the list is usable without the script. Validation still
        # goes through the queryset, and clean() checks the commune is in the chosen province.
        choices: list = [("", commune_field.empty_label)]
        groups: dict[str, list] = {}
        province_of = {}
        for commune in communes.order_by("parent__name", "name"):
            if commune.parent is None:
                choices.append((commune.pk, commune.name))
                continue
            groups.setdefault(commune.parent.name, []).append((commune.pk, commune.name))
            province_of[str(commune.pk)] = str(commune.parent_id)
        commune_field.widget.choices = [*choices, *groups.items()]
        commune_field.widget.province_of = province_of
        if self.instance.pk and self.instance.from_national_identity:
            # Confirmed by VNeID and rewritten at each sign-in through it: shown, not editable.
            for name in IDENTITY_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("From VNeID, updated at each sign-in through it.")

    def clean(self):
        cleaned = super().clean()
        province, commune = cleaned.get("province"), cleaned.get("commune")
        if province and commune and commune.parent_id != province.pk:
            self.add_error("commune", _("This commune is not in the chosen province."))
        return cleaned


class PhoneCodeForm(forms.Form):
    """The code sent by SMS to the phone in the profile (accounts.services.confirm_phone checks it)."""

    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 12, "size": 8}
        ),
        help_text=_("6 digits."),
    )
