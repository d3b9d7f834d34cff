"""Queueing Celery tasks for outbox rows. The row in the database is the record that work is due; the queued
task only makes it happen sooner. So a broker that is down (Redis stopped, a network error) must not fail
the caller — least of all inside `transaction.on_commit`, after the request's change committed: the row
stays, and the app's sweeper queues it again."""

import logging
from collections.abc import Iterable
from typing import Any

from celery import Task

logger = logging.getLogger(__name__)


def queue_each(task: Task, ids: Iterable[Any], *, countdown: float | None = None) -> int:
    """Queue `task(id)` once per id; an id that cannot be queued is logged and left to the sweeper.
    Returns how many were queued."""
    return sum(_queue(task, pk, countdown) for pk in ids)


def queue_batches(task: Task, ids: Iterable[Any], *, size: int, countdown: float | None = None) -> int:
    """Queue `task([id, …])` once per `size` ids (Celery's cost per task shared by a batch); a batch that
    cannot be queued is logged and left to the sweeper. Returns how many ids were queued."""
    ids, size = list(ids), max(size, 1)
    batches = [ids[start : start + size] for start in range(0, len(ids), size)]
    return sum(len(batch) for batch in batches if _queue(task, batch, countdown))


def _queue(task: Task, argument: Any, countdown: float | None) -> bool:
    try:
        task.apply_async((argument,), countdown=countdown)
    except Exception:  # the broker's errors vary by transport; the outbox row is the safety net
        logger.warning("Could not queue %s(%s); its sweeper will", task.name, argument, exc_info=True)
        return False
    return True
