from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Agency, Field, GovernmentLevel, ProcedureFee, ProcedureVersion, RequiredDocument
from .selectors import SEARCH_MAX_LENGTH, CatalogueFilters


class CatalogueQuerySerializer(serializers.Serializer):
    """The list's query parameters, with the catalogue page's limits: a longer search text, an unknown
    level or a NUL character is answered 400 with the reason per parameter."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=SEARCH_MAX_LENGTH,
        help_text=f"Words to search, with or without Vietnamese accents; at most {SEARCH_MAX_LENGTH} "
        "characters (longer: 400, as the catalogue page refuses it).",
    )
    field = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=Field._meta.get_field("code").max_length,
        help_text="Field code",
    )
    agency = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=Agency._meta.get_field("code").max_length,
        help_text="Agency code",
    )
    level = serializers.ChoiceField(choices=GovernmentLevel.choices, required=False, allow_blank=True)
    full_process = serializers.BooleanField(
        required=False, default=False, help_text="Only procedures offered full-process online"
    )

    def validate(self, attrs):
        # DRF reads an empty query value as "not given"; the schema says boolean: `?full_process=` is refused.
        if hasattr(self.initial_data, "get") and self.initial_data.get("full_process") == "":
            raise serializers.ValidationError({"full_process": ["Must be a valid boolean."]})
        return attrs

    def to_filters(self) -> CatalogueFilters:
        data = self.validated_data
        return CatalogueFilters(
            query=data.get("q", ""),
            field=data.get("field", ""),
            agency=data.get("agency", ""),
            level=data.get("level", ""),
            full_process_only=data.get("full_process", False),
        )


class ErrorDetailSerializer(serializers.Serializer):
    """DRF's answer to a missing object or a refused request: {"detail": "..."}."""

    detail = serializers.CharField()


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name", "kind"]


class FeeSerializer(serializers.ModelSerializer):
    online_amount = serializers.IntegerField(read_only=True)

    class Meta:
        model = ProcedureFee
        fields = [
            "kind",
            "description",
            "amount",
            "online_discount_percent",
            "online_amount",
            "quantity_field",
            "quantity_label",
            "charged_from",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    form_template_url = serializers.SerializerMethodField(
        help_text="Where to download the blank form the applicant fills in; null when there is none."
    )

    class Meta:
        model = RequiredDocument
        fields = ["name", "copy_kind", "count", "is_required", "reusable", "note", "form_template_url"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_form_template_url(self, document: RequiredDocument) -> str | None:
        if not document.form_template:
            return None
        path = reverse("procedures:form_template", args=[document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ProcedureSummarySerializer(serializers.ModelSerializer):
    national_code = serializers.CharField(source="procedure.national_code")
    field = serializers.CharField(source="field.name")
    levels = serializers.ListField(source="level_list", child=serializers.CharField())
    agencies = AgencySerializer(many=True)

    class Meta:
        model = ProcedureVersion
        fields = [
            "national_code",
            "version_number",
            "name",
            "field",
            "levels",
            "service_level",
            "processing_days",
            "agencies",
        ]


class ProcedureDetailSerializer(ProcedureSummarySerializer):
    fees = FeeSerializer(many=True)
    documents = DocumentSerializer(many=True)
    return_channels = serializers.ListField(child=serializers.CharField())

    class Meta(ProcedureSummarySerializer.Meta):
        fields = [
            *ProcedureSummarySerializer.Meta.fields,
            "partial_reason",
            "partial_reason_note",
            "processing_time_note",
            "fee_payment_stage",
            "required_loa",
            "applicant_requirements",
            "legal_basis",
            "result_name",
            "result_type",
            "return_channels",
            "fees",
            "documents",
            "published_at",
        ]
