from allauth.account.forms import LoginForm, SignupForm
from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from procedures.models import AdministrativeUnit, GovernmentLevel

from .models import CitizenProfile, User


class PortalLoginForm(LoginForm):
    """allauth's login form that says plainly when an account is locked and until when."""

    def clean(self):
        email = (self.data.get("login") or "").strip()
        user = User.objects.filter(email__iexact=email).only("locked_until").first() if email else None
        if user is not None and user.is_locked():
            until = formats.time_format(timezone.localtime(user.locked_until), "H:i")
            raise forms.ValidationError(
                _(
                    "This account is locked after too many failed sign-ins. Try again after %(time)s, "
                    "or reset your password."
                )
                % {"time": until},
                code="locked",
            )
        return super().clean()


class PortalSignupForm(SignupForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150)

    field_order = ["full_name", "email", "password1", "password2"]

    def save(self, request):
        user = super().save(request)
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])
        return user


class CitizenProfileForm(forms.ModelForm):
    class Meta:
        model = CitizenProfile
        fields = ["full_name", "date_of_birth", "personal_id", "phone", "province", "commune", "street_address"]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "personal_id": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "street_address": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = AdministrativeUnit.objects.filter(
            level=GovernmentLevel.PROVINCE, is_legacy=False
        )
        self.fields["commune"].queryset = AdministrativeUnit.objects.filter(
            level=GovernmentLevel.COMMUNE, is_legacy=False
        ).select_related("parent")

    def clean(self):
        cleaned = super().clean()
        province, commune = cleaned.get("province"), cleaned.get("commune")
        if province and commune and commune.parent_id != province.pk:
            self.add_error("commune", _("This commune is not in the chosen province."))
        return cleaned
