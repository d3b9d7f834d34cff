"""Reads of the privacy pages: the notice in force, the last consent, the register with its counts."""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import QuerySet

from common import clock

from .data_kinds import DATA_KINDS, DataKind
from .models import Consent, CorrectionRequest, PrivacyNotice


def current_notice() -> PrivacyNotice | None:
    """The notice in force: the latest version already published."""
    return PrivacyNotice.objects.filter(published_at__lte=clock.now()).order_by("-version").first()


def last_notice_consent(user) -> Consent | None:
    return (
        Consent.objects.filter(user=user, purpose=Consent.Purpose.NOTICE, withdrawn_at__isnull=True)
        .select_related("notice")
        .order_by("-at", "-pk")
        .first()
    )


def needs_new_consent(user) -> bool:
    """A citizen who accepted an older notice than the one in force must accept the new one. An account with
    no consent at all (made before the notice existed, or through the national identity service) is not
    stopped here: it accepts from the privacy page."""
    last = last_notice_consent(user)
    if last is None or last.notice is None:
        return False
    notice = current_notice()
    return notice is not None and last.notice.version < notice.version


def correction_requests_of(user) -> QuerySet[CorrectionRequest]:
    return (
        CorrectionRequest.objects.filter(user=user).select_related("dossier").order_by("-created_at", "-pk")
    )


def correctable_dossiers(user) -> QuerySet:
    """The applicant's filed dossiers a correction request may name."""
    from dossiers.models import Dossier, State

    return (
        Dossier.objects.filter(applicant=user).exclude(state=State.DRAFT).select_related("procedure_version")
    )


def open_correction_requests() -> QuerySet[CorrectionRequest]:
    return (
        CorrectionRequest.objects.filter(status=CorrectionRequest.Status.RECEIVED)
        .select_related("user", "dossier")
        .order_by("deadline", "pk")
    )


@dataclass(frozen=True)
class RegisterRow:
    kind: DataKind
    name: str
    rows: int | None


def register() -> list[RegisterRow]:
    """The processing register: the data-kinds table, each with the number of rows held now (one COUNT per
    kind; a table whose app is not installed shows none)."""
    result = []
    for kind in DATA_KINDS:
        try:
            model = apps.get_model(kind.model)
        except LookupError:
            result.append(RegisterRow(kind, kind.model, None))
            continue
        result.append(RegisterRow(kind, str(model._meta.verbose_name_plural), model._default_manager.count()))
    return result
