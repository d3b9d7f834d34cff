import os

from celery import Celery
from celery.fixups.django import DjangoFixup, DjangoWorkerFixup

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
