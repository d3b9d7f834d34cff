"""Read queries of notifications shared by the inbox, the header and the staff pages."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from common.kept import kept, kept_key
from common.prepared import PreparedRead

from .models import Notification

if TYPE_CHECKING:  # accounts sits above notifications: a type-only import
    from accounts.types import Actor, Visitor


def inbox(user: "Actor") -> QuerySet[Notification]:
    return Notification.objects.inbox_of(user).only(
        "pk", "event", "subject", "body", "link", "created_at", "read_at", "dossier_code"
    )


UNREAD = "notifications:unread"  # kept per user


def unread_count(user: "Visitor") -> int:
    """The header's count on every page: one COUNT on a partial index (recipient, portal, unread), kept in the
    cache until a notice to the user or their reading one commits (forget_unread_count), or at most
    NOTIFICATIONS_UNREAD_CACHE_SECONDS (a row deleted outside the services: an erasure, the admin)."""
    if not user.is_authenticated:
        return 0
    return kept(
        UNREAD,
        (user.pk,),
        lambda: Notification.objects.unread_by(user).count(),
        settings.NOTIFICATIONS_UNREAD_CACHE_SECONDS,
    )


def forget_unread_count(user_id: int) -> None:
    cache.delete(kept_key(UNREAD, (user_id,)))


def for_dossier(dossier_id: int) -> QuerySet[Notification]:
    """What the portal told people about one dossier, on which channel, and whether it got there."""
    return (
        Notification.objects.filter(dossier_id=dossier_id)
        .exclude(event="staff_reminder")
        .select_related("recipient")
        .order_by("-created_at", "channel")
    )


LATEST_FOR_DOSSIER_READ = PreparedRead(
    "the newest 30 notifications about a dossier",
    lambda dossier_id: for_dossier(dossier_id)[:30],
    (int,),
)


def latest_for_dossier(dossier_id: int) -> list[Notification]:
    """The newest 30 of for_dossier(dossier_id): the staff dossier page's list (compiled once per process)."""
    return LATEST_FOR_DOSSIER_READ(dossier_id)
