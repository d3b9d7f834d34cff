"""allauth's OpenID Connect provider, kept for the flow (state, PKCE, the callback), with what the national
identity sign-in needs on top: a nonce in every request, acr_values from settings, and accounts keyed on the
personal ID number or tax code (never on an email). Its adapter (views.py) checks the ID token."""

import secrets

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.conf import settings

from .claims import claims_of, identity_from_claims
from .views import NationalIdentityAdapter


class NationalIdentityProvider(OpenIDConnectProvider):
    oauth2_adapter_class = NationalIdentityAdapter
    # allauth's token login (headless apps posting an ID token) is not offered: only the redirect flow.
    supports_token_authentication = False

    def get_default_scope(self):
        return list(settings.NATIONAL_IDENTITY["scope"])

    def get_auth_params(self):
        params = super().get_auth_params()
        if settings.NATIONAL_IDENTITY["acr_values"]:
            params["acr_values"] = settings.NATIONAL_IDENTITY["acr_values"]
        return params

    def get_auth_params_from_request(self, request, action):
        """allauth lets ?auth_params= add to the request sent to the provider; the portal sends its own."""
        return self.get_auth_params()

    def get_scope_from_request(self, request):
        return self.get_scope()

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        """A fresh nonce per sign-in, sent to the provider and kept in allauth's single-use state (the
        session), so the ID token that comes back must have been issued for this very request."""
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params["nonce"] = nonce
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )

    def extract_uid(self, data):
        return identity_from_claims(claims_of(data)).key

    def extract_common_fields(self, data):
        identity = identity_from_claims(claims_of(data))
        return {"name": identity.full_name}

    def extract_email_addresses(self, data):
        """The service's email is contact data, never a way in: no EmailAddress is made from it."""
        return []

    def verify_token(self, request, token):
        """allauth's token sign-in (an app posting an ID token it got elsewhere) is refused outright: such a
        token carries no nonce or PKCE bound to this browser, so the only way in is the redirect flow."""
        raise get_adapter().validation_error("invalid_token")


provider_classes = [NationalIdentityProvider]
