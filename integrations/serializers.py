"""What the dossier API reads in and answers with. No personal data of the applicant (name, ID number,
phone, address, form answers) and no staff names or notes: the state, dates, agencies and the steps, as
structured data; documents' metadata, and their files only with the "dossiers:documents" scope."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.links import absolute_url
from dossiers.models import OFFICIAL_STATE_NAMES, Channel, State

from .models import Scope
from .selectors import DossierFilters

# Dates outside these are read as the nearest one: every well-formed date is accepted, and none overflows
# when it is turned into UTC for the query.
EARLIEST = datetime.datetime(1900, 1, 2, tzinfo=datetime.UTC)
LATEST = datetime.datetime(9000, 12, 31, tzinfo=datetime.UTC)


class BoundedDateField(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        return min(max(day, EARLIEST.date()), LATEST.date())


class BoundedDateTimeField(serializers.DateTimeField):
    """An ISO 8601 moment; without a time zone it is the portal's (Asia/Ho_Chi_Minh)."""

    def to_internal_value(self, value):
        try:
            moment = parse_datetime(value.strip()) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None:
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]")
        if timezone.is_naive(moment):
            if not EARLIEST.replace(tzinfo=None) <= moment <= LATEST.replace(tzinfo=None):
                return EARLIEST if moment.year < 2000 else LATEST
            return timezone.make_aware(moment)
        try:
            return min(max(moment.astimezone(datetime.UTC), EARLIEST), LATEST)
        except OverflowError:
            return EARLIEST if moment.year < 2000 else LATEST


FILED_STATES = [(value, label) for value, label in State.choices if value != State.DRAFT]
TEXT = {"max_length": 40, "required": False, "allow_blank": True}


class DossierFilterSerializer(serializers.Serializer):
    agency = serializers.CharField(help_text="Agency code (one of the client's agencies).", **TEXT)
    state = serializers.ChoiceField(choices=FILED_STATES, required=False)
    procedure = serializers.CharField(help_text="National code of the procedure, e.g. 1.001234.", **TEXT)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    submitted_from = BoundedDateField(required=False, help_text="Filed on or after this day (local).")
    submitted_to = BoundedDateField(required=False, help_text="Filed on or before this day (local).")
    updated_since = BoundedDateTimeField(
        required=False,
        help_text="Changed at or after this moment (ISO 8601; without a time zone: Asia/Ho_Chi_Minh).",
    )

    def to_filters(self) -> DossierFilters:
        data = self.validated_data
        return DossierFilters(
            agency=data.get("agency", "").strip().upper(),
            state=data.get("state", ""),
            procedure=data.get("procedure", "").strip(),
            channel=data.get("channel", ""),
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
            updated_since=data.get("updated_since"),
        )


class CountFilterSerializer(DossierFilterSerializer):
    """The counts take the agency and the filing days; the state is what they count by."""

    state = None
    procedure = None
    channel = None
    updated_since = None


class DossierAgencySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DossierProcedureSerializer(serializers.Serializer):
    national_code = serializers.CharField(source="procedure.national_code")
    name = serializers.CharField()
    version = serializers.IntegerField(source="version_number")


class DossierSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    state = serializers.ChoiceField(choices=FILED_STATES)
    state_name = serializers.SerializerMethodField(help_text="The state's official Vietnamese name.")
    procedure = DossierProcedureSerializer(source="procedure_version")
    channel = serializers.ChoiceField(choices=Channel.choices)
    receiving_agency = DossierAgencySerializer()
    handling_agency = DossierAgencySerializer(allow_null=True)
    submitted_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()

    def get_state_name(self, dossier) -> str:
        return OFFICIAL_STATE_NAMES[State(dossier.state)]


class DossierEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    from_state = serializers.CharField(allow_blank=True)
    to_state = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()
    agency = serializers.CharField(source="agency.code", allow_null=True, default=None)
    from_agency = serializers.CharField(source="from_agency.code", allow_null=True, default=None)
    to_agency = serializers.CharField(source="to_agency.code", allow_null=True, default=None)
    timeliness = serializers.CharField(allow_blank=True)


class DossierDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.SerializerMethodField(help_text="The required document it fills, or the kind.")
    file_name = serializers.CharField(source="stored_file.original_name")
    content_type = serializers.CharField(source="stored_file.content_type")
    size = serializers.IntegerField(source="stored_file.size")
    sha256 = serializers.CharField(source="stored_file.sha256", allow_blank=True)
    added_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField(
        help_text='Only with the "dossiers:documents" scope; null otherwise.'
    )

    def get_name(self, document) -> str:
        if document.required_document_id:
            return document.required_document.name
        return str(document.get_kind_display())

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, document):
        if Scope.DOCUMENTS not in self.context.get("scopes", ()):
            return None
        path = reverse("integrations:document", args=[self.context["code"], document.pk])
        return absolute_url(path)


class DossierDetailSerializer(DossierSummarySerializer):
    status_history = DossierEventSerializer(many=True)
    documents = DossierDocumentSerializer(many=True, source="documents_metadata")


class StateCountsSerializer(serializers.Serializer):
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Every filed state: its count."
    )
    total = serializers.IntegerField()


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    text = serializers.CharField()


class PublicStatusSerializer(serializers.Serializer):
    """What the public lookup page shows, and nothing more."""

    code = serializers.CharField()
    state = serializers.ChoiceField(choices=FILED_STATES)
    state_label = serializers.CharField()
    procedure = serializers.CharField(source="procedure_version.name")
    receiving_office = serializers.CharField(source="receiving_agency.name")
    received_at = serializers.DateTimeField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    timeline = TimelineEntrySerializer(many=True)
