"""Acting on behalf (ủy quyền): a citizen authorises a helper — a relative, a community digital-team
member — for one dossier, one procedure or all their dossiers, until a date; or the helper asks and the
citizen approves, in the portal or with a code sent to their phone. Revocable at any time. Who may then see
and do what is in `dossiers.policies` and `Dossier.objects.owned_by`."""

from __future__ import annotations

import datetime
import re
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import services as account_services
from accounts.selectors import citizen_by_email_or_personal_id
from accounts.types import Actor
from common import clock
from notifications.events import Event
from notifications.models import Channel
from notifications.services import notify
from procedures.models import Agency, Procedure, ProcedureVersion

from .. import consent, policies
from ..models import Authorisation, Dossier
from .filing import start_draft

Scope = Authorisation.Scope
Status = Authorisation.Status
CODE_DIGITS = 6
# The longest an authorisation may run; the citizen renews it after that.
MAX_DAYS = 366


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this with this authorisation."))


def _helper_named(text: str, *, citizen: Actor) -> Actor:
    helper = citizen_by_email_or_personal_id(text)
    if helper is None:
        raise ValidationError(
            _(
                "No citizen account has this email or ID number. The person must register in the portal "
                "first."
            ),
            code="unknown_person",
        )
    if helper.pk == citizen.pk:
        raise ValidationError(_("You cannot authorise yourself."), code="self")
    return helper


