"""The "my data" archive (Law 91/2025 right of access and portability): one ZIP with data.json (everything the
portal holds about the citizen, section by section) and files/ (their stored files). Written to a temporary
file on disk, never held in memory whole; the caller streams it (FileResponse) and the file goes away when
closed. `EXPORTED` names the section each model goes to and `NOT_EXPORTED` why a model is left out: the
coverage test checks that every model with a path to an account is in one of the two."""

import json
import tempfile
import time
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q

from common import clock

# Secrets and internals never written to the archive (hashes of codes, share tokens, key material).
NEVER = frozenset({"password", "code_hash", "token", "chain_hash", "client_ip_hash", "key", "secret", "data"})

EXPORTED: dict[str, str] = {
    "accounts.User": "account",
    "accounts.CitizenProfile": "profile",
    "account.EmailAddress": "email_addresses",
    "socialaccount.SocialAccount": "national_identity_links",
    "mfa.Authenticator": "sign_ins",
    "accounts.SignIn": "sign_ins.history",
    "usersessions.UserSession": "sign_ins.open_sessions",
    "dossiers.Dossier": "dossiers",
    "dossiers.DossierEvent": "dossiers[].events",
    "dossiers.DossierDocument": "dossiers[].documents",
    "dossiers.SupplementRequest": "dossiers[].supplement_requests",
    "dossiers.Apology": "dossiers[].apologies",
    "dossiers.StoredFile": "stored_files",
    "dossiers.StoredFileShare": "stored_files[].shares",
    "dossiers.Authorisation": "authorisations",
    "dossiers.DocumentAccess": "document_accesses",
    "e_results.SignedResult": "dossiers[].signed_results",
    "appointments.Appointment": "appointments",
    "postal.DeliveryOrder": "dossiers[].deliveries",
    "postal.DeliveryEvent": "dossiers[].deliveries[].events",
    "payments.PaymentAttempt": "payments",
    "payments.Refund": "refunds",
    "notifications.Notification": "notifications",
    "feedback.Feedback": "feedback",
    "feedback.SatisfactionRating": "dossiers[].satisfaction",
    "privacy.Consent": "consents",
    "privacy.CorrectionRequest": "correction_requests",
    "privacy.DataExport": "data_exports",
}

NOT_EXPORTED: dict[str, str] = {
    "accounts.PhoneVerification": "hashed one-time codes only; the verified phone is in the profile",
    "accounts.AgencyMembership": "staff accounts only",
    "account.EmailConfirmation": "one-time keys",
    "socialaccount.SocialToken": "secrets (and not stored: SOCIALACCOUNT_STORE_TOKENS = False)",
    "sessions.Session": "the sign-in session itself; sign-in times are in sign_ins",
    "identity_sandbox.SandboxPerson": "test identities of the sandbox, not a real person's",
    "oauth2_provider.Application": "API clients registered by staff",
    "oauth2_provider.AccessToken": "secrets of API clients",
    "oauth2_provider.RefreshToken": "secrets of API clients",
    "oauth2_provider.IDToken": "secrets of API clients",
    "oauth2_provider.Grant": "secrets of API clients",
    "oauth2_provider.DeviceGrant": "secrets of API clients",
    "integrations.ApiClient": "API clients registered by staff",
    "integrations.ApiKey": "secrets of API clients",
    "admin.LogEntry": "staff actions in the admin site; the changes they made are in the data itself",
    "dossiers.Arrival": "internal transfer of a dossier between agencies (its events are exported)",
    "national_sync.SyncItem": "internal sync with the national portal (the dossier is exported)",
    "notifications.DeliveryAttempt": "technical delivery tries of a notice (the notice is exported)",
    "feedback.FeedbackEvent": "the agency's internal handling steps (the feedback and answer are exported)",
    "feedback.PhoneConfirmation": "hashed one-time codes of senders without an account",
    "payments.IpnLog": "the gateway's technical messages (the payment is exported)",
    "payments.RefundTry": "technical tries of a refund (the refund is exported)",
    "payments.SettlementFile": "the bank's settlement files, imported by staff",
    "payments.SettlementLine": "the bank's settlement lines, imported by staff",
    "payments.ReconciliationRun": "staff reconciliation runs",
    "procedures.ProcedureVersion": "the public catalogue (each dossier names its procedure)",
    "procedures.ProcedureFee": "the public catalogue",
    "procedures.RequiredDocument": "the public catalogue",
}


