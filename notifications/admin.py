"""The outbox, read-only, for superusers and staff granted "view notification": failed rows are found with
the status filter, their attempts are listed with the provider's errors, and they can be sent again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import ReadOnlyMixin

from . import services
from .models import DeliveryAttempt, Notification, Status


class DeliveryAttemptInline(ReadOnlyMixin, admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "finished_at", "outcome", "error", "provider_message_id"]
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "recipient_or_address",
        "event",
        "channel",
        "status",
        "attempts",
        "dossier_code",
        "short_error",
    ]
    list_filter = ["status", "channel", "event", "created_at"]
    search_fields = ["dossier_code", "address", "recipient__email", "provider_message_id", "=key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    inlines = [DeliveryAttemptInline]
    actions = ["send_again"]
    readonly_fields = [
        "key",
        "recipient",
        "event",
        "channel",
        "language",
        "address",
        "subject",
        "body",
        "link",
        "context",
        "dossier_id",
        "dossier_code",
        "dedupe_key",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "provider_message_id",
        "last_error",
        "created_at",
        "sent_at",
        "delivered_at",
        "failed_at",
        "read_at",
    ]

    @admin.display(description=_("recipient"), ordering="recipient")
    def recipient_or_address(self, obj):
        return obj.recipient_label

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description=_("Send the selected failed notifications again"), permissions=["change"])
    def send_again(self, request, queryset):
        count = services.resend(notifications=queryset.filter(status=Status.FAILED))
        self.message_user(
            request,
            ngettext("%(count)d notification queued again.", "%(count)d notifications queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_change_permission(self, request, obj=None):
        # The action needs "change"; the form itself shows every field read-only.
        return request.user.is_active and request.user.is_superuser
