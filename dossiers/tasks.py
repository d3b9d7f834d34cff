"""Celery tasks of dossiers: thin wrappers over services."""

from celery import shared_task

from . import reminders


@shared_task(ignore_result=True)
def send_due_reminders() -> int:
    """Beat, 07:00 every day: the staff digest of due and overdue dossiers (skipped on days off)."""
    return reminders.send_due_reminders()


@shared_task(ignore_result=True)
def forget_old_lookup_misses() -> int:
    """Beat, hourly: drop the lookup guards of codes whose misses and lock are over."""
    from .services import lookups

    return lookups.forget_old_lookup_misses()


@shared_task(ignore_result=True)
def expire_authorisations() -> int:
    """Beat, hourly: mark expired the authorisations (ủy quyền) past their date."""
    from .services import authorisations

    return authorisations.expire_due()


@shared_task(ignore_result=True)
def archive_expired_dossiers() -> int:
    """Beat, 03:30 every day: archive the closed dossiers past their retention period; returns how many."""
    from .services import retention

    return retention.archive_expired().archived
