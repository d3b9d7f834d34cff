"""Payments in the admin: read-only records (every change goes through the services and the gateway), with
the filters support and finance use to find a payment."""

from django.contrib import admin

from common.admin import ReadOnlyMixin

from .models import IpnLog, PaymentAttempt, ReconciliationRun, Refund, RefundTry, SettlementFile


class IpnLogInline(ReadOnlyMixin, admin.TabularInline):
    model = IpnLog
    extra = 0
    fields = ["received_at", "source", "outcome", "rsp_code", "flagged", "note"]
    readonly_fields = fields
    can_delete = False


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["txn_ref", "dossier", "amount", "gateway", "state", "created_at", "paid_at", "flagged"]
    list_filter = ["state", "gateway", "flagged"]
    search_fields = ["txn_ref", "gateway_transaction_no", "dossier__code"]
    list_select_related = ["dossier"]
    date_hierarchy = "created_at"
    inlines = [IpnLogInline]


class RefundTryInline(ReadOnlyMixin, admin.TabularInline):
    model = RefundTry
    extra = 0
    fields = ["at", "request_id", "outcome", "response_code", "message"]
    readonly_fields = fields
    can_delete = False


@admin.register(Refund)
class RefundAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["voucher_number", "dossier_code", "amount", "decision", "status", "tries", "requested_at"]
    list_filter = ["status", "decision"]
    search_fields = ["voucher_number", "dossier_code", "payment_reference", "payer_name"]
    inlines = [RefundTryInline]


@admin.register(IpnLog)
class IpnLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "received_at",
        "gateway",
        "source",
        "txn_ref",
        "outcome",
        "rsp_code",
        "flagged",
        "duration_ms",
    ]
    list_filter = ["outcome", "flagged", "source", "gateway"]
    search_fields = ["txn_ref"]
    date_hierarchy = "received_at"


@admin.register(SettlementFile)
class SettlementFileAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["day", "gateway", "file_name", "imported_at", "imported_by"]
    list_filter = ["gateway"]


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["day", "gateway", "portal_total", "gateway_total", "mismatch_count", "ran_at"]
    list_filter = ["gateway"]
