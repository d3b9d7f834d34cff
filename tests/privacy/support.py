"""A citizen with something in every kind of record the portal keeps about a person (privacy tests)."""

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import PhoneVerification, User
from common import clock
from dossiers import services as dossier_services
from dossiers.models import Authorisation, Dossier, StoredFile, StoredFileShare
from dossiers.services.access_log import record_access
from feedback.models import Feedback
from notifications.events import Event
from notifications.services import notify
from payments.models import PaymentAttempt
from privacy import services
from privacy.models import Consent
from tests.dossiers.staff_support import World, file_online, world
from tests.factories import PDF_BYTES, CitizenProfileFactory

NAME = "Hoàng Thị Riêng Tư"
EMAIL = "rieng.tu@example.vn"
PHONE = "0987654321"
PERSONAL_ID = "079123456789"


@dataclass
class Citizen:
    user: User
    world: World
    dossier: Dossier
    loose_file: StoredFile


def citizen_with_everything() -> Citizen:
    """A citizen with a profile, a filed dossier (documents, events, payment, appointment), a file of the data
    store no dossier uses (shared), notices, feedback, an authorisation, a consent, a correction request,
    a sign-in link to the national identity service and a document opened by staff."""
    w = world()
    profile = CitizenProfileFactory(
        full_name=NAME, user__full_name=NAME, user__email=EMAIL, personal_id=PERSONAL_ID, phone=PHONE
    )
    user = profile.user
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    SocialAccount.objects.create(user=user, provider="vneid", uid=PERSONAL_ID, extra_data={"name": NAME})
    PhoneVerification.objects.create(
        user=user, phone=PHONE, code_hash="x" * 64, created_at=clock.now(), expires_at=clock.now()
    )
    services.record_notice_consent(user=user, how=Consent.How.SIGNUP)
    dossier = file_online(w, applicant=user, name=NAME)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_phone=PHONE, applicant_email=EMAIL)
    loose = dossier_services.store_upload(
        owner=user,
        uploaded=SimpleUploadedFile("cccd.pdf", PDF_BYTES, content_type="application/pdf"),
        by=user,
    )
    StoredFileShare.objects.create(stored_file=loose, created_by=user, expires_at=clock.now())
    document = dossier.documents.first()
    record_access(
        what="document",
        file_name=document.stored_file.original_name,
        route_name="staff:document",
        user=w.desk.clerk,
        dossier=dossier,
    )
    helper = CitizenProfileFactory(full_name="Người Giúp").user
    Authorisation.objects.create(
        citizen=user,
        helper=helper,
        scope=Authorisation.Scope.ALL,
        status=Authorisation.Status.ACTIVE,
        expires_at=clock.now() + datetime.timedelta(days=30),
        consent_phone=PHONE,
    )
    notify(recipient=user, event=Event.DOSSIER_RECEIVED, context={"due_date": "2026-12-20"}, dossier=dossier)
    Feedback.objects.create(
        subject_kind=Feedback._meta.get_field("subject_kind").choices[0][0],
        agency=w.desk.agency,
        sender=user,
        sender_name=NAME,
        sender_phone=PHONE,
        sender_email=EMAIL,
        title="Góp ý",
        content=f"Tôi là {NAME}",
        due_date=clock.localdate(),
    )
    PaymentAttempt.objects.create(
        dossier=dossier,
        payer=user,
        gateway=PaymentAttempt._meta.get_field("gateway").choices[0][0],
        txn_ref=f"PRIV{dossier.pk}",
        idempotency_key=f"priv-{dossier.pk}",
        amount=50_000,
        order_info=f"Nop phi ho so {dossier.code}",
        created_at=clock.now(),
        expires_at=clock.now(),
    )
    services.request_correction(user=user, subject="identity", requested_change=f"Tên đúng là {NAME}")
    return Citizen(user=user, world=w, dossier=dossier, loose_file=loose)
