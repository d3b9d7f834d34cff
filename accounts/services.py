"""Use cases of accounts: sign-in failures and the account lock, the citizen profile, staff roles."""

import hashlib
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from common import clock

from .models import DUPLICATE_PERSONAL_ID_MESSAGE, CitizenProfile, Role, User
from .selectors import user_for_login


def _unknown_email_key(email: str) -> str:
    return "accounts:login-failures:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def record_login_failure(*, email: str) -> User | None:
    """Count a failed sign-in; the tenth in a row locks the account for an hour (brute-force guard).

    Addresses without an account are counted in the cache the same way, so that the lock message
    cannot be used to learn whether an account exists.
    """
    found = user_for_login(email)
    if found is None:
        _record_unknown_email_failure(email)
        return None
    return _count_failure(found.pk)


def record_second_factor_failure(*, user: User) -> User:
    """A wrong two-factor code (TOTP or recovery code) counts like a wrong password: whoever holds the
    password must not get unlimited guesses at the six digits (the same ten-failure lock)."""
    return _count_failure(user.pk)


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


def record_login_success(*, user: User) -> None:
    """A successful sign-in starts the failure count afresh."""
    if user.failed_login_count or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)


def unlock_account(*, user: User) -> None:
    """Lift the lock: by an administrator, or by the owner resetting the password through their email."""
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)


def save_citizen_profile(*, user: User, **details: Any) -> CitizenProfile:
    """Create or update the citizen's profile; the account's display name follows the profile's."""
    try:
        with transaction.atomic():
            profile, _created = CitizenProfile.objects.select_for_update().get_or_create(
                user=user, defaults={"full_name": details.get("full_name") or user.full_name or ""}
            )
            for name, value in details.items():
                setattr(profile, name, value)
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
