"""Use cases of accounts: sign-in failures and the account lock, the citizen profile, staff roles."""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from common import clock
from common.http import client_address
from notifications.events import Event
from notifications.models import Channel
from notifications.services import notify

from .models import DUPLICATE_PERSONAL_ID_MESSAGE, CitizenProfile, PhoneVerification, Role, SignIn, User
from .selectors import user_for_login


def _unknown_email_key(email: str) -> str:
    return "accounts:login-failures:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def record_login_failure(*, email: str, request=None) -> User | None:
    """Count a failed sign-in; the tenth in a row locks the account for an hour (brute-force guard). The
    account's owner sees the refused attempt in their sign-in history.

    Addresses without an account are counted in the cache the same way, so that the lock message
    cannot be used to learn whether an account exists.
    """
    found = user_for_login(email)
    if found is None:
        _record_unknown_email_failure(email)
        return None
    user = _count_failure(found.pk)
    record_sign_in(user=user, request=request, method=SignIn.Method.PASSWORD, succeeded=False)
    return user


def record_second_factor_failure(*, user: User, request=None) -> User:
    """A wrong two-factor code (TOTP or recovery code) counts like a wrong password: whoever holds the
    password must not get unlimited guesses at the six digits (the same ten-failure lock)."""
    counted = _count_failure(user.pk)
    record_sign_in(user=user, request=request, method=SignIn.Method.SECOND_FACTOR, succeeded=False)
    return counted


# allauth's record of how this session authenticated (its `method` values) → the history's method; the
# first that appears among this sign-in's records wins.
_METHOD_OF_RECORD = (
    ("socialaccount", SignIn.Method.NATIONAL_IDENTITY),
    ("mfa", SignIn.Method.SECOND_FACTOR),
    ("password_reset", SignIn.Method.PASSWORD_RESET),
)


def sign_in_method(request, user: User) -> str:
    """How the request that is signing `user` in authenticated, from allauth's records in its session."""
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, user) if request is not None else []
    used = {record.get("method") for record in records}
    for method, kind in _METHOD_OF_RECORD:
        if method in used:
            return kind
    return SignIn.Method.PASSWORD


def record_sign_in(*, user: User, request, method: str, succeeded: bool, device: str = "") -> SignIn:
    """One line of the account's sign-in history: when, how, from which address and browser."""
    meta = request.META if request is not None else {}
    return SignIn.objects.create(
        user=user,
        at=clock.now(),
        method=method,
        succeeded=succeeded,
        ip=(client_address(request) or "") if request is not None else "",
        user_agent=meta.get("HTTP_USER_AGENT", "")[: SignIn._meta.get_field("user_agent").max_length],
        device=hashlib.sha256(device.encode()).hexdigest() if device else "",
    )


# A long-lived, random cookie naming the browser (no personal data; strictly necessary for the account's
# security): a successful sign-in from a browser without one this account has signed in from is told to
# the account's owner. Set on the sign-in's response (accounts.adapters.PortalAccountAdapter.post_login).
DEVICE_COOKIE = "portal_device"
DEVICE_COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie
_DEVICE_VALUE = re.compile(r"[A-Za-z0-9_-]{22,64}")


def browser_device(request) -> str:
    """The browser's device cookie, or a new value the sign-in's response will set (`request.new_device`)."""
    value = request.COOKIES.get(DEVICE_COOKIE, "") if request is not None else ""
    if _DEVICE_VALUE.fullmatch(value):
        return value
    value = secrets.token_urlsafe(24)
    if request is not None:
        request.new_device = value
    return value


def tell_of_a_new_browser(*, user: User, sign_in: SignIn) -> bool:
    """Tell the owner of a sign-in from a browser that never signed in to the account before (by its
    device cookie), unless it is the account's first sign-in: the notice names the time, browser and address
    and links to the history, where the other sessions can be signed out. Returns whether they were told."""
    earlier = SignIn.objects.filter(user=user, succeeded=True).exclude(pk=sign_in.pk)
    if not sign_in.device or not earlier.exists() or earlier.filter(device=sign_in.device).exists():
        return False
    notify(
        recipient=user,
        event=Event.NEW_SIGN_IN,
        context={
            "when": sign_in.at.isoformat(),
            "browser": sign_in.browser,
            "ip": sign_in.ip,
            "link": reverse("accounts:security"),
        },
        dedupe_key=f"sign-in-{sign_in.pk}",
    )
    return True


def forget_old_sign_ins(*, now: datetime | None = None) -> int:
    """Sign-ins older than SIGN_IN_HISTORY_DAYS are deleted (data kept no longer than its purpose needs)."""
    cutoff = (now or clock.now()) - timedelta(days=settings.SIGN_IN_HISTORY_DAYS)
    deleted, _by_model = SignIn.objects.filter(at__lt=cutoff).delete()
    return deleted


