"""Personal-data rights (Law 91/2025/QH15 on Personal Data Protection; Decree 13/2023/NĐ-CP before it): the
privacy notice and the consents given to it, correction requests, and the record of each "my data" export.
What the portal holds about a person, why, how long and what account deletion does to it: data_kinds.py."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import clock


class PrivacyNotice(models.Model):
    """One version of the privacy notice (thông báo xử lý dữ liệu cá nhân). A new version is a new row:
    citizens who accepted an older one are asked again (privacy.middleware)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text (Vietnamese)"))
    published_at = models.DateTimeField(_("in force from"), default=clock.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self):
        return f"{self.title} (v{self.version})"


class Consent(models.Model):
    """A consent given, with its time and how; withdrawing it stamps `withdrawn_at` and a new consent is a
    new row, so the history stays (the controller must be able to prove consent: Decree 13 art. 11)."""

    class Purpose(models.TextChoices):
        NOTICE = "notice", _("Processing described in the privacy notice")
        EMAIL = "email", _("Notices by email")
        SMS = "sms", _("Notices by SMS")

    class How(models.TextChoices):
        SIGNUP = "signup", _("At sign-up")
        RECONSENT = "reconsent", _("Accepted a new version of the notice")
        PRIVACY_PAGE = "privacy_page", _("On the privacy page")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consents", verbose_name=_("account")
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.NOTICE)
    notice = models.ForeignKey(
        PrivacyNotice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("notice"),
    )
    how = models.CharField(_("how"), max_length=15, choices=How.choices)
    at = models.DateTimeField(_("given"), default=clock.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["user", "purpose", "-at"], name="consent_latest")]

    def __str__(self):
        return f"{self.user_id} {self.purpose} {self.at:%Y-%m-%d %H:%M}"


class CorrectionRequest(models.Model):
    """A citizen asks to correct data they cannot edit themselves (identity from the national identity
    service, a filed dossier's applicant data). Staff answer by the deadline (PRIVACY_CORRECTION_WORKING_DAYS
    working days: Law 91/2025 and Decree 13 art. 15 ask for a correction "as soon as possible")."""

    class Subject(models.TextChoices):
        IDENTITY = "identity", _("My identity details (name, date of birth, ID number)")
        DOSSIER = "dossier", _("The applicant details of a dossier")
        OTHER = "other", _("Other data the portal holds about me")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        DONE = "done", _("Corrected")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="correction_requests",
        verbose_name=_("account"),
    )
    subject = models.CharField(_("what to correct"), max_length=10, choices=Subject.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dossier"),
    )
    requested_change = models.TextField(_("the correction you ask for"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    created_at = models.DateTimeField(_("received"), default=clock.now, editable=False)
    deadline = models.DateField(_("answer due by"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True, max_length=2000)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        permissions = [("handle_correctionrequest", _("Can handle personal-data correction requests"))]

    def __str__(self):
        return f"#{self.pk} {self.get_subject_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.RECEIVED

    def is_overdue(self, today=None) -> bool:
        return self.is_open and (today or clock.localdate()) > self.deadline


class DataExport(models.Model):
    """One "my data" archive built for a citizen: when, how big, how long it took. Rate-limits the
    downloads (PRIVACY_EXPORTS_PER_HOUR); the archive itself is never stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="data_exports",
        verbose_name=_("account"),
    )
    at = models.DateTimeField(_("built"), default=clock.now)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    file_count = models.PositiveIntegerField(_("files"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")
        permissions = [("view_register", _("Can view the personal-data processing register"))]

    def __str__(self):
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M}"
