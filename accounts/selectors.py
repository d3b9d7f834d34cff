"""Reads about accounts shared by views, commands and tests."""

import functools
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.db import connections, router
from django.db.models import Q, QuerySet

from common import clock
from common.http import describe_browser
from common.prepared import PreparedRead
from common.sql import named_columns
from procedures.models import Agency

from .models import AgencyMembership, CitizenProfile, PhoneVerification, Role, SignIn, User

# Read on every staff page (dossiers.policies.memberships_of), compiled once per process (common.prepared).
MEMBERSHIPS_READ = PreparedRead(
    "a user's agency memberships",
    lambda user_id: AgencyMembership.objects.filter(user_id=user_id).order_by(),
    (int,),
)

# The signed-in user of every request (accounts.backends), with their citizen profile in the same statement:
# the notices, the wizard's prefill and the dashboard read it, each with a query of its own before.
SIGNED_IN_USER_READ = PreparedRead(
    "a signed-in user, with their citizen profile",
    lambda user_id: User._default_manager.select_related("profile").filter(pk=user_id),
    (int,),
)


def staff_of_agency(agency_id: int) -> QuerySet[User]:
    """The active clerks and officers who work at the agency, by name."""
    return (
        User.objects.filter(
            is_active=True, role__in=[Role.CLERK, Role.OFFICER], memberships__agency_id=agency_id
        )
        .distinct()
        .order_by("full_name", "email")
    )


# The transfer and assign forms of a dossier list the staff of one agency.
STAFF_OF_AGENCY_READ = PreparedRead("the active staff of an agency", staff_of_agency, (int,))


def supervision_by_agency(user_id: int) -> dict[int, bool]:
    """Agency id → whether the user supervises there, for the agencies the user works for."""
    return {m.agency_id: m.is_supervisor for m in MEMBERSHIPS_READ(user_id)}


def user_for_login(email: str) -> User | None:
    """The account a sign-in address belongs to: its own email or any address allauth knows for it."""
    email = (email or "").strip()
    if not email:
        return None
    return (
        User.objects.filter(Q(email__iexact=email) | Q(emailaddress__email__iexact=email))
        .order_by("pk")
        .first()
    )


def totp_authenticator(user: User) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


def current_totp_code(authenticator: Authenticator, at: float | None = None) -> str:
    """The code the user's authenticator app shows now, computed the way allauth checks it."""
    secret = decrypt(authenticator.data["secret"])
    counter = int(time.time() if at is None else at) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


@dataclass(frozen=True)
class PhoneState:
    """The profile page's phone verification box: the saved number, whether it is verified, the code
    waiting to be typed (its expiry) and how long until another code may be sent."""

    phone: str
    verified_at: datetime | None
    code_sent_at: datetime | None
    code_expires_at: datetime | None
    resend_in_seconds: int

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


def phone_state(profile: CitizenProfile | None) -> PhoneState | None:
    """None when there is no saved phone number to verify."""
    if profile is None or not profile.phone:
        return None
    if profile.phone_is_verified:
        return PhoneState(profile.phone, profile.phone_verified_at or clock.now(), None, None, 0)
    now = clock.now()
    last = (
        PhoneVerification.objects.filter(user_id=profile.user_id, created_at__gt=now - timedelta(days=1))
        .order_by("-created_at")
        .first()
    )
    pending = (
        last
        if last is not None
        and last.phone == profile.phone
        and last.verified_at is None
        and last.expires_at > now
        and last.attempts < settings.PHONE_CODE_MAX_ATTEMPTS
        else None
    )
    resend_in = 0
    if last is not None:
        resend_in = max(0, int(settings.PHONE_CODE_RESEND_SECONDS - (now - last.created_at).total_seconds()))
    return PhoneState(
        phone=profile.phone,
        verified_at=None,
        code_sent_at=pending.created_at if pending else None,
        code_expires_at=pending.expires_at if pending else None,
        resend_in_seconds=resend_in,
    )


def simple_mode_saved(user: User) -> bool:
    """Whether the citizen turned simple mode on in their profile (accounts.simple_mode)."""
    return CitizenProfile.objects.filter(user=user, simple_mode=True).exists()


def citizen_by_email_or_personal_id(text: str) -> User | None:
    """The active citizen account a person names by its sign-in email or its 12-digit personal ID number
    (acting on behalf: whom to authorise, whom to ask)."""
    text = (text or "").strip()
    if not text:
        return None
    citizens = User.objects.filter(is_active=True, role=Role.CITIZEN, is_superuser=False)
    if "@" in text:
        return (
            citizens.filter(Q(email__iexact=text) | Q(emailaddress__email__iexact=text))
            .order_by("pk")
            .first()
        )
    return citizens.filter(profile__personal_id=text).first()


def agencies_of(user: User) -> list[tuple[Agency, bool]]:
    """The agencies the member of staff works for, each with whether they supervise there: one statement,
    written once per database, since every staff page with an agency in its address asks it and building
    the join cost the ORM twice what PostgreSQL takes to answer it."""
    alias = router.db_for_read(AgencyMembership)
    agencies = Agency.objects.raw(_agencies_of_sql(alias), [user.pk]).using(alias)
    return [(agency, bool(agency.membership_is_supervisor)) for agency in agencies]  # type: ignore[attr-defined]


@functools.cache
def _agencies_of_sql(alias: str) -> str:
    quote = connections[alias].ops.quote_name
    agency, membership = Agency._meta, AgencyMembership._meta
    columns = named_columns(Agency, alias, table="a")
    column = {field.name: quote(field.column) for field in membership.concrete_fields}.__getitem__
    return (
        f"SELECT {columns}, m.{column('is_supervisor')} AS membership_is_supervisor"
        f" FROM {quote(membership.db_table)} m JOIN {quote(agency.db_table)} a"
        f" ON a.{quote(agency.pk.column)} = m.{column('agency')} WHERE m.{column('user')} = %s"
    )


SIGN_INS_SHOWN = 50


def recent_sign_ins(user: User) -> list[SignIn]:
    """The account's latest sign-ins and refused attempts, newest first (accounts:security)."""
    return list(SignIn.objects.filter(user=user).order_by("-at", "-pk")[:SIGN_INS_SHOWN])


@dataclass(frozen=True)
class OpenSession:
    started_at: datetime
    ip: str
    browser: str
    user_agent: str
    is_this_one: bool


def open_sessions(user: User, current_session_key: str | None) -> list[OpenSession]:
    """The account's sessions still signed in (ended and expired ones are dropped as they are read), this
    browser's first, then the newest."""
    from allauth.usersessions.models import UserSession

    sessions = [
        OpenSession(
            started_at=session.created_at,
            ip=session.ip,
            browser=describe_browser(session.user_agent),
            user_agent=session.user_agent,
            is_this_one=session.session_key == current_session_key,
        )
        for session in UserSession.objects.purge_and_list(user)
    ]
    return sorted(sessions, key=lambda s: (not s.is_this_one, -s.started_at.timestamp()))
