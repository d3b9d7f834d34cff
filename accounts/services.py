"""Use cases of accounts: sign-in failures and the account lock, the citizen profile."""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import CitizenProfile, User


def record_login_failure(*, email: str) -> User | None:
    """Count a failed sign-in; the tenth in a row locks the account for an hour (brute-force guard)."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email.strip()).first()
        if user is None:
            return None
        now = timezone.now()
        if user.locked_until and user.locked_until <= now:
            user.failed_login_count = 0
            user.locked_until = None
        user.failed_login_count = F("failed_login_count") + 1
        user.save(update_fields=["failed_login_count", "locked_until"])
        user.refresh_from_db(fields=["failed_login_count"])
        if user.failed_login_count >= settings.LOGIN_FAILURE_LIMIT and not user.is_locked(now):
            user.locked_until = now + settings.LOGIN_LOCK_DURATION
            user.save(update_fields=["locked_until"])
        return user


def record_login_success(*, user: User) -> None:
    if user.failed_login_count or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)


def unlock_account(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)


def save_citizen_profile(*, user: User, **details) -> CitizenProfile:
    """Create or update the citizen's profile; the account's display name follows the profile's."""
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
