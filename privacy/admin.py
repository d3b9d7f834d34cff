from django.contrib import admin

from .models import Consent, CorrectionRequest, DataExport, PrivacyNotice


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        # A published version is what people consented to: it is never edited, a change is a new version.
        return ["version", "title", "text", "published_at"] if obj is not None else []


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "purpose", "notice", "how", "at", "withdrawn_at"]
    list_filter = ["purpose", "how"]
    readonly_fields = ["user", "purpose", "notice", "how", "at", "withdrawn_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "subject", "status", "created_at", "deadline"]
    list_filter = ["status", "subject"]
    readonly_fields = [f.name for f in CorrectionRequest._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    list_display = ["user", "at", "size_bytes", "file_count", "seconds"]
    readonly_fields = ["user", "at", "size_bytes", "file_count", "seconds"]

    def has_add_permission(self, request):
        return False
