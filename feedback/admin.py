"""Feedback in the admin: read-only (every change goes through the services and their audit rows). Ratings
are not listed at all: staff see them only as averages (feedback.selectors)."""

from django.contrib import admin

from common.admin import ReadOnlyMixin

from .models import Feedback, FeedbackEvent


class FeedbackEventInline(ReadOnlyMixin, admin.TabularInline):
    model = FeedbackEvent
    extra = 0
    fields = ["at", "action", "from_state", "to_state", "actor_name", "note"]
    readonly_fields = fields


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "agency", "state", "moderation", "received_at", "due_date"]
    list_filter = ["state", "moderation"]
    search_fields = ["title"]
    inlines = [FeedbackEventInline]
