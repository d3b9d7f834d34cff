import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.audit import APPEND_ONLY, AppendOnlyModel
from common.predicates import FieldIs

from .events import Event


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    PORTAL = "portal", _("In the portal")


class Status(models.TextChoices):
    CREATED = "created", _("Waiting to be sent")
    SENDING = "sending", pgettext_lazy("notification state", "Sending")
    SENT = "sent", pgettext_lazy("notification state", "Sent")
    DELIVERED = "delivered", pgettext_lazy("notification state", "Delivered")
    FAILED = "failed", pgettext_lazy("notification state", "Failed")


class NotificationQuerySet(models.QuerySet):
    def inbox_of(self, user):
        """The in-portal notices of one person, newest first."""
        return self.filter(recipient=user, channel=Channel.PORTAL).order_by("-created_at", "-pk")

    def unread_by(self, user):
        return self.filter(recipient=user, channel=Channel.PORTAL, read_at__isnull=True)


class Notification(models.Model):
    """The outbox: one row per recipient, event and channel, written in the transaction of the change that
    causes it and sent by a Celery task after commit (or by the sweeper, if that task never ran).

    The text is rendered when the row is written, in the recipient's language (LANGUAGE_CODE for someone
    without an account), so the row records exactly what was said. `key` goes to the provider as the
    message reference, so a resend after a crash can be recognised. `dossier_id` is a plain reference:
    notifications sits below dossiers in the layering.
    """

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # None: someone without an account (a feedback sender known by phone, a desk applicant), reached only
    # at `address` on the channels the caller names — never in the portal.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8, default="vi")
    address = models.CharField(
        _("address"), max_length=254, blank=True, help_text=_("Email address or phone number when written.")
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    dossier_id = models.BigIntegerField(_("dossier"), null=True, blank=True, db_index=True)
    dossier_code = models.CharField(_("dossier code"), max_length=40, blank=True)
    dedupe_key = models.CharField(
        _("deduplication key"),
        max_length=100,
        blank=True,
        help_text=_("The same fact told twice (a repeated webhook, a job run twice) makes no second row."),
    )

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CREATED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    provider_message_id = models.CharField(_("provider's message id"), max_length=150, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The sweeper: rows still to send, by when they are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["created", "sending"]),
                name="notification_pending",
            ),
            models.Index(fields=["recipient", "channel", "-created_at"], name="notification_inbox"),
            # The unread count in the header of every page.
            models.Index(
                fields=["recipient"],
                condition=Q(channel="portal", read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["provider_message_id"], name="notification_provider_id"),
            models.Index(fields=["status", "-created_at"], name="notification_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "channel", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_unique_dedupe_key",
            ),
            # NULLs are distinct in a unique index: the rows without an account get a constraint of their own.
            models.UniqueConstraint(
                fields=["channel", "dedupe_key"],
                condition=Q(recipient__isnull=True) & ~Q(dedupe_key=""),
                name="notification_unique_dedupe_key_no_account",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(channel="portal"),
                name="notification_portal_needs_account",
            ),
        ]

    def __str__(self):
        return f"{self.get_event_display()} → {self.recipient_label} ({self.get_channel_display()})"

    @property
    def recipient_label(self) -> str:
        """The account, or for someone without one the address the notice went to."""
        return str(self.recipient) if self.recipient_id is not None else self.address

    @property
    def is_unread(self) -> bool:
        return self.channel == Channel.PORTAL and self.read_at is None

    # Given up on: staff read `last_error` to find out why.
    failed = FieldIs("status", Status.FAILED)


class DeliveryAttempt(AppendOnlyModel):
    """One try at handing a notification to its provider: the row staff read when something failed.
    Append-only: the notification it belongs to can no longer be deleted."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Accepted by the provider")
        RETRY = "retry", _("Temporary error, will retry")
        FAILED = "failed", _("Permanent error")

    notification = models.ForeignKey(Notification, on_delete=models.PROTECT, related_name="delivery_attempts")
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    error = models.TextField(_("error"), blank=True)
    provider_message_id = models.CharField(_("provider's message id"), max_length=150, blank=True)

    class Meta:
        ordering = ["notification", "number"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        triggers = [APPEND_ONLY]

    def __str__(self):
        return f"#{self.notification_id} try {self.number}: {self.outcome}"
