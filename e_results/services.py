"""Use cases of e-results: plan the signing when a dossier is approved, sign (and sign again after a
failure), and queue again what was left pending.

The pending SignedResult is the outbox row, written in the approval's transaction; `tasks.sign_result` signs
it after commit (and `tasks.sweep_unsigned` if that task never ran or its worker died), never inside a
transaction: the row is claimed by a conditional UPDATE with a lease, signed, then the outcome is saved only
if the lease is still the worker's."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse

from common import clock
from common.tasks import queue_each
from dossiers.models import Dossier, DossierDocument
from dossiers.services import prepare_result_file

from . import selectors, signing
from .models import SignedResult

logger = logging.getLogger(__name__)

SIGNING_LEASE = datetime.timedelta(minutes=5)  # longer than any signing may take (the TSA call: 10 s at most)
SWEEP_GRACE = datetime.timedelta(minutes=2)  # a task queued at commit has run by then
SWEEP_BATCH = 200
MAX_INTERRUPTED_ATTEMPTS = 3


def verification_url(code: str) -> str:
    return f"{settings.SITE_URL}{reverse('e_results:verify')}?code={code}"


def plan_signing(dossier: Dossier) -> list[SignedResult]:
    """One pending SignedResult per result PDF of the dossier, signed after commit (in the dossier's
    transaction: the plan commits with the approval; the signing never undoes it)."""
    planned = []
    documents = dossier.documents.filter(kind=DossierDocument.Kind.RESULT, signed_result__isnull=True)
    for number, document in enumerate(
        documents, start=SignedResult.objects.filter(dossier=dossier).count() + 1
    ):
        planned.append(
            SignedResult.objects.create(
                dossier=dossier, document=document, result_number=f"{dossier.code or dossier.pk}/KQ{number}"
            )
        )
    if planned:
        from . import tasks

        ids = [p.pk for p in planned]
        # A broker that is down must not fail the approval that committed: the row stays pending.
        transaction.on_commit(lambda: queue_each(tasks.sign_result, ids))
    return planned


def _claim(signed_result_id: int, now: datetime.datetime) -> datetime.datetime | None:
    """One conditional UPDATE: the row is ours if it is not signed and no live lease holds it. Returns the
    lease (the claim's token), None when it is signed already or another worker is signing it."""
    lease = now + SIGNING_LEASE
    claimed = (
        SignedResult.objects.filter(pk=signed_result_id)
        .exclude(status=SignedResult.Status.SIGNED)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=lease, attempts=F("attempts") + 1)
    )
    return lease if claimed else None


def _held(signed_result_id: int, lease: datetime.datetime):
    """The row, only while the claim is still ours (a lease that ran out let another worker in)."""
    return SignedResult.objects.filter(pk=signed_result_id, lease_until=lease).exclude(
        status=SignedResult.Status.SIGNED
    )


def sign_result(*, signed_result_id: int) -> SignedResult:
    """Stamp and sign the result document with the handling agency's key; the signed PDF becomes a new
    stored file of the applicant. A failure is recorded on the row (shown to staff as "chưa ký").

    No transaction is open while the stamp page is rendered and the timestamp authority answers: the row is
    claimed by a lease first, and the outcome saved in a short transaction only if the lease is still ours."""
    lease = _claim(signed_result_id, clock.now())
    result = SignedResult.objects.select_related(
        "dossier__handling_agency", "dossier__procedure_version", "document__stored_file"
    ).get(pk=signed_result_id)
    if lease is None:
        return result
    try:
        copy = _signed_copy(result)
    except (signing.SigningError, OSError) as error:
        logger.warning("E-result %s not signed: %s", result.result_number, error)
        _record_failure(result, lease, error)
    except Exception as error:  # a bug, not the key or the TSA: show the row as not signed, then fail loudly
        _record_failure(result, lease, error)
        raise
    else:
        _record_signed(result, lease, copy)
    return SignedResult.objects.get(pk=signed_result_id)


@dataclass(frozen=True)
class SignedCopy:
    pdf: bytes
    certificate_serial: str
    certificate_subject: str


