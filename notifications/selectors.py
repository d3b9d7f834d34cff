"""Read queries of notifications shared by the inbox, the header and the staff pages."""

from django.db.models import QuerySet

from .models import Notification


def inbox(user) -> QuerySet[Notification]:
    return Notification.objects.inbox_of(user).only(
        "pk", "event", "subject", "body", "link", "created_at", "read_at", "dossier_code"
    )


def unread_count(user) -> int:
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
