import os

from celery import Celery
from celery.fixups.django import DjangoFixup, DjangoWorkerFixup
from celery.signals import before_task_publish, task_postrun, task_prerun

from common.logging import request_id_after_task, request_id_for_task, request_id_into_task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


class PooledWorkerFixup(DjangoWorkerFixup):
    """Celery's Django fix-up closes Django's connection pool around every task in a prefork child
    (celery/celery#10554), so each task opened a new pool and new connections (a notification send cost
    more in connecting than in sending). Around a task, do what Django does around a request instead: give
    the connections back to the pool, closing those that are broken or too old. A child still closes the
    pool it inherits from its parent when it starts (worker_process_init, unchanged)."""

    def close_database(self, **kwargs) -> None:
        from django.db import close_old_connections

        close_old_connections()


class PooledDjangoFixup(DjangoFixup):
    @property
    def worker_fixup(self) -> PooledWorkerFixup:
        if self._worker_fixup is None:
            self._worker_fixup = PooledWorkerFixup(self.app)
        return self._worker_fixup


app = Celery("portal", fixups=[lambda app: PooledDjangoFixup(app).install()])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A task's log lines carry the id of the web request that queued it (common/logging.py): an error a citizen
# reports with the page's X-Request-ID can be followed into the worker that sent their notification.
before_task_publish.connect(request_id_into_task, weak=False)
task_prerun.connect(request_id_for_task, weak=False)
task_postrun.connect(request_id_after_task, weak=False)