def clear_ended_sessions() -> int:
    """Delete the expired sessions (Django leaves them to `clearsessions`) and allauth's rows of open
    sessions whose session is gone (ended, expired, signed out): no address or browser is kept for a session
    that no longer exists. Returns how many session rows of allauth's were deleted."""
    from allauth.usersessions.models import UserSession
    from django.contrib.sessions.models import Session

    from .sessions import sessions_in_the_database

    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    if not sessions_in_the_database():
        return 0
    deleted, _by_model = UserSession.objects.exclude(
        session_key__in=Session.objects.values("session_key")
    ).delete()
    return deleted


def end_other_sessions(*, user: User, request) -> int:
    """Sign the account out everywhere but in this browser (a phone left somewhere, a shared computer).
    Returns how many sessions were ended."""
    from allauth.usersessions.adapter import get_adapter
    from allauth.usersessions.models import UserSession

    # Listed with the ended ones dropped, so the count is of sessions really signed out; allauth's adapter
    # ends them, as its own "sign out other sessions" form does.
    others = [
        session
        for session in UserSession.objects.purge_and_list(user)
        if session.session_key != request.session.session_key
    ]
    get_adapter().end_sessions(others)
    return len(others)


def _count_failure(user_pk: int) -> User:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_pk)  # the row lock orders concurrent failures
        now = clock.now()
        if user.locked_until and user.locked_until <= now:  # an expired lock: counting starts afresh
            user.failed_login_count = 0
            user.locked_until = None
        user.failed_login_count += 1
        if user.failed_login_count >= settings.LOGIN_FAILURE_LIMIT and not user.is_locked(now):
            user.locked_until = now + settings.LOGIN_LOCK_DURATION
        user.save(update_fields=["failed_login_count", "locked_until"])
        return user


def _record_unknown_email_failure(email: str) -> None:
    key = _unknown_email_key(email)
    now = clock.now()
    state = cache.get(key) or {"count": 0, "locked_until": None}
    if state["locked_until"] and state["locked_until"] <= now:
        state = {"count": 0, "locked_until": None}
    state["count"] += 1
    if state["count"] >= settings.LOGIN_FAILURE_LIMIT and not state["locked_until"]:
        state["locked_until"] = now + settings.LOGIN_LOCK_DURATION
    cache.set(key, state, timeout=int(settings.LOGIN_LOCK_DURATION.total_seconds()))


def login_locked_until(*, email: str, now: datetime | None = None) -> datetime | None:
    """Until when sign-in with this address is refused, or None: the same answer whether or not
    an account has this address."""
    now = now or clock.now()
    user = user_for_login(email)
    if user is not None:
        return user.locked_until if user.is_locked(now) else None
    state = cache.get(_unknown_email_key(email)) if email else None
    locked_until = state and state["locked_until"]
    return locked_until if locked_until and locked_until > now else None


def record_login_success(*, user: User, request=None) -> None:
    """A successful sign-in starts the failure count afresh and goes into the account's history; one from a
    browser new to the account is told to its owner."""
    if user.failed_login_count or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    with transaction.atomic():
        sign_in = record_sign_in(
            user=user,
            request=request,
            method=sign_in_method(request, user),
            succeeded=True,
            device=browser_device(request),
        )
        tell_of_a_new_browser(user=user, sign_in=sign_in)


def unlock_account(*, user: User) -> None:
    """Lift the lock: by an administrator, or by the owner resetting the password through their email."""
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)


def set_simple_mode(*, user: User, on: bool) -> CitizenProfile:
    """Save the citizen's choice of simple mode in the profile, created if there is none yet, so that the
    choice follows them to another device (accounts.simple_mode)."""
    with transaction.atomic():
        profile, created = CitizenProfile.objects.select_for_update().get_or_create(
            user=user, defaults={"full_name": user.full_name or "", "simple_mode": on}
        )
        if not created and profile.simple_mode != on:
            profile.simple_mode = on
            profile.save(update_fields=["simple_mode", "updated_at"])
        return profile


def save_citizen_profile(*, user: User, **details: Any) -> CitizenProfile:
    """Create or update the citizen's profile; the account's display name follows the profile's. A new
    phone number is unverified until its SMS code is entered (confirm_phone)."""
    try:
        with transaction.atomic():
            profile, _created = CitizenProfile.objects.select_for_update().get_or_create(
                user=user, defaults={"full_name": details.get("full_name") or user.full_name or ""}
            )
            for name, value in details.items():
                setattr(profile, name, value)
            if profile.phone != profile.phone_verified:
                profile.phone_verified, profile.phone_verified_at = "", None
            profile.full_clean()
            profile.save()
            if profile.full_name and user.full_name != profile.full_name:
                user.full_name = profile.full_name
                user.save(update_fields=["full_name"])
            return profile
    except IntegrityError as error:
        # Two people saving the same personal ID at once: the unique constraint decides.
        if "personal_id" in str(error):
            raise ValidationError({"personal_id": DUPLICATE_PERSONAL_ID_MESSAGE}) from error
        raise


