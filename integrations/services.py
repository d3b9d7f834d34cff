"""Use cases of the API's clients: create one (with its key or its OAuth 2.0 credentials), issue and revoke
keys, check a presented key. Each write is one transaction; a secret is returned once and only its hash is
stored."""

import datetime
import secrets
from dataclasses import dataclass

from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model

from common import clock
from procedures.models import Agency

from .models import ApiClient, ApiKey, Scope, hash_key

KEY_PREFIX = "dvc"  # what a key starts with: dvc_<prefix>_<secret>
# A used key's last_used_at is written at most this often: not one UPDATE per request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


class ClientError(ValueError):
    """A client cannot be created as asked (unknown agency or scope, duplicate name)."""


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    secret: str  # the whole key, shown once


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str  # shown once


def _agencies(codes: list[str]) -> list[Agency]:
    agencies = list(Agency.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {agency.code for agency in agencies})
    if missing or not codes:
        raise ClientError(f"No agency has the code(s): {', '.join(missing) or '(none given)'}.")
    return agencies


def create_client(
    *,
    name: str,
    contact: str,
    agency_codes: list[str],
    scopes: list[str],
    rate_limit_per_minute: int = 60,
    created_by=None,
) -> ApiClient:
    """A client reading the dossiers of these agencies, with these scopes."""
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown or not scopes:
        raise ClientError(f"Unknown scope(s): {', '.join(unknown) or '(none given)'}.")
    agencies = _agencies(agency_codes)
    with transaction.atomic():
        if ApiClient.objects.filter(name=name).exists():
            raise ClientError(f"A client named {name!r} exists already.")
        client = ApiClient.objects.create(
            name=name,
            contact=contact,
            scopes=sorted(set(scopes)),
            rate_limit_per_minute=rate_limit_per_minute,
            created_by=created_by,
        )
        client.agencies.set(agencies)
    return client


def issue_key(*, client: ApiClient, label: str = "", expires_at=None, secret: str | None = None) -> IssuedKey:
    """A new key for the client. `secret` only for the demo's documented key; otherwise a random one."""
    prefix = secrets.token_hex(4)
    whole = secret or f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    prefix = key_prefix(whole) or prefix
    with transaction.atomic():
        key = ApiKey.objects.create(
            client=client, prefix=prefix, key_hash=hash_key(whole), label=label, expires_at=expires_at
        )
    return IssuedKey(key=key, secret=whole)


def revoke_key(*, key: ApiKey) -> ApiKey:
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is None:
            key.revoked_at = clock.now()
            key.save(update_fields=["revoked_at"])
    return key


def enable_client_credentials(*, client: ApiClient) -> ClientCredentials:
    """A confidential django-oauth-toolkit application with the client-credentials grant, linked to the
    client (a new secret when it had one: the old one stops working)."""
    Application = get_application_model()
    secret = generate_client_secret()
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().get(pk=client.pk)
        application = client.application or Application(name=f"API: {client.name}"[:255])
        application.client_type = Application.CLIENT_CONFIDENTIAL
        application.authorization_grant_type = Application.GRANT_CLIENT_CREDENTIALS
        application.client_secret = secret
        application.redirect_uris = ""
        application.save()
        if client.application_id != application.pk:
            client.application = application
            client.save(update_fields=["application"])
    return ClientCredentials(client_id=application.client_id, client_secret=secret)


def key_prefix(presented: str) -> str | None:
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not 0 < len(parts[1]) <= 16:
        return None
    return parts[1]


def client_for_key(presented: str) -> ApiClient | None:
    """The active client whose usable key this is, or None (unknown, revoked, expired, inactive client);
    notes when the key was last used."""
    prefix = key_prefix(presented)
    if prefix is None:
        return None
    key = ApiKey.objects.select_related("client").filter(prefix=prefix).first()
    now = clock.now()
    if key is None or not secrets.compare_digest(key.key_hash, hash_key(presented)):
        return None
    if not key.is_usable(now) or not key.client.active:
        return None
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key.client
