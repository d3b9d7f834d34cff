"""How the OpenAPI schema (/api/schema/) describes the API's two ways in, with the scope each operation
needs. Loaded by IntegrationsConfig.ready()."""

from django.urls import reverse
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from .models import Scope


class ClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.authentication.ClientTokenAuthentication"
    name = "oauth2ClientCredentials"
    priority = 1

    def get_security_requirement(self, auto_schema):
        return {self.name: [str(auto_schema.view.required_scope)]}

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "description": "OAuth 2.0 client credentials: POST grant_type=client_credentials (and optionally "
            "scope) with the client id and secret (HTTP Basic) to the token URL; send the access token as "
            "`Authorization: Bearer <token>`.",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": reverse("integrations:token"),
                    "scopes": {scope.value: str(scope.label) for scope in Scope},
                }
            },
        }


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "An API key of the client (also accepted as `Authorization: ApiKey <key>`); it "
            "carries every scope of its client.",
        }
