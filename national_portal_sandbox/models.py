"""What the sandbox national public-service portal holds: its switches, the sessions it issued, the dossiers
and processing steps it received, and every call it answered."""

import json
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

NATIONAL_STATUS_LABELS = {
    "1": _("Newly registered"),
    "2": _("Accepted for processing"),
    "3": _("Not accepted for processing"),
    "4": _("Being processed"),
    "5": _("Additional papers requested"),
    "6": _("Financial obligation requested"),
    "7": _("Withdrawal requested by the citizen"),
    "8": _("Processing stopped"),
    "9": _("Processing finished"),
    "10": _("Result returned"),
}


def national_status_label(code: str) -> str:
    return str(NATIONAL_STATUS_LABELS.get(code, "")) or "—"


def national_date_display(value: str) -> str:
    """yyyyMMddHHmmss (the contract's dates) as dd/mm/yyyy HH:MM; the raw text when it is not one."""
    if not value:
        return "—"
    try:
        return datetime.strptime(value, "%Y%m%d%H%M%S").strftime("%d/%m/%Y %H:%M")
    except (TypeError, ValueError):
        return str(value)


def _contract_setting(name: str) -> str:
    return str(getattr(settings, "NATIONAL_PORTAL", {}).get(name, "") or "")


class SandboxSettings(models.Model):
    """One row (pk 1): whether the sandbox is down, the share of calls it fails, how long its sessions live
    and the credentials it accepts (by default the portal's own NATIONAL_PORTAL settings)."""

    SINGLETON_PK = 1

    down = models.BooleanField(_("down"), default=False)
    failure_rate = models.FloatField(_("share of failing calls"), default=0.0)
    session_ttl_seconds = models.PositiveIntegerField(_("session lifetime (seconds)"), default=1800)
    username = models.CharField(_("accepted username"), max_length=150, blank=True)
    password = models.CharField(_("accepted password"), max_length=150, blank=True)
    calls_counted = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("sandbox national portal settings")
        verbose_name_plural = _("sandbox national portal settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls) -> "SandboxSettings":
        defaults = {"username": _contract_setting("USERNAME"), "password": _contract_setting("PASSWORD")}
        return cls.objects.get_or_create(pk=cls.SINGLETON_PK, defaults=defaults)[0]


class SandboxSession(models.Model):
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"session until {self.expires_at:%Y-%m-%d %H:%M:%S}"


class NationalDossier(models.Model):
    """A dossier as the national portal holds it: the last fields sent, plus key columns for the page."""

    code = models.CharField(_("dossier code"), max_length=64, unique=True)  # MaHoSo
    unit_code = models.CharField(_("unit code"), max_length=64)  # madonvi
    procedure_code = models.CharField(_("procedure code"), max_length=64, blank=True)
    status_code = models.CharField(_("national status code"), max_length=8, blank=True)
    due_at = models.CharField(_("due date"), max_length=14, blank=True)  # NgayHenTra, yyyyMMddHHmmss
    fields = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    update_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self):
        return self.code

    @property
    def status_label(self) -> str:
        return national_status_label(self.status_code)

    @property
    def due_at_display(self) -> str:
        return national_date_display(self.due_at)


class NationalStep(models.Model):
    """One processing step, stored once per (MaHoSo, ThoiDiemXuLy, TrangThai, NoiDungXuLy) — step_key is
    the hash of those four — in the order steps arrived (received_seq, per dossier)."""

    dossier = models.ForeignKey(NationalDossier, on_delete=models.CASCADE, related_name="steps")
    received_seq = models.PositiveIntegerField()
    step_key = models.CharField(max_length=64)
    acted_at = models.CharField(max_length=14)  # ThoiDiemXuLy
    status_code = models.CharField(max_length=8)  # TrangThai
    content = models.TextField()  # NoiDungXuLy
    fields = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dossier", "received_seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "step_key"], name="national_step_once"),
            models.UniqueConstraint(fields=["dossier", "received_seq"], name="national_step_seq_once"),
        ]

    def __str__(self):
        return f"{self.dossier_id} #{self.received_seq}"

    @property
    def status_label(self) -> str:
        return national_status_label(self.status_code)

    @property
    def acted_at_display(self) -> str:
        return national_date_display(self.acted_at)


class ReceivedCall(models.Model):
    """Every call the sandbox answered (the password is masked), newest first on the page."""

    endpoint = models.CharField(max_length=16)  # "login" or "service"
    service = models.CharField(max_length=64, blank=True)
    unit_code = models.CharField(max_length=64, blank=True)
    dossier_code = models.CharField(max_length=64, blank=True)
    request = models.JSONField(default=dict)
    http_status = models.PositiveSmallIntegerField()
    error_code = models.CharField(max_length=8, blank=True)
    answer = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.endpoint} {self.service} {self.error_code}"

    @property
    def succeeded(self) -> bool:
        from .protocol import error_code

        return self.http_status == 200 and self.error_code in (error_code("ok"), error_code("login_ok"))

    @property
    def request_json(self) -> str:
        return json.dumps(self.request, ensure_ascii=False, indent=2)

    @property
    def answer_json(self) -> str:
        return json.dumps(self.answer, ensure_ascii=False, indent=2)
