"""Helpers for the citizen's pages: signing in (staff pass the two-factor step), files, dossiers walked to a
state through the services."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.middleware import SESSION_MFA_OK
from dossiers import services
from dossiers.models import Dossier
from tests.factories import (
    PURPOSE,
    CitizenProfileFactory,
    ProcedureVersionFactory,
    UserFactory,
    filed_dossier,
    pdf_upload,
    staff_member,
)


def image_bytes(kind: str, size: tuple[int, int] = (8, 8)) -> bytes:
    """A real small image (the upload checks read its header with Pillow)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", size, 200).save(out, kind)
    return out.getvalue()


JPEG_BYTES = image_bytes("JPEG")
PNG_BYTES = image_bytes("PNG")


def sign_in(client, user, language="en"):
    """Signs `user` in; staff also pass the two-factor step. English pages, so messages can be read."""
    client.force_login(user)
    if user.is_staff_role:
        session = client.session
        session[SESSION_MFA_OK] = True
        session.save()
    if language:
        client.cookies["portal_language"] = language
    return client


def citizen(**profile):
    """A citizen with a profile (name, 12-digit ID, phone)."""
    return CitizenProfileFactory(**profile).user


def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


def jpeg_upload(name="anh.jpg"):
    return SimpleUploadedFile(name, JPEG_BYTES, content_type="image/jpeg")


def draft(version=None, applicant=None, purpose="Cấp bản sao trích lục khai sinh"):
    version = version or ProcedureVersionFactory(published=True)
    applicant = applicant or citizen()
    dossier = services.start_draft(version=version, applicant=applicant, form_data=PURPOSE)
    if purpose:
        dossier = services.update_draft(dossier=dossier, by=applicant, form_data={"purpose": purpose})
    return dossier


def complete_draft(version=None, applicant=None) -> Dossier:
    """A draft that can be filed: purpose given, every required document attached."""
    dossier = draft(version, applicant)
    for required in dossier.procedure_version.documents.all():
        services.attach_upload(
            dossier=dossier, required_document=required, uploaded=pdf_upload(), by=dossier.applicant
        )
    return dossier


def received(dossier=None) -> tuple[Dossier, object]:
    """A filed dossier received by a clerk of its receiving agency; returns (dossier, clerk)."""
    dossier = dossier or filed_dossier()
    clerk = staff_member(dossier.receiving_agency)
    return services.receive(dossier=dossier, clerk=clerk), clerk


def supplement_requested(dossier=None, reason="Bản sao chưa chứng thực", contact="Chị Lan, 0243 123 456"):
    """A filed dossier for which the one-stop shop asked (at intake) for its first required document."""
    dossier = dossier or filed_dossier()
    clerk = staff_member(dossier.receiving_agency)
    item = dossier.procedure_version.documents.first()
    request = services.request_supplement(
        dossier=dossier, by=clerk, items=[item], details="", reason=reason, contact=contact
    )
    return Dossier.objects.get(pk=dossier.pk), request


def approved(dossier=None) -> Dossier:
    dossier, clerk = received(dossier)
    officer = staff_member(dossier.receiving_agency, role="officer")
    dossier = services.transfer(dossier=dossier, by=clerk, to_agency=dossier.receiving_agency)
    return services.approve(dossier=dossier, officer=officer, result_file=pdf_upload("ket-qua.pdf"))
