"""Sync health alerts (beat task national_sync.tasks.check_health): the staff of an agency are told once per
problem — rows waiting longer than NATIONAL_SYNC_ALERT_LAG_MINUTES, or rows the national portal refused for
good — through the notifications outbox. "Once" is the notice's dedupe key: the lag is one problem while the
same row is the oldest waiting, a failure one problem per latest failure time of the agency."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min
from django.urls import reverse

from accounts.models import STAFF_ROLES, User
from common import clock
from notifications.services import notify
from procedures.models import Agency

from .models import ItemStatus, SyncItem


def staff_to_alert(agency: Agency) -> list[User]:
    """The agency's supervisors; all its active staff when it has none."""
    members = User.objects.filter(is_active=True, role__in=STAFF_ROLES, memberships__agency=agency)
    supervisors = list(members.filter(memberships__is_supervisor=True).distinct())
    return supervisors or list(members.distinct())


def _tell(agency: Agency, dedupe_key: str, **context) -> int:
    link = f"{reverse('national_sync:health')}?agency={agency.code}"
    told = 0
    with transaction.atomic():
        for person in staff_to_alert(agency):
            notify(
                recipient=person,
                event="national_sync_alert",
                context={"agency": agency.name, "link": link, **context},
                dedupe_key=dedupe_key,
            )
            told += 1
    return told


def alert_staff(*, now: datetime.datetime | None = None) -> int:
    """Check every agency with unfinished rows; returns how many notices were written (repeats included,
    which the dedupe key turns into no-ops)."""
    now = now or clock.now()
    minutes = settings.NATIONAL_SYNC_ALERT_LAG_MINUTES
    since = now - datetime.timedelta(minutes=minutes)
    told = 0
    waiting = (
        SyncItem.objects.filter(status__in=[ItemStatus.PENDING, ItemStatus.SENDING], created_at__lt=since)
        .values("dossier__receiving_agency")
        .annotate(count=Count("pk"), oldest=Min("pk"))
    )
    failed = (
        SyncItem.objects.filter(status=ItemStatus.FAILED)
        .values("dossier__receiving_agency")
        .annotate(count=Count("pk"), latest=Max("failed_at"), first=Min("pk"))
    )
    agencies = Agency.objects.in_bulk({row["dossier__receiving_agency"] for row in [*waiting, *failed]})
    for row in waiting:
        agency = agencies[row["dossier__receiving_agency"]]
        key = f"national-sync-lag-{agency.pk}-{row['oldest']}"
        told += _tell(agency, key, problem="lag", count=row["count"], minutes=minutes)
    for row in failed:
        agency = agencies[row["dossier__receiving_agency"]]
        error = SyncItem.objects.filter(pk=row["first"]).values_list("last_error", flat=True).first() or ""
        key = f"national-sync-failed-{agency.pk}-{row['latest']:%Y%m%d%H%M%S%f}"
        told += _tell(agency, key, problem="failed", count=row["count"], error=error[:300])
    return told
