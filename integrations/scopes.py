"""django-oauth-toolkit's scopes backend (OAUTH2_PROVIDER["SCOPES_BACKEND_CLASS"]): an application linked
to an API client may ask for that client's scopes (all of them by default); every other application (the
sandbox identity provider's) keeps the settings' scopes (openid)."""

from oauth2_provider.scopes import SettingsScopes

from .models import ApiClient, Scope

API_SCOPES = set(Scope.values)


def _client_of(application) -> ApiClient | None:
    if application is None or not getattr(application, "pk", None):
        return None
    return ApiClient.objects.filter(application_id=application.pk).first()


class PortalScopes(SettingsScopes):
    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        client = _client_of(application)
        if client is not None:
            return list(client.scopes) if client.active else []
        return [
            scope for scope in super().get_available_scopes(application, request) if scope not in API_SCOPES
        ]

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        client = _client_of(application)
        if client is not None:
            return list(client.scopes) if client.active else []
        return super().get_default_scopes(application, request)