def _expiry(expires_on: datetime.date) -> datetime.datetime:
    """The end of the chosen day (portal time); today at the earliest, at most MAX_DAYS ahead."""
    today = timezone.localdate(clock.now())
    if expires_on < today:
        raise ValidationError(_("Choose a date from today on."), code="past")
    if expires_on > today + datetime.timedelta(days=MAX_DAYS):
        raise ValidationError(
            _("An authorisation lasts at most one year: choose an earlier date."), code="long"
        )
    end = datetime.datetime.combine(expires_on + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(end)


def _target(
    *, citizen: Actor, scope: str, dossier: Dossier | None, procedure: Procedure | None
) -> dict[str, Any]:
    if scope == Scope.DOSSIER:
        if dossier is None or dossier.applicant_id != citizen.pk:
            raise ValidationError(_("Choose one of your dossiers."), code="dossier")
        return {"dossier": dossier, "procedure": None}
    if scope == Scope.PROCEDURE:
        if procedure is None:
            raise ValidationError(_("Choose the procedure."), code="procedure")
        return {"dossier": None, "procedure": procedure}
    if scope == Scope.ALL:
        return {"dossier": None, "procedure": None}
    raise ValidationError(_("Choose what the authorisation covers."), code="scope")


def sign_in_fingerprint(session_key: str) -> str:
    """What the record keeps of the sign-in the citizen consented in: a keyed hash of its session, never
    the session key itself (a live credential)."""
    if not session_key:
        return ""
    return salted_hmac("dossiers.Authorisation.consent", session_key, algorithm="sha256").hexdigest()


def _check_consent_version(version: str) -> None:
    if version != consent.CURRENT_VERSION:
        raise ValidationError(
            _("The consent text has changed since the page was opened. Please read it again."), code="consent"
        )


def _record_consent(
    authorisation: Authorisation, *, method: str, session_key: str = "", phone: str = ""
) -> None:
    authorisation.consent_version = consent.CURRENT_VERSION
    authorisation.consent_text = consent.current_text()
    authorisation.consented_at = clock.now()
    authorisation.consent_method = method
    authorisation.consent_sign_in = sign_in_fingerprint(session_key)
    authorisation.consent_phone = phone


def grant(
    *,
    citizen: Actor,
    helper_named: str,
    scope: str,
    expires_on: datetime.date,
    consent_version: str,
    session_key: str,
    relation: str = Authorisation.Relation.RELATIVE,
    dossier: Dossier | None = None,
    procedure: Procedure | None = None,
) -> Authorisation:
    """The citizen, signed in, authorises a helper (named by their account email or ID number): in force at
    once, the consent shown recorded with its version, the time and the citizen's sign-in."""
    _require(policies.may_grant(citizen))
    _check_consent_version(consent_version)
    helper = _helper_named(helper_named, citizen=citizen)
    target = _target(citizen=citizen, scope=scope, dossier=dossier, procedure=procedure)
    with transaction.atomic():
        authorisation = Authorisation(
            citizen=citizen,
            helper=helper,
            relation=relation,
            scope=scope,
            expires_at=_expiry(expires_on),
            status=Status.ACTIVE,
            **target,
        )
        _record_consent(authorisation, method=Authorisation.ConsentMethod.PORTAL, session_key=session_key)
        authorisation.save()
        return authorisation


def request_authorisation(
    *,
    helper: Actor,
    citizen_named: str,
    scope: str,
    expires_on: datetime.date,
    relation: str = Authorisation.Relation.RELATIVE,
    procedure: Procedure | None = None,
) -> Authorisation:
    """A helper asks a citizen (named by email or ID number) to let them act for them, for one procedure or
    all dossiers: waiting until the citizen approves. The citizen is told in the portal and as they chose."""
    _require(policies.may_grant(helper))
    if scope not in {Scope.PROCEDURE, Scope.ALL}:
        raise ValidationError(_("Ask for one procedure or for all dossiers."), code="scope")
    citizen = _helper_named(citizen_named, citizen=helper)
    target = _target(citizen=citizen, scope=scope, dossier=None, procedure=procedure)
    with transaction.atomic():
        authorisation = Authorisation.objects.create(
            citizen=citizen,
            helper=helper,
            relation=relation,
            scope=scope,
            expires_at=_expiry(expires_on),
            status=Status.PENDING,
            requested_by_helper=True,
            **target,
        )
        notify(
            recipient=citizen,
            event=Event.AUTHORISATION_REQUESTED,
            context={
                "helper": _name(helper),
                "scope": scope_words(authorisation),
                "link": reverse("dossiers:authorisations"),
            },
            dedupe_key=f"authorisation-requested-{authorisation.pk}",
        )
        return authorisation


def _name(person: Actor) -> str:
    return person.full_name or person.email


def scope_words(authorisation: Authorisation) -> str:
    """The scope in words: "All my dossiers", "One procedure: 1.001234", "One dossier: H01-…"."""
    if authorisation.scope == Scope.PROCEDURE and authorisation.procedure is not None:
        return f"{authorisation.scope_label}: {authorisation.procedure.national_code}"
    if authorisation.scope == Scope.DOSSIER and authorisation.dossier is not None:
        return f"{authorisation.scope_label}: {authorisation.dossier}"
    return authorisation.scope_label


def _locked(authorisation: Authorisation) -> Authorisation:
    locked: Authorisation = Authorisation.objects.select_for_update().get(pk=authorisation.pk)
    return locked


def approve(
    *, citizen: Actor, authorisation: Authorisation, consent_version: str, session_key: str
) -> Authorisation:
    """The citizen, signed in, approves a helper's request: in force from now, the consent recorded."""
    _check_consent_version(consent_version)
    with transaction.atomic():
        authorisation = _locked(authorisation)
        _require(policies.may_answer_request(citizen, authorisation))
        if authorisation.expires_at <= clock.now():
            raise ValidationError(_("This request has expired."), code="expired")
        authorisation.status = Status.ACTIVE
        authorisation.code_hash = ""
        _record_consent(authorisation, method=Authorisation.ConsentMethod.PORTAL, session_key=session_key)
        authorisation.save()
        return authorisation


def decline(*, citizen: Actor, authorisation: Authorisation) -> Authorisation:
    with transaction.atomic():
        authorisation = _locked(authorisation)
        _require(policies.may_answer_request(citizen, authorisation))
        authorisation.status = Status.DECLINED
        authorisation.ended_at, authorisation.ended_by = clock.now(), citizen
        authorisation.code_hash = ""
        authorisation.save()
        return authorisation


def revoke(*, by: Actor, authorisation: Authorisation) -> Authorisation:
    """Revoked at once, by the citizen (or given up by the helper): from this moment the helper sees none
    of the citizen's dossiers the authorisation covered and is told nothing more about them."""
    with transaction.atomic():
        authorisation = _locked(authorisation)
        _require(policies.may_revoke(by, authorisation))
        authorisation.status = Status.REVOKED
        authorisation.ended_at, authorisation.ended_by = clock.now(), by
        authorisation.code_hash = ""
        authorisation.save()
        return authorisation


def expire_due(now: datetime.datetime | None = None) -> int:
    """Mark expired what passed its date (hourly task). Access already stops at `expires_at` (the policies
    read the date), so this only keeps the lists' status right."""
    now = now or clock.now()
    return Authorisation.objects.filter(
        status__in=[Status.ACTIVE, Status.PENDING], expires_at__lte=now
    ).update(status=Status.EXPIRED, ended_at=now)


# --- approval by a code sent to the citizen's phone ---------------------------------------------------------
def _code_hash(authorisation: Authorisation, code: str) -> str:
    """Keyed with SECRET_KEY: six digits are too few for a plain hash to hide them."""
    return salted_hmac(
        "dossiers.Authorisation.code",
        f"{authorisation.pk}:{authorisation.consent_phone}:{code}",
        algorithm="sha256",
    ).hexdigest()


def _verified_phone(citizen: Actor) -> str:
    profile = getattr(citizen, "profile", None)
    return str(profile.phone) if profile is not None and profile.phone_is_verified else ""


def send_approval_code(*, helper: Actor, authorisation: Authorisation) -> Authorisation:
    """The helper, sitting with the citizen, has a code sent by SMS to the citizen's verified phone; the
    citizen reads it to them and, typed on the helper's page, it approves the request. Only a hash is kept;
    valid PHONE_CODE_VALID_MINUTES, a new one no sooner than PHONE_CODE_RESEND_SECONDS after the last."""
    with transaction.atomic():
        authorisation = _locked(authorisation)
        _require(authorisation.helper_id == helper.pk and authorisation.status == Status.PENDING)
        phone = _verified_phone(authorisation.citizen)
        if not phone:
            raise ValidationError(
                _("This person has no verified phone number: they approve the request in the portal."),
                code="no_phone",
            )
        now = clock.now()
        account_services.refuse_a_code_sent_too_soon(last_sent_at=authorisation.code_sent_at, now=now)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        minutes = settings.PHONE_CODE_VALID_MINUTES
        authorisation.consent_phone = phone
        authorisation.code_hash = _code_hash(authorisation, code)
        authorisation.code_sent_at = now
        authorisation.code_expires_at = now + datetime.timedelta(minutes=minutes)
        authorisation.code_attempts = 0
        authorisation.save()
        notify(
            recipient=authorisation.citizen,
            event=Event.AUTHORISATION_CODE,
            context={"otp": code, "minutes": minutes, "helper": _name(helper)},
            channels=[(Channel.SMS, phone)],
        )
        return authorisation


def approve_with_code(
    *, helper: Actor, authorisation: Authorisation, code: str, consent_version: str
) -> Authorisation:
    """The code the citizen received, typed on the helper's page after the citizen was shown the consent:
    right and in time, the authorisation is in force (consent recorded as given by SMS code to that phone).
    Each wrong code counts; after PHONE_CODE_MAX_ATTEMPTS the code is void. Raises ValidationError with the
    reason (the wrong try stays counted)."""
    code = "".join((code or "").split())
    if not re.fullmatch(rf"[0-9]{{{CODE_DIGITS}}}", code):
        raise ValidationError(_("Enter the 6 digits of the code sent to the citizen's phone."), code="format")
    _check_consent_version(consent_version)
    with transaction.atomic():
        error = _check_code(helper=helper, authorisation=authorisation, code=code)
    if error:  # raised after the commit: the wrong try stays counted
        raise ValidationError(error, code="refused")
    return Authorisation.objects.get(pk=authorisation.pk)


def _check_code(*, helper: Actor, authorisation: Authorisation, code: str) -> str:
    authorisation = _locked(authorisation)
    _require(authorisation.helper_id == helper.pk and authorisation.status == Status.PENDING)
    now = clock.now()
    if (
        not authorisation.code_hash
        or authorisation.code_expires_at is None
        or authorisation.code_expires_at <= now
    ):
        return _("This code has expired or was not sent. Please ask for a new one.")
    if authorisation.code_attempts >= settings.PHONE_CODE_MAX_ATTEMPTS:
        return _("Too many wrong codes. Please ask for a new one.")
    if not constant_time_compare(_code_hash(authorisation, code), authorisation.code_hash):
        authorisation.code_attempts += 1
        authorisation.save(update_fields=["code_attempts"])
        left = settings.PHONE_CODE_MAX_ATTEMPTS - authorisation.code_attempts
        if left <= 0:
            return _("Too many wrong codes. Please ask for a new one.")
        return ngettext(
            "The code is not correct: %(left)s try left.",
            "The code is not correct: %(left)s tries left.",
            left,
        ) % {"left": left}
    authorisation.status = Status.ACTIVE
    authorisation.code_hash = ""
    _record_consent(authorisation, method=Authorisation.ConsentMethod.SMS, phone=authorisation.consent_phone)
    authorisation.save()
    return ""


# --- filing for the citizen -----------------------------------------------------------------------------
def start_on_behalf(
    *,
    helper: Actor,
    authorisation: Authorisation,
    version: ProcedureVersion,
    receiving_agency: Agency | None = None,
    assurance: int = 0,
) -> Dossier:
    """A helper starts a dossier in the citizen's name: the applicant (legal subject) is the citizen,
    prefilled from their profile; `filed_by` (acting subject) is the helper, under this authorisation. The
    procedure's level of assurance is asked of the helper's own sign-in (`assurance`): they are the one
    signed in."""
    _require(policies.may_start_for(helper, authorisation, version.procedure_id))
    with transaction.atomic():
        dossier = start_draft(
            version=version,
            applicant=authorisation.citizen,
            receiving_agency=receiving_agency,
            assurance=assurance,
        )
        dossier.filed_by = helper
        dossier.authorisation = authorisation
        dossier.save(update_fields=["filed_by", "authorisation", "updated_at"])
        return dossier
