"""Sync of dossiers to the national public-service portal (Cổng DVCQG), the portal's third outbox.

A `SyncItem` is an outbox row written in the transaction of the dossier change it reports (dossier hook):
one `dossier` row (create or update the dossier's record there) and one `step` row (a line of its processing
progress) per audited change. Rows of one dossier are sent in the order they were written: a row is claimed
only when every earlier row of its dossier is done, so an older status never lands after a newer one.
`StatusMapping` is the admin-edited table from our states and actions to the national status codes;
`PortalSession` is the adapter's shared session; `UnitCode` the national unit code (madonvi) of an agency.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.predicates import FieldIs
from dossiers.models import Dossier, DossierEvent
from procedures.models import Agency


class ItemKind(models.TextChoices):
    DOSSIER = "dossier", _("Dossier record")
    STEP = "step", _("Processing step")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SYNCED = "synced", _("Synced")
    SKIPPED = "skipped", _("Not tracked by the national portal")
    FAILED = "failed", pgettext_lazy("national sync", "Failed")


# Rows that no longer hold the later rows of their dossier back.
DONE_STATUSES = [ItemStatus.SYNCED, ItemStatus.SKIPPED]
NO_MAPPING = "no_mapping"


class SyncItemQuerySet(models.QuerySet):
    def of_agency(self, agency: Agency):
        return self.filter(dossier__receiving_agency=agency)

    def unsynced(self):
        return self.exclude(status__in=DONE_STATUSES)


class SyncItem(models.Model):
    """One report to the national portal: the dossier's record (create/update) or one processing step."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="national_sync_items", verbose_name=_("dossier")
    )
    # No database constraint: the audit table is append-only and hash-chained, and `verify_audit` must still
    # report an event removed behind the portal's back (in SQL) instead of the removal being refused here.
    event = models.ForeignKey(
        DossierEvent,
        # Audit rows are never deleted: the database's append-only trigger refuses it (tested), not Django.
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        verbose_name=_("dossier event"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    error_code = models.CharField(_("error code"), max_length=20, blank=True)
    # The change's time (the event's), so the lag runs from the change to the national portal's "00".
    created_at = models.DateTimeField(_("changed at"))
    synced_at = models.DateTimeField(_("synced at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)

    objects = SyncItemQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("national sync item")
        verbose_name_plural = _("national sync items")
        constraints = [models.UniqueConstraint(fields=["event", "kind"], name="one_sync_item_per_event_kind")]
        indexes = [
            models.Index(fields=["dossier", "id"]),
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["status", "failed_at"]),
        ]

    def __str__(self):
        return f"{self.dossier_id} {self.kind} #{self.pk}"

    is_failed = FieldIs("status", ItemStatus.FAILED)
    is_synced = FieldIs("status", ItemStatus.SYNCED)

    @property
    def status_label(self) -> str:
        return str(ItemStatus(self.status).label)


class StatusMapping(models.Model):
    """Our state or action → the national status code (TrangThaiHoSo, a step's TrangThai). Data an admin
    edits: a state or action without a row is never sent (the item fails with "no mapping for …")."""

    class Kind(models.TextChoices):
        STATE = "state", pgettext_lazy("mapping kind", "Dossier state")
        ACTION = "action", pgettext_lazy("mapping kind", "Action")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("our value"), max_length=40)
    national_code = models.CharField(
        _("national status code"),
        max_length=10,
        blank=True,
        help_text=_("For an action: leave empty to use the code of the state the dossier is in after it."),
    )
    national_label = models.CharField(
        _("national label"),
        max_length=200,
        help_text=_("For an action: what was done, as the national portal shows it (NoiDungXuLy)."),
    )
    sends_step = models.BooleanField(
        _("sends a processing step"),
        default=True,
        help_text=_("For an action: whether it is sent to the national portal as a processing step."),
    )

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = _("national status mapping")
        verbose_name_plural = _("national status mappings")
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="one_mapping_per_value")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value} → {self.national_code}"

    @property
    def our_label(self) -> str:
        """Our value in words (the state's or the action's label); the raw value when it is unknown."""
        from dossiers.models import State

        choices = State if self.kind == self.Kind.STATE else DossierEvent.Action
        return str(choices(self.value).label) if self.value in choices.values else self.value


class PortalSession(models.Model):
    """The national portal's session, shared by every worker so each does not log in again; renewed once
    when the portal says it expired."""

    name = models.CharField(max_length=40, unique=True, default="default")
    token = models.TextField(blank=True)
    obtained_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("national portal session")
        verbose_name_plural = _("national portal sessions")

    def __str__(self):
        return self.name


class UnitCode(models.Model):
    """The national unit code (madonvi) an agency's dossiers are sent under; without a row, the agency's
    own code."""

    agency = models.OneToOneField(
        Agency, on_delete=models.CASCADE, related_name="national_unit_code", verbose_name=_("agency")
    )
    code = models.CharField(_("national unit code"), max_length=40)

    class Meta:
        verbose_name = _("national unit code")
        verbose_name_plural = _("national unit codes")

    def __str__(self):
        return f"{self.agency} → {self.code}"


def unit_code(agency: Agency) -> str:
    """The agency's national unit code, else its own code. Read through the reverse one-to-one: select
    `national_unit_code` with the agency and it costs no query (a missing row is cached as missing too)."""
    try:
        return agency.national_unit_code.code
    except UnitCode.DoesNotExist:
        return agency.code
