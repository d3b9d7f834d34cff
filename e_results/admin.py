from django.contrib import admin

from .models import SignedResult


@admin.register(SignedResult)
class SignedResultAdmin(admin.ModelAdmin):
    list_display = ["result_number", "dossier", "status", "signed_at", "attempts"]
    list_filter = ["status"]
    search_fields = ["result_number", "dossier__code", "sha256"]
    readonly_fields = [field.name for field in SignedResult._meta.fields]

    def has_add_permission(self, request):
        return False
