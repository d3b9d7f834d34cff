"""Celery tasks of dossiers: thin wrappers over services."""

from celery import shared_task

from . import reminders


@shared_task(ignore_result=True)
def send_due_reminders() -> int:
    """Beat, 07:00 every day: the staff digest of due and overdue dossiers (skipped on days off)."""
    return reminders.send_due_reminders()
