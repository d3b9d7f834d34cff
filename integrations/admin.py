"""API clients and their keys in the admin. A key's secret, and the OAuth 2.0 client secret, are shown once
on the page that made them; only their hashes are kept."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ApiClient, ApiKey, Scope


class UnderlinedBreadcrumbs:
    class Media:
        css = {"all": ["integrations/admin.css"]}


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiClient
        fields = ["name", "contact", "active", "agencies", "scopes", "rate_limit_per_minute"]


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    fields = ["prefix", "label", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # a key is made on the key's own add page, which shows it once


@admin.register(ApiClient)
class ApiClientAdmin(UnderlinedBreadcrumbs, admin.ModelAdmin):
    form = ApiClientForm
    list_display = ["name", "active", "rate_limit_per_minute", "application", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "contact"]
    filter_horizontal = ["agencies"]
    readonly_fields = ["application", "created_by", "created_at"]
    inlines = [ApiKeyInline]
    actions = ["issue_client_credentials"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Issue OAuth 2.0 client credentials (a new secret, shown once)"))
    def issue_client_credentials(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one client."), messages.ERROR)
            return None
        credentials = services.enable_client_credentials(client=queryset.get())
        context = {
            **self.admin_site.each_context(request),
            "title": _("Client credentials"),
            "client": queryset.get(),
            "credentials": credentials,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/integrations/issued_secret.html", context)


class ApiKeyAddForm(forms.ModelForm):
    # One labelled input (the admin's split date and time inputs have no label of their own).
    expires_at = forms.DateTimeField(
        label=_("expires"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
    )

    class Meta:
        model = ApiKey
        fields = ["client", "label", "expires_at"]


@admin.register(ApiKey)
class ApiKeyAdmin(UnderlinedBreadcrumbs, admin.ModelAdmin):
    list_display = ["prefix", "client", "label", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["client"]
    list_select_related = ["client"]
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["client", "label", "expires_at"]
        return ["client", "prefix", "label", "created_at", "expires_at", "revoked_at", "last_used_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["client", "prefix", "label", "created_at", "revoked_at", "last_used_at"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = services.issue_key(
            client=form.cleaned_data["client"],
            label=form.cleaned_data["label"],
            expires_at=form.cleaned_data["expires_at"],
        )
        obj.pk = issued.key.pk
        request._issued_api_key = issued

    def response_add(self, request, obj, post_url_continue=None):
        issued = getattr(request, "_issued_api_key", None)
        if issued is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": _("New API key"),
            "client": issued.key.client,
            "api_key": issued.secret,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/integrations/issued_secret.html", context)

    def log_addition(self, request, obj, message):
        obj.refresh_from_db()
        return super().log_addition(request, obj, message)

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset:
            services.revoke_key(key=key)
        self.message_user(request, _("The keys are revoked."), messages.SUCCESS)
