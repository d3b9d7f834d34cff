"""Use cases of personal-data rights (Law 91/2025/QH15; Decree 13/2023/NĐ-CP): consent to the notice and to
optional channels, correction requests, the "my data" export and account deletion."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

from common import clock

from . import export, policies, selectors
from .models import Consent, CorrectionRequest, DataExport

logger = logging.getLogger(__name__)

DELETION_PHRASE = "XOA TAI KHOAN"


# --- consent --------------------------------------------------------------------------------------------
def record_notice_consent(*, user, how: str) -> Consent | None:
    """The account accepts the notice in force (at sign-up, or when a new version is published)."""
    notice = selectors.current_notice()
    if notice is None:
        return None
    with transaction.atomic():
        return Consent.objects.create(user=user, purpose=Consent.Purpose.NOTICE, notice=notice, how=how)


def set_optional_channels(*, user, email: bool, sms: bool) -> None:
    """Turn notices by email and SMS on or off (consent and its withdrawal, each with its time). The notice in
    the portal's inbox stays: it is how the agencies must tell the applicant about their dossiers."""
    from accounts.models import CitizenProfile
    from accounts.services import save_citizen_profile

    with transaction.atomic():
        profile = CitizenProfile.objects.filter(user=user).first()
        if profile is None:
            raise ValidationError(_("Fill in your details first."))
        save_citizen_profile(user=user, notify_by_email=email, notify_by_sms=sms)
        for purpose, wanted in ((Consent.Purpose.EMAIL, email), (Consent.Purpose.SMS, sms)):
            _record_channel(user=user, purpose=purpose, wanted=wanted)


def _record_channel(*, user, purpose: str, wanted: bool) -> None:
    given = Consent.objects.filter(user=user, purpose=purpose, withdrawn_at__isnull=True)
    if wanted:
        if not given.exists():
            Consent.objects.create(user=user, purpose=purpose, how=Consent.How.PRIVACY_PAGE)
        return
    withdrawn = given.update(withdrawn_at=clock.now())
    if not withdrawn and not Consent.objects.filter(user=user, purpose=purpose).exists():
        # Never recorded (on by default before this page existed): record the withdrawal itself.
        Consent.objects.create(
            user=user, purpose=purpose, how=Consent.How.PRIVACY_PAGE, withdrawn_at=clock.now()
        )


# --- correction requests --------------------------------------------------------------------------------
def correction_deadline(start: datetime.date) -> datetime.date:
    from dossiers.working_days import add_working_days

    return add_working_days(start, settings.PRIVACY_CORRECTION_WORKING_DAYS)


def request_correction(*, user, subject: str, requested_change: str, dossier=None) -> CorrectionRequest:
    """A citizen asks for data they cannot edit to be corrected; staff answer within
    PRIVACY_CORRECTION_WORKING_DAYS working days."""
    from dossiers.models import Dossier

    if not policies.may_use_my_data(user):
        raise PermissionDenied
    text = (requested_change or "").strip()
    if not text:
        raise ValidationError({"requested_change": _("Say what is wrong and what it should be.")})
    if subject not in CorrectionRequest.Subject.values:
        raise ValidationError({"subject": _("Choose what to correct.")})
    if subject == CorrectionRequest.Subject.DOSSIER:
        if dossier is None or not Dossier.objects.filter(pk=dossier.pk, applicant=user).exists():
            raise ValidationError({"dossier": _("Choose one of your dossiers.")})
    else:
        dossier = None
    with transaction.atomic():
        return CorrectionRequest.objects.create(
            user=user,
            subject=subject,
            dossier=dossier,
            requested_change=text[:2000],
            deadline=correction_deadline(clock.localdate()),
        )


def handle_correction(*, request: CorrectionRequest, staff, done: bool, answer: str) -> CorrectionRequest:
    """Staff close a correction request, done or refused (a refusal says why); the citizen is told through
    notify(). Staff make the correction itself in the admin (profile) or through the dossier's services."""
    from notifications.events import Event
    from notifications.services import notify

    if not policies.may_handle_corrections(staff):
        raise PermissionDenied
    answer = (answer or "").strip()
    if not done and not answer:
        raise ValidationError({"answer": _("Say why the correction is refused.")})
    with transaction.atomic():
        request = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
        if not request.is_open:
            raise ValidationError(_("This request was already answered."))
        request.status = CorrectionRequest.Status.DONE if done else CorrectionRequest.Status.REFUSED
        request.handled_by, request.handled_at, request.answer = staff, clock.now(), answer[:2000]
        request.save(update_fields=["status", "handled_by", "handled_at", "answer"])
        notify(
            recipient=request.user,
            event=Event.CORRECTION_HANDLED,
            context={"reference": request.pk, "outcome": request.status, "answer": request.answer},
            dedupe_key=f"correction:{request.pk}",
        )
        return request


# --- my data --------------------------------------------------------------------------------------------
def export_my_data(*, user) -> export.Archive:
    """Build the citizen's archive (export.build_archive) and record it. At most PRIVACY_EXPORTS_PER_HOUR per
    hour: each one reads every table of the account."""
    if not policies.may_use_my_data(user):
        raise PermissionDenied
    since = clock.now() - datetime.timedelta(hours=1)
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one export at a time
        if DataExport.objects.filter(user=user, at__gte=since).count() >= settings.PRIVACY_EXPORTS_PER_HOUR:
            raise ValidationError(
                _("You downloaded your data %(count)d times in the last hour. Please try again later.")
                % {"count": settings.PRIVACY_EXPORTS_PER_HOUR}
            )
        archive = export.build_archive(user)
        DataExport.objects.create(
            user=user, size_bytes=archive.size_bytes, file_count=archive.file_count, seconds=archive.seconds
        )
    return archive


