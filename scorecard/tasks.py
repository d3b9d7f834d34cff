import datetime

from celery import shared_task
from django.conf import settings

from common import clock

from . import figures


@shared_task(acks_late=True)
def refresh_recent_figures(days: int | None = None) -> int:
    """Recompute the daily rows of today and the days before it (default: yesterday and today; the nightly run
    goes back SCORECARD_NIGHTLY_DAYS so that late answers and payments are counted). Idempotent."""
    days = days or 2
    today = clock.localdate()
    return figures.refresh_days(today - datetime.timedelta(days=days - 1), today)


@shared_task(acks_late=True)
def refresh_figures_nightly() -> int:
    return refresh_recent_figures(settings.SCORECARD_NIGHTLY_DAYS)
