"""Admin for the one-stop-shop configuration: rule sets (forms and code pattern per decree) and the working
calendar's exceptions, edited by superusers and catalogue admins. Dossiers are shown read-only to
superusers, with their events: every change to a dossier goes through the services (the staff pages)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from common.admin import ReadOnlyMixin

from .models import CalendarException, DocumentAccess, Dossier, DossierEvent, RuleSet


def _configures(user) -> bool:
    return user.is_active and (user.is_superuser or (user.is_staff and user.role == Role.CATALOGUE_ADMIN))


class ConfigurationAdmin(admin.ModelAdmin):
    """Superusers and catalogue admins edit; only superusers delete (dossiers refer to rule sets)."""

    def has_module_permission(self, request):
        return _configures(request.user)

    def has_view_permission(self, request, obj=None):
        return _configures(request.user)

    def has_add_permission(self, request):
        return _configures(request.user)

    def has_change_permission(self, request, obj=None):
        return _configures(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(RuleSet)
class RuleSetAdmin(ConfigurationAdmin):
    list_display = ["name", "code", "valid_from", "dossier_code_pattern"]
    search_fields = ["name", "code"]
    ordering = ["-valid_from"]


@admin.register(CalendarException)
class CalendarExceptionAdmin(ConfigurationAdmin):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    search_fields = ["note"]
    date_hierarchy = "date"


class DossierEventInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierEvent
    extra = 0
    can_delete = False
    fields = [
        "at",
        "action",
        "from_state",
        "to_state",
        "actor_name",
        "actor_role",
        "agency",
        "to_agency",
        "timeliness",
        "note",
        "chain_hash",
    ]
    readonly_fields = fields
    ordering = ["at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency", "to_agency")


@admin.register(Dossier)
class DossierAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: a look at the raw record for support. Superusers only (citizens' personal data)."""

    list_display = ["code", "applicant_name", "procedure_version", "state", "receiving_agency", "due_date"]
    list_filter = ["state", "channel", "rule_set"]
    search_fields = ["code", "applicant_name", "applicant_id_number"]
    list_select_related = ["procedure_version__procedure", "receiving_agency"]
    raw_id_fields = ["procedure_version", "applicant", "filed_by", "receiving_agency", "handling_agency"]
    date_hierarchy = "submitted_at"
    inlines = [DossierEventInline]
    fieldsets = [
        (None, {"fields": ["code", "state", "procedure_version", "channel", "rule_set", "lock_version"]}),
        (
            _("Applicant"),
            {
                "fields": [
                    "applicant",
                    "filed_by",
                    "applicant_name",
                    "applicant_id_number",
                    "applicant_phone",
                    "applicant_email",
                    "applicant_address",
                    "form_data",
                ]
            },
        ),
        (
            _("Processing"),
            {
                "fields": [
                    "receiving_agency",
                    "handling_agency",
                    "assignee",
                    "return_channel",
                    "delivery_address",
                    "fee_total",
                    "closed_reason",
                ]
            },
        ),
        (
            _("Dates"),
            {
                "fields": [
                    "submitted_at",
                    "intake_deadline",
                    "received_at",
                    "due_date",
                    "paused_at",
                    "decided_at",
                    "result_ready_at",
                    "returned_at",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(DocumentAccess)
class DocumentAccessAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Who opened which file: read-only, superusers only (the auditors' CSV is the staff page
    "staff:access_export")."""

    list_display = ["at", "what", "file_name", "actor_name", "actor_role", "agency", "dossier", "via"]
    list_filter = ["what", "via"]
    search_fields = ["dossier__code", "file_name", "actor_name"]
    list_select_related = ["agency", "dossier"]
    date_hierarchy = "at"
    raw_id_fields = ["user", "subject", "dossier", "stored_file", "agency"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
