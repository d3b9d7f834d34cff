from django.contrib import admin

from common.admin import WellFormedInitialMixin

from .models import AgencySchedule, Appointment


@admin.register(AgencySchedule)
class AgencyScheduleAdmin(WellFormedInitialMixin, admin.ModelAdmin):
    list_display = ["agency", "slot_minutes", "counters", "days_ahead", "change_until_hours"]
    search_fields = ["agency__name", "agency__code"]
    autocomplete_fields = ["agency"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "agency", "counter", "dossier", "purpose", "status"]
    list_filter = ["status", "purpose"]
    search_fields = ["dossier__code", "agency__code"]
    raw_id_fields = ["dossier", "booked_by", "marked_by"]
    readonly_fields = ["created_at", "moved_at", "cancelled_at", "marked_at", "sequence"]
    date_hierarchy = "starts_at"
