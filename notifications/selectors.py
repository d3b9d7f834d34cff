"""Read queries of notifications shared by the inbox, the header and the staff pages."""

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Notification

if TYPE_CHECKING:  # accounts sits above notifications: a type-only import
    from accounts.types import Actor, Visitor


def inbox(user: "Actor") -> QuerySet[Notification]:
    return Notification.objects.inbox_of(user).only(
        "pk", "event", "subject", "body", "link", "created_at", "read_at", "dossier_code"
    )


def unread_count(user: "Visitor") -> int:
    """One COUNT on a partial index (recipient, portal, unread): cheap enough for every page."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.unread_by(user).count()


def for_dossier(dossier_id: int) -> QuerySet[Notification]:
    """What the portal told people about one dossier, on which channel, and whether it got there."""
    return (
        Notification.objects.filter(dossier_id=dossier_id)
        .exclude(event="staff_reminder")
        .select_related("recipient")
        .order_by("-created_at", "channel")
    )
