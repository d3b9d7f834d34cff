from rest_framework import serializers

from .models import Agency, ProcedureFee, ProcedureVersion, RequiredDocument


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name", "kind"]


class FeeSerializer(serializers.ModelSerializer):
    online_amount = serializers.IntegerField(read_only=True)

    class Meta:
        model = ProcedureFee
        fields = ["kind", "description", "amount", "online_discount_percent", "online_amount"]


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequiredDocument
        fields = ["name", "copy_kind", "count", "is_required", "reusable", "note"]


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
            "applicant_requirements",
            "legal_basis",
            "result_name",
            "result_type",
            "return_channels",
            "fees",
            "documents",
            "published_at",
        ]
