"""Celery tasks of e-results (default queue): thin wrappers over the services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def sign_result(signed_result_id: int) -> str:
    # Idempotent: sign_result returns at once for a result already signed.
    return services.sign_result(signed_result_id=signed_result_id).status