def row(obj: Model, *, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """A model row as JSON-ready data: every concrete field but secrets; a relation as its id."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in NEVER or field.name in leave_out:
            continue
        if field.is_relation:
            data[field.attname] = getattr(obj, field.attname)
        elif field.get_internal_type() == "FileField":
            data[field.name] = getattr(obj, field.name).name or ""
        else:
            data[field.name] = getattr(obj, field.name)
    return data


@dataclass
class Archive:
    file: IO[bytes]
    size_bytes: int
    file_count: int
    seconds: float
    files_left_out: int


def build_archive(user) -> Archive:
    """The citizen's archive in a temporary file (deleted when closed). Files beyond
    PRIVACY_EXPORT_MAX_FILE_BYTES in all are listed in data.json but left out of files/."""
    started = time.monotonic()
    data = collect(user)
    budget = settings.PRIVACY_EXPORT_MAX_FILE_BYTES
    output = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 (the response closes it)
    file_count = left_out = 0
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in data["stored_files"]:
            stored = entry.pop("_object")
            if stored.size > budget or not stored.file:
                entry["archive_path"], left_out = None, left_out + 1
                continue
            path = f"files/{stored.pk}-{_safe_name(stored.original_name)}"
            try:
                with stored.file.open("rb") as source, archive.open(path, "w", force_zip64=True) as target:
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
            except OSError:
                entry["archive_path"], left_out = None, left_out + 1
                continue
            entry["archive_path"], budget, file_count = path, budget - stored.size, file_count + 1
        data["files_left_out"] = left_out
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1))
    size = output.tell()
    output.seek(0)
    return Archive(output, size, file_count, time.monotonic() - started, left_out)


def _safe_name(name: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)
    return keep[-120:] or "file"


def collect(user) -> dict[str, Any]:
    """Everything the portal holds about `user`, as JSON-ready sections (see EXPORTED)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from allauth.usersessions.models import UserSession

    from accounts.models import SignIn
    from appointments.models import Appointment
    from dossiers.models import Authorisation, DocumentAccess, StoredFile
    from feedback.models import Feedback
    from notifications.models import Notification
    from payments.models import PaymentAttempt, Refund

    from .models import Consent, CorrectionRequest, DataExport

    profile = getattr(user, "profile", None)
    dossiers = _dossiers_of(user)
    return {
        "generated_at": clock.now(),
        "portal": settings.SITE_URL,
        "account": row(user, leave_out=("is_staff", "is_superuser")),
        "profile": row(profile) if profile else None,
        "email_addresses": [row(e) for e in EmailAddress.objects.filter(user=user)],
        "national_identity_links": [row(s) for s in SocialAccount.objects.filter(user=user)],
        "sign_ins": {
            "last_sign_in": user.last_login,
            "failed_sign_ins_in_a_row": user.failed_login_count,
            "locked_until": user.locked_until,
            "national_identity": [
                {"provider": s.provider, "last_login": s.last_login}
                for s in SocialAccount.objects.filter(user=user)
            ],
            "history": [
                row(s, leave_out=("user",)) for s in SignIn.objects.filter(user=user).order_by("-at")
            ],
            "open_sessions": [
                row(s, leave_out=("user", "session_key", "data"))
                for s in UserSession.objects.filter(user=user)
            ],
            "second_factor": [
                {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at}
                for a in Authenticator.objects.filter(user=user)
            ],
        },
        "consents": [row(c) for c in Consent.objects.filter(user=user)],
        "dossiers": [_dossier(d) for d in dossiers],
        "stored_files": [
            {**row(f), "shares": [row(s) for s in f.shares.all()], "_object": f}
            for f in StoredFile.objects.filter(owner=user).prefetch_related("shares").order_by("pk")
        ],
        "authorisations": [
            row(a) for a in Authorisation.objects.filter(Q(citizen=user) | Q(helper=user)).order_by("pk")
        ],
        "document_accesses": [
            row(a, leave_out=("route_name",))
            for a in DocumentAccess.objects.filter(subject=user).order_by("pk")
        ],
        "appointments": [
            row(a)
            for a in Appointment.objects.filter(Q(booked_by=user) | Q(dossier__applicant=user)).distinct()
        ],
        "payments": [
            row(p)
            for p in PaymentAttempt.objects.filter(Q(payer=user) | Q(dossier__applicant=user)).distinct()
        ],
        "refunds": [row(r) for r in Refund.objects.filter(dossier__applicant=user)],
        "notifications": [
            row(n, leave_out=("dedupe_key", "provider_message_id", "last_error"))
            for n in Notification.objects.filter(recipient=user).order_by("pk")
        ],
        "feedback": [row(f) for f in Feedback.objects.filter(sender=user).order_by("pk")],
        "correction_requests": [row(c) for c in CorrectionRequest.objects.filter(user=user)],
        "data_exports": [row(e) for e in DataExport.objects.filter(user=user)],
    }


def _dossiers_of(user):
    """The dossiers in the citizen's name, with what each holds, in a fixed number of queries."""
    from django.db.models import Prefetch

    from dossiers.models import Dossier, DossierEvent
    from dossiers.selectors import INTERNAL_ACTIONS

    seen_events = DossierEvent.objects.exclude(action__in=INTERNAL_ACTIONS).order_by("at", "pk")
    return (
        Dossier.objects.filter(applicant=user)
        .select_related("procedure_version", "satisfaction_rating")
        .prefetch_related(
            Prefetch("events", queryset=seen_events),
            "documents",
            "supplement_requests",
            "apologies",
            "signed_results",
            "delivery_orders__events",
        )
        .order_by("pk")
    )


def _dossier(dossier) -> dict[str, Any]:
    """A dossier as its applicant sees it: staff-only steps (assignment, proposals) left out."""
    events = [row(e, leave_out=("actor_role",)) for e in dossier.events.all()]
    deliveries = [
        {**row(order), "events": [row(e) for e in order.events.all()]}
        for order in dossier.delivery_orders.all()
    ]
    try:
        rating = dossier.satisfaction_rating
    except Exception:  # RelatedObjectDoesNotExist: not rated
        rating = None
    return {
        **row(dossier, leave_out=("lock_version", "steps_saved")),
        "procedure": str(dossier.procedure_version),
        "events": events,
        "documents": [row(d) for d in dossier.documents.all()],
        "supplement_requests": [row(s) for s in dossier.supplement_requests.all()],
        "apologies": [row(a) for a in dossier.apologies.all()],
        "signed_results": [row(s, leave_out=("lease_until",)) for s in dossier.signed_results.all()],
        "deliveries": deliveries,
        "satisfaction": row(rating) if rating else None,
    }