# Permissions each staff role needs in the Django admin; roles are kept as groups so an administrator can
# see and adjust them there.
ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    Role.CATALOGUE_ADMIN: {
        "procedures": [
            "add_procedure",
            "change_procedure",
            "view_procedure",
            "add_procedureversion",
            "change_procedureversion",
            "view_procedureversion",
            "delete_procedureversion",
            "publish_procedureversion",
            "add_procedurefee",
            "change_procedurefee",
            "delete_procedurefee",
            "view_procedurefee",
            "add_requireddocument",
            "change_requireddocument",
            "delete_requireddocument",
            "view_requireddocument",
            "add_field",
            "change_field",
            "view_field",
            "add_agency",
            "change_agency",
            "view_agency",
            "add_administrativeunit",
            "change_administrativeunit",
            "view_administrativeunit",
        ],
    },
}


def role_group(role: str) -> Group | None:
    """The permission group of a staff role, created with its permissions on first use."""
    wanted = ROLE_PERMISSIONS.get(role)
    if wanted is None:
        return None
    group, _created = Group.objects.get_or_create(name=f"role:{role}")
    permissions = Permission.objects.filter(
        Q(
            *[Q(content_type__app_label=app, codename__in=codenames) for app, codenames in wanted.items()],
            _connector=Q.OR,
        )
    )
    group.permissions.set(permissions)
    return group


def set_role(*, user: User, role: str) -> User:
    """Give a user a role: its permission group, and admin-site access only for catalogue admins."""
    with transaction.atomic():
        user.role = role
        user.is_staff = role == Role.CATALOGUE_ADMIN or user.is_superuser
        user.save(update_fields=["role", "is_staff"])
        user.groups.remove(*user.groups.filter(name__startswith="role:"))
        group = role_group(role)
        if group is not None:
            user.groups.add(group)
        return user


def confirm_email_by_administrator(*, user: User) -> None:
    """An account an administrator creates has an address the administrator vouches for: no
    verification mail is needed before its first sign-in."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def set_preferred_language(*, user: User, language: str) -> None:
    """Remember the language a person chose, so mail and SMS reach them in it too."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)


# --- phone verification ------------------------------------------------------------------------------------
PHONE_CODE_DIGITS = 6
TOO_MANY_WRONG_CODES = gettext_lazy("Too many wrong codes. Please ask for a new one.")


def _phone_code_hash(*, user_pk: int, phone: str, code: str) -> str:
    """A hash keyed with SECRET_KEY: six digits are too few for a plain hash to hide them."""
    return salted_hmac(
        "accounts.PhoneVerification", f"{user_pk}:{phone}:{code}", algorithm="sha256"
    ).hexdigest()


def send_phone_code(*, user: User) -> PhoneVerification:
    """Send a new code by SMS to the phone in the citizen's profile, through the notification outbox (to that
    number only, verified or not); keep only its hash. A new code no sooner than PHONE_CODE_RESEND_SECONDS
    after the last one and at most PHONE_CODE_MAX_PER_DAY a day; it is valid PHONE_CODE_VALID_MINUTES."""
    with transaction.atomic():
        profile = CitizenProfile.objects.select_for_update().filter(user=user).first()  # orders two clicks
        if profile is None or not profile.phone:
            raise ValidationError(
                _("Add a phone number to your details and save them first."), code="no_phone"
            )
        if profile.phone_is_verified:
            raise ValidationError(_("This phone number is already verified."), code="verified")
        now = clock.now()
        check_code_allowance(codes_sent=PhoneVerification.objects.filter(user=user), now=now)
        new = new_phone_code(now=now)
        verification = PhoneVerification.objects.create(
            user=user,
            phone=profile.phone,
            code_hash=_phone_code_hash(user_pk=user.pk, phone=profile.phone, code=new.code),
            created_at=now,
            expires_at=new.expires_at,
        )
        notify(
            recipient=user,
            event=Event.PHONE_VERIFICATION,
            context={"otp": new.code, "minutes": new.minutes},
            channels=[(Channel.SMS, profile.phone)],
        )
        return verification


