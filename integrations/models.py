"""Who may call the dossier API (/api/v1/): a client of the province's systems (monitoring, the provincial
data-sharing platform), limited to some agencies and scopes, authenticated by an API key or by an OAuth 2.0
client-credentials token of its linked django-oauth-toolkit application."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from oauth2_provider.settings import oauth2_settings

from common import clock
from procedures.models import Agency


class Scope(models.TextChoices):
    READ = "dossiers:read", _("Read dossiers, their status history and documents' metadata")
    DOCUMENTS = "dossiers:documents", _("Download the documents' files")
    COUNTS = "dossiers:counts", _("Count dossiers by state")


def scope_list_is_known(value) -> None:
    from django.core.exceptions import ValidationError

    unknown = sorted(set(value or []) - set(Scope.values)) if isinstance(value, list) else ["?"]
    if unknown:
        raise ValidationError(_("Unknown scopes: %(scopes)s.") % {"scopes": ", ".join(map(str, unknown))})


class ApiClient(models.Model):
    """A system of the province that reads dossiers of its agencies, and only those."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    contact = models.CharField(
        _("contact"), max_length=300, help_text=_("Who runs the system: a person, an email, a phone.")
    )
    active = models.BooleanField(pgettext_lazy("api client", "active"), default=True)
    agencies = models.ManyToManyField(Agency, related_name="+", verbose_name=_("agencies"))
    scopes = models.JSONField(
        _("scopes"), default=list, validators=[scope_list_is_known], help_text=", ".join(Scope.values)
    )
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=60)
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="api_client",
        verbose_name=_("OAuth 2.0 application (client credentials)"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=clock.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self):
        return self.name

    def granted(self, scopes) -> frozenset[str]:
        """The scopes a credential carries that this client still holds (a token keeps the scopes it was
        issued with; the client's may have been narrowed since)."""
        return frozenset(scopes) & frozenset(self.scopes)


def hash_key(key: str) -> str:
    """Keys are 256-bit random strings: a plain SHA-256 is enough (no password stretching needed)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKey(models.Model):
    """A secret shown once at creation; only its hash is kept, with a short prefix to find it."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="keys")
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=clock.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.prefix}…"

    def is_usable(self, now=None) -> bool:
        now = now or clock.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