def _signed_copy(result: SignedResult) -> SignedCopy:
    """The slow part (WeasyPrint, the TSA over HTTP): run outside any transaction."""
    dossier = result.dossier
    agency = dossier.handling_agency
    if agency is None:
        raise signing.SigningError("The dossier has no handling agency.")
    signer = signing.signing_identity(agency.code)
    with result.document.stored_file.file.open("rb") as source:
        original = source.read()
    signed_pdf = signing.sign_result_pdf(
        original,
        stamp=signing.ResultStamp(
            system_name=settings.E_RESULTS_SYSTEM_NAME,
            dossier_code=dossier.code or str(dossier.pk),
            result_number=result.result_number,
            agency_name=agency.name,
            verification_url=verification_url(result.verification_code),
        ),
        signer=signer,
        timestamper=signing.timestamper(),
        validation_context=signing.validation_context(for_signing=True),
    )
    cert = signer.signing_cert
    return SignedCopy(
        pdf=signed_pdf,
        certificate_serial=format(cert.serial_number, "x"),
        certificate_subject=cert.subject.human_friendly[:300],
    )


def _record_failure(result: SignedResult, lease: datetime.datetime, error: Exception) -> None:
    failed = _held(result.pk, lease).update(
        status=SignedResult.Status.FAILED, last_error=str(error)[:2000], lease_until=None
    )
    if not failed:
        logger.error("E-result %s: the claim expired while it was being signed", result.result_number)


def _record_signed(result: SignedResult, lease: datetime.datetime, copy: SignedCopy) -> None:
    """The signed copy in the applicant's data store and the row marked signed, together or not at all."""
    original_file = result.document.stored_file
    dossier = result.dossier
    # In the applicant's data store as a result, issued by the agency under its number (written now,
    # before the transaction; saved with the row below).
    stored = prepare_result_file(
        owner=original_file.owner,
        content=copy.pdf,
        name=f"ket-qua-ky-so-{result.result_number.replace('/', '-')}.pdf",
        label=f"{original_file.label} (bản điện tử có ký số)",
        issuer=dossier.handling_agency.name if dossier.handling_agency is not None else "",
        number=result.result_number,
        paper_name=dossier.procedure_version.result_name,
    )
    try:
        with transaction.atomic():
            stored.save()
            recorded = _held(result.pk, lease).update(
                signed_file=stored,
                sha256=stored.sha256,
                status=SignedResult.Status.SIGNED,
                signed_at=clock.now(),
                certificate_serial=copy.certificate_serial,
                certificate_subject=copy.certificate_subject,
                last_error="",
                lease_until=None,
            )
            if not recorded:
                transaction.set_rollback(True)
    except BaseException:
        stored.file.delete(save=False)
        raise
    if not recorded:
        stored.file.delete(save=False)
        logger.error("E-result %s: the claim expired while it was being signed", result.result_number)


def retry_signing(*, signed_result: SignedResult, by) -> SignedResult:
    """Staff of the handling agency ask to sign again a result not signed yet (e.g. the TSA was down)."""
    if not selectors.may_retry(by, signed_result.dossier):
        raise PermissionDenied
    return sign_result(signed_result_id=signed_result.pk)


def sweep_unsigned(*, now: datetime.datetime | None = None) -> int:
    """Queue again the results left pending: the broker was down when the approval committed, the task was
    lost, or the worker was killed while signing (its lease ran out). A row interrupted
    MAX_INTERRUPTED_ATTEMPTS times is marked not signed instead, for staff to sign again. Returns how many
    were queued."""
    from . import tasks

    now = now or clock.now()
    waiting = SignedResult.objects.filter(
        status=SignedResult.Status.PENDING, queued_at__lte=now - SWEEP_GRACE
    ).filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    waiting.filter(attempts__gte=MAX_INTERRUPTED_ATTEMPTS).update(
        status=SignedResult.Status.FAILED,
        lease_until=None,
        last_error=f"Signing was interrupted {MAX_INTERRUPTED_ATTEMPTS} times (the worker stopped).",
    )
    ids = list(
        waiting.filter(attempts__lt=MAX_INTERRUPTED_ATTEMPTS)
        .order_by("queued_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if not ids:
        return 0
    # Not queued again before another grace period: a long queue is not flooded with copies.
    SignedResult.objects.filter(pk__in=ids).update(queued_at=now)
    logger.info("E-results: the sweeper queues %s pending results again", len(ids))
    return queue_each(tasks.sign_result, ids)
