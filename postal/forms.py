from django import forms
from django.utils.translation import gettext_lazy as _

from common import forms as choice_fields
from procedures.models import AdministrativeUnit, GovernmentLevel


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300, required=False)


class CommuneChoiceField(choice_fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.parent.name}" if obj.parent_id else obj.name


class SendAgainForm(forms.Form):
    """The corrected address for a held parcel, or for sending the result again after a return."""

    street_address = forms.CharField(label=_("House number, street, hamlet"), max_length=255)
    commune = CommuneChoiceField(
        label=_("Commune / ward (after the 2025 reform)"),
        queryset=AdministrativeUnit.objects.filter(level=GovernmentLevel.COMMUNE, is_legacy=False)
        .select_related("parent")
        .order_by("parent__name", "name"),
    )
    recipient_phone = forms.RegexField(
        label=_("Recipient's phone"),
        regex=r"^(0|\+84)\d{9,10}$",
        error_messages={"invalid": _("Enter a Vietnamese phone number, e.g. 0912345678.")},
    )
