"""Read-only admin of delivery orders and their timelines, for superusers (addresses are personal data).
Every change goes through the services: the staff pages, the tasks and the carriers' notices."""

from django.contrib import admin

from common.admin import ReadOnlyMixin

from .models import DeliveryEvent, DeliveryOrder, SandboxShipment


class SuperuserReadOnly(ReadOnlyMixin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class DeliveryEventInline(SuperuserReadOnly, admin.TabularInline):
    model = DeliveryEvent
    extra = 0
    can_delete = False
    fields = [
        "at",
        "code",
        "source",
        "location",
        "description",
        "carrier_event_id",
        "actor_name",
        "actor_role",
        "recorded_at",
    ]
    readonly_fields = fields
    ordering = ["at", "pk"]


@admin.register(DeliveryOrder)
class DeliveryOrderAdmin(SuperuserReadOnly, admin.ModelAdmin):
    list_display = [
        "__str__",
        "dossier",
        "carrier",
        "status",
        "recipient_name",
        "cod_amount",
        "attempts",
        "created_at",
    ]
    list_filter = ["status", "carrier"]
    search_fields = ["tracking_number", "dossier__code", "recipient_name", "key"]
    list_select_related = ["dossier"]
    date_hierarchy = "created_at"
    inlines = [DeliveryEventInline]
    exclude = ["claimed_until"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "claimed_until"]


@admin.register(SandboxShipment)
class SandboxShipmentAdmin(SuperuserReadOnly, admin.ModelAdmin):
    list_display = [
        "tracking_number",
        "key",
        "created_at",
        "fails",
        "cancelled_at",
        "events_pushed",
        "finished",
    ]
    list_filter = ["fails", "finished"]
    search_fields = ["tracking_number", "key"]
