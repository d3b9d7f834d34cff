"""gunicorn's settings in the production shape, docker-compose.yml and the Dockerfile:
`gunicorn -c python:portal.gunicorn_conf portal.wsgi:application` (bind and workers on the command line).

- Metrics of all workers in one scrape: prometheus_client's multiprocess mode, each worker writing its
  figures under PROMETHEUS_MULTIPROC_DIR (one per master unless set; emptied when gunicorn starts and
  removed when it stops, a dead worker's files merged);
  /metrics reads them all (portal/metrics.py).
- gunicorn's own lines (access log, worker errors) are masked like the portal's (common/logging.py), and the
  access log says each request's id (the X-Request-ID the portal answers with).
"""

import os
import shutil
import tempfile

from gunicorn.glogging import Logger

# One directory per gunicorn master (this module is read by the master, before any worker forks).
PROMETHEUS_MULTIPROC_DIR = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), f"portal-prometheus-{os.getpid()}")
)
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms rid=%({x-request-id}o)s'
)


def on_starting(server) -> None:
    shutil.rmtree(PROMETHEUS_MULTIPROC_DIR, ignore_errors=True)
    os.makedirs(PROMETHEUS_MULTIPROC_DIR, exist_ok=True)


def on_exit(server) -> None:
    shutil.rmtree(PROMETHEUS_MULTIPROC_DIR, ignore_errors=True)


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


class MaskingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        from common.logging import MaskingFilter

        for handler in [*self.error_log.handlers, *self.access_log.handlers]:
            handler.addFilter(MaskingFilter())


logger_class = MaskingLogger
