"""The daily reminder to staff: one digest per clerk and officer of their agencies' dossiers due within
DUE_SOON_WORKING_DAYS working days and those overdue, prompting the apology slip (Phiếu xin lỗi và hẹn lại
ngày trả kết quả) while it can still be issued, i.e. before the appointment date passes."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from accounts.models import Role, User
from common import clock
from common.links import absolute_url
from notifications.services import notify

from . import working_days
from .models import Dossier
from .selectors import QueueView, queue_filters

MAX_LISTED = 50  # per section; the subject carries the full counts


def _item(dossier: Dossier) -> dict:
    return {
        "code": dossier.code or "",
        "procedure": dossier.procedure_version.name,
        "due_date": dossier.due_date.isoformat() if dossier.due_date else "",
        "url": absolute_url(reverse("staff:detail", args=[dossier.pk])),
    }


def digest_for(user: User, today: datetime.date) -> dict | None:
    """The digest's content for one member of staff, or None when nothing is due."""
    filters = queue_filters(user, today)
    agencies = user.memberships.values("agency_id")
    mine = (
        Dossier.objects.visible_to(user)
        .filter(Q(receiving_agency__in=agencies) | Q(handling_agency__in=agencies))
        .select_related("procedure_version")
        .order_by("due_date", "pk")
        .distinct()
    )
    due_soon = list(mine.filter(filters[QueueView.DUE_SOON]))
    overdue = list(mine.filter(filters[QueueView.OVERDUE]))
    if not due_soon and not overdue:
        return None
    return {
        "days": settings.DUE_SOON_WORKING_DAYS,
        "due_soon_count": len(due_soon),
        "overdue_count": len(overdue),
        "due_soon": [_item(d) for d in due_soon[:MAX_LISTED]],
        "overdue": [_item(d) for d in overdue[:MAX_LISTED]],
        "link": reverse("staff:home"),
    }


def send_due_reminders(*, today: datetime.date | None = None) -> int:
    """Write today's digests (on working days only); a second run the same day writes nothing new.
    Returns how many people were reminded."""
    today = today or clock.localdate()
    if not working_days.is_working_day(today):
        return 0
    staff = (
        User.objects.filter(is_active=True, role__in=[Role.CLERK, Role.OFFICER], memberships__isnull=False)
        .select_related("profile")
        .distinct()
        .order_by("pk")
    )
    reminded = 0
    for user in staff:
        digest = digest_for(user, today)
        if digest is None:
            continue
        with transaction.atomic():
            notify(
                recipient=user,
                event="staff_reminder",
                context=digest,
                dedupe_key=f"staff-reminder-{today.isoformat()}",
            )
        reminded += 1
    return reminded
