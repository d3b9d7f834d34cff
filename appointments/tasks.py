from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def send_reminders() -> int:
    """Beat, each afternoon: remind the people booked for the next working day (deduplicated)."""
    return services.send_reminders()
