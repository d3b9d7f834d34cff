"""Who calls the dossier API: an API key (header `Authorization: ApiKey <key>` or `X-API-Key: <key>`) or an
OAuth 2.0 client-credentials token (`Authorization: Bearer <token>`) of an application linked to a client.
Both answer the same thing: the client and the scopes it may use now. A request that carries no
credential, or one that is unknown, revoked, expired or belongs to an inactive client, is a 401."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from . import services
from .models import ApiClient

INVALID_CREDENTIAL = _("The API key or token is unknown, revoked or expired, or its client is disabled.")


@dataclass(frozen=True)
class ClientIdentity:
    """`request.auth` of an API request: the client, its agencies' ids and the scopes it may use."""

    client: ApiClient
    scopes: frozenset[str]
    agency_ids: frozenset[int]

    @classmethod
    def of(cls, client: ApiClient, scopes) -> "ClientIdentity":
        agency_ids = frozenset(client.agencies.values_list("pk", flat=True))
        return cls(client=client, scopes=client.granted(scopes), agency_ids=agency_ids)


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "ApiKey"

    def authenticate(self, request):
        presented = request.META.get("HTTP_X_API_KEY", "")
        header = get_authorization_header(request).split()
        if header and header[0].lower() == self.keyword.lower().encode():
            if len(header) != 2:
                raise AuthenticationFailed(_("Write the header as: Authorization: ApiKey <key>."))
            try:
                presented = header[1].decode()
            except UnicodeDecodeError as error:
                raise AuthenticationFailed(INVALID_CREDENTIAL) from error
        if not presented:
            return None
        client = services.client_for_key(presented.strip())
        if client is None:
            raise AuthenticationFailed(INVALID_CREDENTIAL)
        return AnonymousUser(), ClientIdentity.of(client, client.scopes)

    def authenticate_header(self, request):
        return self.keyword


class ClientTokenAuthentication(OAuth2Authentication):
    """django-oauth-toolkit's bearer token check, then the token's application must be an active client's;
    its scopes are the token's that the client still holds."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            if get_authorization_header(request).lower().startswith(b"bearer "):
                raise AuthenticationFailed(INVALID_CREDENTIAL)
            return None
        _user, token = found
        client = (
            ApiClient.objects.filter(application_id=token.application_id, active=True).first()
            if token.application_id
            else None
        )
        if client is None:
            raise AuthenticationFailed(INVALID_CREDENTIAL)
        return AnonymousUser(), ClientIdentity.of(client, token.scope.split())
