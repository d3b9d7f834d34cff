import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from common import clock
from dossiers.models import Dossier, DossierDocument, StoredFile


def new_verification_code() -> str:
    return secrets.token_urlsafe(18)


class SignedResult(models.Model):
    """The signed copy of one result document of an approved dossier (Decree 45/2020: an e-result signed by
    the agency equals the paper one). A failed signing keeps the approval; staff can sign again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be signed")
        SIGNED = "signed", _("Signed")
        FAILED = "failed", _("Not signed")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="signed_results")
    document = models.OneToOneField(DossierDocument, on_delete=models.CASCADE, related_name="signed_result")
    signed_file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    result_number = models.CharField(_("result number"), max_length=60, unique=True)
    verification_code = models.CharField(max_length=40, unique=True, default=new_verification_code)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    certificate_serial = models.CharField(max_length=80, blank=True)
    certificate_subject = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    # The signing outbox: a worker holds the row until lease_until (the claim's token); the sweeper queues
    # again a pending row nobody holds whose task was last queued before the grace period.
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    queued_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["dossier", "id"]
        indexes = [
            # The sweeper's scan: only the few rows still waiting are in it.
            models.Index(
                fields=["queued_at"],
                condition=models.Q(status="pending"),
                name="signed_result_waiting_queued",
            ),
        ]
        verbose_name = _("signed e-result")
        verbose_name_plural = _("signed e-results")

    def __str__(self):
        return self.result_number
