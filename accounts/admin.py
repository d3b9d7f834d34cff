from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AgencyMembership, CitizenProfile, SignIn, User


class AgencyMembershipInline(admin.TabularInline):
    model = AgencyMembership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_active", "locked_until"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined", "failed_login_count", "locked_until"]
    inlines = [AgencyMembershipInline]
    actions = ["unlock"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "language", "role")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Sign-in"), {"fields": ("last_login", "date_joined", "failed_login_count", "locked_until")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "role", "password1", "password2")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or "role" in form.changed_data:
            services.set_role(user=obj, role=obj.role)
        if not change:
            services.confirm_email_by_administrator(user=obj)

    @admin.action(description=_("Unlock the selected accounts"))
    def unlock(self, request, queryset):
        for user in queryset:
            services.unlock_account(user=user)


@admin.register(CitizenProfile)
class CitizenProfileAdmin(admin.ModelAdmin):
    list_display = ["full_name", "personal_id", "phone", "phone_verified_at", "province"]
    search_fields = ["full_name", "personal_id", "phone", "user__email"]
    raw_id_fields = ["user"]
    # Set by the citizen's SMS code only (accounts.services.confirm_phone); an edited number is unverified.
    readonly_fields = ["phone_verified", "phone_verified_at"]


@admin.register(SignIn)
class SignInAdmin(admin.ModelAdmin):
    """Every account's sign-ins and refused attempts, read-only: in a breach, which accounts an address
    signed in to, and when (docs/runbook.md, "Data breach")."""

    list_display = ["at", "user", "method", "succeeded", "ip", "user_agent"]
    list_filter = ["succeeded", "method"]
    search_fields = ["user__email", "ip"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
