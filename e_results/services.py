"""Use cases of e-results: plan the signing when a dossier is approved, sign (and sign again after a
failure), and read what a verification code stands for."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from common import clock
from dossiers.models import Dossier, DossierDocument, StoredFile

from . import signing
from .models import SignedResult

logger = logging.getLogger(__name__)


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
        transaction.on_commit(lambda: [tasks.sign_result.delay(pk) for pk in ids])
    return planned


def sign_result(*, signed_result_id: int) -> SignedResult:
    """Stamp and sign the result document with the handling agency's key; the signed PDF becomes a new
    stored file of the applicant. A failure is recorded on the row (shown to staff as "chưa ký")."""
    with transaction.atomic():
        result = (
            SignedResult.objects.select_for_update(of=("self",))
            .select_related("dossier__handling_agency", "document__stored_file")
            .get(pk=signed_result_id)
        )
        if result.status == SignedResult.Status.SIGNED:
            return result
        result.attempts += 1
        dossier = result.dossier
        agency = dossier.handling_agency
        try:
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
        except (signing.SigningError, OSError) as error:
            logger.warning("E-result %s not signed: %s", result.result_number, error)
            result.status = SignedResult.Status.FAILED
            result.last_error = str(error)[:2000]
            result.save(update_fields=["status", "attempts", "last_error"])
            return result
        original_file = result.document.stored_file
        stored = StoredFile(
            owner=original_file.owner,
            original_name=f"ket-qua-ky-so-{result.result_number.replace('/', '-')}.pdf",
            content_type="application/pdf",
            size=len(signed_pdf),
            sha256=hashlib.sha256(signed_pdf).hexdigest(),
            label=f"{original_file.label} (bản điện tử có ký số)"[:500],
        )
        stored.file.save("signed.pdf", ContentFile(signed_pdf), save=False)
        stored.save()
        cert = signer.signing_cert
        result.signed_file = stored
        result.sha256 = stored.sha256
        result.status = SignedResult.Status.SIGNED
        result.signed_at = clock.now()
        result.certificate_serial = format(cert.serial_number, "x")
        result.certificate_subject = cert.subject.human_friendly[:300]
        result.last_error = ""
        result.save()
        return result


def retry_signing(*, signed_result: SignedResult) -> SignedResult:
    """Staff ask to sign again a result whose signing failed (e.g. the TSA was down)."""
    return sign_result(signed_result_id=signed_result.pk)
