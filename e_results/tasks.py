"""Celery tasks of e-results (default queue): thin wrappers over the services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def sign_result(signed_result_id: int) -> str:
    # Idempotent: a result signed already, or held by another worker's lease, is returned as it is.
    return services.sign_result(signed_result_id=signed_result_id).status


@shared_task(acks_late=True, ignore_result=True)
def sweep_unsigned() -> int:
    """Beat: queue again the results left pending (broker down at commit, task lost, worker killed)."""
    return services.sweep_unsigned()