# --- account deletion -----------------------------------------------------------------------------------
def check_deletion_confirmed(*, user, password: str = "", phrase: str = "") -> None:
    """The account's password, or for an account without one (national identity sign-in) the phrase."""
    if user.has_usable_password():
        if not user.check_password(password or ""):
            raise ValidationError({"password": _("The password is not right.")})
    elif (phrase or "").strip().upper() != DELETION_PHRASE:
        raise ValidationError({"phrase": _("Type the phrase exactly as shown.")})


def delete_account(*, user, password: str = "", phrase: str = "") -> None:
    """Delete a citizen's account as data_kinds.DATA_KINDS says, in one transaction: what no law requires is
    deleted, the account row is pseudonymised, filed dossiers and their audit, payments and consents are
    kept (administrative and accounting law). Files no kept record uses are removed after commit."""
    if not policies.may_use_my_data(user):
        raise PermissionDenied
    check_deletion_confirmed(user=user, password=password, phrase=phrase)
    removed_files: list[str] = []
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        _delete_drafts(user)
        removed_files = _delete_unused_files(user)
        _end_authorisations(user)
        _delete_account_details(user)
        _pseudonymise_records(user)
        _pseudonymise_user(user)
        transaction.on_commit(lambda: _remove_stored(removed_files))
    logger.info("Account %s deleted at its holder's request", user.pk)


def _delete_drafts(user) -> None:
    """Dossiers never filed are no administrative record; one a log row points to stays."""
    from dossiers.models import Dossier, State

    for draft in Dossier.objects.filter(applicant=user, state=State.DRAFT):
        try:
            with transaction.atomic():
                draft.delete()
        except (ProtectedError, DatabaseError):
            pass


def _delete_unused_files(user) -> list[str]:
    """Files of the data store no dossier, result or access log uses; shares of every file end."""
    from dossiers.models import StoredFile, StoredFileShare

    StoredFileShare.objects.filter(Q(stored_file__owner=user) | Q(created_by=user)).delete()
    removed = []
    for stored in StoredFile.objects.filter(owner=user, uses__isnull=True, accesses__isnull=True):
        name = stored.file.name
        try:
            with transaction.atomic():
                stored.delete()
        except (ProtectedError, DatabaseError):
            continue
        removed.append(name)
    return removed


def _remove_stored(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    from dossiers.models import StoredFile

    storage = StoredFile._meta.get_field("file").storage or default_storage
    for name in names:
        if name:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not remove the file %s of a deleted account", name)


def _end_authorisations(user) -> None:
    """Nobody acts for a deleted account any more, and it acts for nobody; the rows stay as proof."""
    from dossiers.models import Authorisation

    live = [Authorisation.Status.ACTIVE, Authorisation.Status.PENDING]
    Authorisation.objects.filter(Q(citizen=user) | Q(helper=user), status__in=live).update(
        status=Authorisation.Status.REVOKED, ended_at=clock.now(), ended_by=user, code_hash=""
    )


def _delete_account_details(user) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from allauth.usersessions.models import UserSession
    from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken

    from accounts.models import AgencyMembership, CitizenProfile, PhoneVerification, SignIn
    from identity_sandbox.models import SandboxPerson

    for model in (
        CitizenProfile,
        PhoneVerification,
        AgencyMembership,
        EmailAddress,
        SocialAccount,
        Authenticator,
        SignIn,
        UserSession,
    ):
        model.objects.filter(user=user).delete()
    for model in (RefreshToken, AccessToken, IDToken, Grant):
        model.objects.filter(user=user).delete()
    _delete_device_grants(user)
    SandboxPerson.objects.filter(subject=user).delete()
    DataExport.objects.filter(user=user).delete()
    _delete_sessions(user)


def _delete_device_grants(user) -> None:
    try:
        from oauth2_provider.models import get_device_grant_model
    except ImportError:
        return
    get_device_grant_model().objects.filter(user=user).delete()


def _delete_sessions(user) -> None:
    """Every sign-in session of the account (database sessions: read to find the account's)."""
    from django.contrib.sessions.models import Session

    from accounts.sessions import sessions_in_the_database

    if not sessions_in_the_database():
        return
    mine = []
    for session in Session.objects.filter(expire_date__gt=clock.now()).iterator(chunk_size=500):
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            mine.append(session.pk)
    Session.objects.filter(pk__in=mine).delete()


def _pseudonymise_records(user) -> None:
    from notifications.models import Notification
    from notifications.models import Status as NoticeStatus

    Notification.objects.filter(recipient=user, status=NoticeStatus.CREATED).update(
        status=NoticeStatus.FAILED, last_error="account deleted"
    )
    Notification.objects.filter(recipient=user).update(address="", subject="", body="", link="", context={})
    now = clock.now()
    CorrectionRequest.objects.filter(user=user, status=CorrectionRequest.Status.RECEIVED).update(
        status=CorrectionRequest.Status.REFUSED, handled_at=now
    )
    CorrectionRequest.objects.filter(user=user).update(requested_change="", answer="")
    Consent.objects.filter(user=user, withdrawn_at__isnull=True).exclude(
        purpose=Consent.Purpose.NOTICE
    ).update(withdrawn_at=now)


def _pseudonymise_user(user) -> None:
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.full_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.last_login = None
    user.failed_login_count = 0
    user.locked_until = None
    user.save()
    user.groups.clear()
