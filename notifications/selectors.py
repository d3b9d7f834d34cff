"""Read queries of notifications shared by the inbox, the header and the staff pages."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from .models import Notification

if TYPE_CHECKING:  # accounts sits above notifications: a type-only import
    from accounts.types import Actor, Visitor


def inbox(user: "Actor") -> QuerySet[Notification]:
    return Notification.objects.inbox_of(user).only(
        "pk", "event", "subject", "body", "link", "created_at", "read_at", "dossier_code"
    )


def unread_count(user: "Visitor") -> int:
    """The header's count on every page: one COUNT on a partial index (recipient, portal, unread), kept in the
    cache until a notice to the user or their reading one commits (forget_unread_count), or at most
    NOTIFICATIONS_UNREAD_CACHE_SECONDS (a row deleted outside the services: an erasure, the admin)."""
    if not user.is_authenticated:
        return 0
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.unread_by(user).count()
        cache.set(key, count, settings.NOTIFICATIONS_UNREAD_CACHE_SECONDS)
    return count


def forget_unread_count(*user_ids: int | None) -> None:
    cache.delete_many([_unread_key(pk) for pk in set(user_ids) if pk is not None])


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def for_dossier(dossier_id: int) -> QuerySet[Notification]:
    """What the portal told people about one dossier, on which channel, and whether it got there."""
    return (
        Notification.objects.filter(dossier_id=dossier_id)
        .exclude(event="staff_reminder")
        .select_related("recipient")
        .order_by("-created_at", "channel")
    )
