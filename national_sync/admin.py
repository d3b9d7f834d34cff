from django.contrib import admin, messages
from django.utils.translation import gettext as _

from common.admin import WellFormedInitialMixin

from . import services
from .models import PortalSession, StatusMapping, SyncItem, UnitCode


@admin.register(StatusMapping)
class StatusMappingAdmin(admin.ModelAdmin):
    list_display = ["kind", "value", "national_code", "national_label", "sends_step"]
    list_filter = ["kind", "sends_step"]
    list_editable = ["national_code", "national_label", "sends_step"]
    search_fields = ["value", "national_label"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        queued = services.requeue_after_mapping_change(mapping=obj)
        if queued:
            messages.info(
                request,
                _("%(count)d change(s) refused for want of this mapping will be sent again.")
                % {"count": queued},
            )


@admin.register(UnitCode)
class UnitCodeAdmin(WellFormedInitialMixin, admin.ModelAdmin):
    list_display = ["agency", "code"]
    search_fields = ["agency__name", "agency__code", "code"]
    autocomplete_fields = ["agency"]


@admin.register(SyncItem)
class SyncItemAdmin(admin.ModelAdmin):
    list_display = ["pk", "dossier", "kind", "status", "attempts", "created_at", "synced_at", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["dossier__code"]
    readonly_fields = [field.name for field in SyncItem._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the failed changes again"))
    def send_again(self, request, queryset):
        count = services.retry(items=queryset)
        self.message_user(request, _("%(count)d change(s) will be sent again.") % {"count": count})


@admin.register(PortalSession)
class PortalSessionAdmin(admin.ModelAdmin):
    list_display = ["name", "obtained_at"]
    exclude = ["token"]
    readonly_fields = ["name", "obtained_at"]

    def has_add_permission(self, request):
        return False