def check_code_allowance(*, codes_sent: QuerySet[Any], now: datetime) -> None:
    """The limits on SMS codes, shared by the profile's phone verification and a feedback sender's phone:
    none within PHONE_CODE_RESEND_SECONDS of the last one, at most PHONE_CODE_MAX_PER_DAY in 24 hours.
    `codes_sent`: the rows (with `created_at`) of the codes already sent to that person or number."""
    sent_in_last_day = codes_sent.filter(created_at__gt=now - timedelta(days=1))
    last = sent_in_last_day.order_by("-created_at").first()
    refuse_a_code_sent_too_soon(last_sent_at=last.created_at if last else None, now=now)
    if sent_in_last_day.count() >= settings.PHONE_CODE_MAX_PER_DAY:
        raise ValidationError(
            _("Too many codes were sent in the last 24 hours. Please try again tomorrow."),
            code="too_many",
        )


@dataclass(frozen=True)
class PhoneCode:
    """A new one-time code: the digits (sent, never stored), and how long it is valid."""

    code: str
    minutes: int
    expires_at: datetime


def new_phone_code(*, now: datetime) -> PhoneCode:
    """PHONE_CODE_DIGITS random digits, valid PHONE_CODE_VALID_MINUTES from `now`."""
    minutes = settings.PHONE_CODE_VALID_MINUTES
    return PhoneCode(
        code=f"{secrets.randbelow(10**PHONE_CODE_DIGITS):0{PHONE_CODE_DIGITS}d}",
        minutes=minutes,
        expires_at=now + timedelta(minutes=minutes),
    )


@dataclass(frozen=True)
class PhoneCheck:
    """What confirm_phone() found: verified, or the reason it was refused."""

    verified: bool
    error: str = ""


def confirm_phone(*, user: User, code: str) -> CitizenProfile:
    """The citizen types the code sent to their phone: right and in time, the number is verified. Each wrong
    code counts; after PHONE_CODE_MAX_ATTEMPTS the code is void and a new one must be asked for. Raises
    ValidationError with the reason (the wrong try is recorded all the same)."""
    code = "".join((code or "").split())
    if not re.fullmatch(rf"[0-9]{{{PHONE_CODE_DIGITS}}}", code):
        raise ValidationError(_("Enter the 6 digits of the code sent to your phone."), code="format")
    with transaction.atomic():
        check, profile = _check_phone_code(user=user, code=code)
    if not check.verified:  # raised after the commit: the wrong try stays counted
        raise ValidationError(check.error, code="refused")
    return profile


def _check_phone_code(*, user: User, code: str) -> tuple[PhoneCheck, CitizenProfile]:
    profile = CitizenProfile.objects.select_for_update().get(user=user)
    if profile.phone_is_verified:
        return PhoneCheck(verified=True), profile
    now = clock.now()
    pending = (
        PhoneVerification.objects.select_for_update()
        .filter(user=user, phone=profile.phone, verified_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if pending is None:
        return PhoneCheck(
            False, _("This code has expired or was not sent. Please ask for a new one.")
        ), profile
    if pending.attempts >= settings.PHONE_CODE_MAX_ATTEMPTS:
        return PhoneCheck(False, str(TOO_MANY_WRONG_CODES)), profile
    expected = _phone_code_hash(user_pk=user.pk, phone=profile.phone, code=code)
    if not constant_time_compare(expected, pending.code_hash):
        pending.attempts += 1
        pending.save(update_fields=["attempts"])
        left = settings.PHONE_CODE_MAX_ATTEMPTS - pending.attempts
        if left <= 0:
            return PhoneCheck(False, str(TOO_MANY_WRONG_CODES)), profile
        message = ngettext(
            "The code is not correct: %(left)s try left.",
            "The code is not correct: %(left)s tries left.",
            left,
        ) % {"left": left}
        return PhoneCheck(False, message), profile
    pending.verified_at = now
    pending.save(update_fields=["verified_at"])
    profile.phone_verified, profile.phone_verified_at = profile.phone, now
    profile.save(update_fields=["phone_verified", "phone_verified_at", "updated_at"])
    return PhoneCheck(verified=True), profile


def confirm_phone_by_administrator(*, user: User, phone: str) -> None:
    """A number an administrator vouches for (the demo citizens') is verified without a code, if it is still
    the one in the profile."""
    CitizenProfile.objects.filter(user=user, phone=phone).exclude(phone="").exclude(
        phone_verified=phone
    ).update(phone_verified=phone, phone_verified_at=clock.now())


def refuse_a_code_sent_too_soon(*, last_sent_at, now) -> None:
    """An SMS code (phone verification, approving an authorisation) is not sent again within
    PHONE_CODE_RESEND_SECONDS of the last one: the wait is said in seconds."""
    if last_sent_at is None:
        return
    wait = settings.PHONE_CODE_RESEND_SECONDS - (now - last_sent_at).total_seconds()
    if wait > 0:
        seconds = int(wait) + 1
        raise ValidationError(
            ngettext(
                "A code was just sent. Please wait %(seconds)s second before asking for another.",
                "A code was just sent. Please wait %(seconds)s seconds before asking for another.",
                seconds,
            )
            % {"seconds": seconds},
            code="too_soon",
        )
