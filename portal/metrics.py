"""The Prometheus endpoint (/metrics) and what it measures at scrape time.

Per process (prometheus_client's registry): django-prometheus's request counts and latency per view, and
common/metrics.py's SQL statements per request. Under gunicorn with PROMETHEUS_MULTIPROC_DIR set
(portal/gunicorn_conf.py) the workers' figures are summed from that directory.

At each scrape (`PortalCollector`, a few cheap queries on indexed columns; no scan of dossiers): each
outbox's backlog and the age of its oldest waiting row, Celery's queue depths (LLEN on the Redis broker),
recent payment failures and refunds waiting for finance staff, the sign-ins refused in the last hour, and
the days left on each agency's signing certificate. Alert rules on these: deploy/prometheus/alerts.yml.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min
from django.http import HttpRequest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from common import clock
from common.http import client_address

logger = logging.getLogger(__name__)

# kombu's Redis transport keeps a queue's messages of priority p > 0 in "<queue>\x06\x16<p>" (its default
# priority steps 0, 3, 6, 9); priority 0 in "<queue>".
KOMBU_PRIORITY_SEPARATOR = "\x06\x16"
KOMBU_PRIORITY_STEPS = (3, 6, 9)
PAYMENT_FAILURE_WINDOW = datetime.timedelta(hours=1)
SIGN_IN_FAILURE_WINDOW = datetime.timedelta(hours=1)
CERTIFICATE_CACHE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Backlog:
    outbox: str
    pending: int
    oldest_age_seconds: float  # 0 when nothing waits


def outbox_backlogs(now: datetime.datetime | None = None) -> list[Backlog]:
    """Rows waiting to be sent in each outbox, and how long the oldest has waited since it was written:
    one aggregate per outbox, on the columns its sweeper's index starts with."""
    from e_results.models import SignedResult
    from national_sync.models import ItemStatus, SyncItem
    from notifications.models import Notification, Status
    from payments.models import Refund, RefundStatus
    from postal.models import DeliveryOrder, OrderStatus

    now = now or clock.now()
    outboxes = [
        # Same condition as the partial index notification_pending.
        (
            "notifications",
            Notification.objects.filter(status__in=[Status.CREATED, Status.SENDING]),
            "created_at",
        ),
        ("postal", DeliveryOrder.objects.filter(status=OrderStatus.PENDING), "created_at"),
        (
            "national_sync",
            SyncItem.objects.filter(status__in=[ItemStatus.PENDING, ItemStatus.SENDING]),
            "created_at",
        ),
        ("e_results_signing", SignedResult.objects.filter(status=SignedResult.Status.PENDING), "created_at"),
        ("refunds", Refund.objects.filter(status=RefundStatus.PENDING), "requested_at"),
    ]
    backlogs = []
    for name, waiting, written in outboxes:
        row = waiting.order_by().aggregate(pending=Count("pk"), oldest=Min(written))
        age = max(0.0, (now - row["oldest"]).total_seconds()) if row["oldest"] else 0.0
        backlogs.append(Backlog(name, row["pending"], round(age, 1)))
    return backlogs


def payment_failures(now: datetime.datetime | None = None) -> dict[str, int]:
    """Payment attempts the gateway refused in the last hour, and refunds the gateway refused that wait
    for finance staff (index (state, created_at) and (status, requested_at))."""
    from payments.models import AttemptState, PaymentAttempt, Refund, RefundStatus

    now = now or clock.now()
    since = now - PAYMENT_FAILURE_WINDOW
    return {
        "attempts_failed_last_hour": PaymentAttempt.objects.filter(
            state=AttemptState.FAILED, created_at__gte=since
        ).count(),
        "refunds_failed": Refund.objects.filter(status=RefundStatus.FAILED).count(),
    }


def celery_queue_depths() -> tuple[bool, dict[str, int]]:
    """(broker up, messages waiting per queue). Tasks run in-process on the embedded default: nothing can
    wait, every queue is 0. A broker that does not answer within a second: (False, {})."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, {queue: 0 for queue in settings.PORTAL_QUEUES}
    import redis

    from portal.celery import app

    try:
        client = redis.Redis.from_url(app.conf.broker_url, socket_connect_timeout=1, socket_timeout=1)
        with client.pipeline(transaction=False) as pipe:
            for queue in settings.PORTAL_QUEUES:
                pipe.llen(queue)
                for step in KOMBU_PRIORITY_STEPS:
                    pipe.llen(f"{queue}{KOMBU_PRIORITY_SEPARATOR}{step}")
            lengths = pipe.execute()
    except Exception as error:  # not Redis, not reachable, refused: the scrape still answers
        logger.warning("Celery broker not readable for metrics: %s", error.__class__.__name__)
        return False, {}
    per_queue = 1 + len(KOMBU_PRIORITY_STEPS)
    return True, {
        queue: sum(lengths[index * per_queue : (index + 1) * per_queue])
        for index, queue in enumerate(settings.PORTAL_QUEUES)
    }


def _certificate_not_after(path: Path, passphrase: bytes) -> datetime.datetime | None:
    """The certificate's end of validity, kept in the cache per file version: opening a PKCS#12 costs
    ~40 ms (its key derivation), too much for every agency at every scrape of every process."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    key = (
        "metrics:certificate-not-after:"
        + hashlib.sha256(f"{path}|{path.stat().st_mtime_ns}".encode()).hexdigest()
    )
    if (known := cache.get(key)) is not None:
        return datetime.datetime.fromisoformat(known) if known else None
    try:
        _key, certificate, _chain = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase)
    except (OSError, ValueError):
        certificate = None
    not_after = certificate.not_valid_after_utc if certificate else None
    cache.set(key, not_after.isoformat() if not_after else "", timeout=CERTIFICATE_CACHE_SECONDS)
    return not_after


def signing_certificate_expiries(now: datetime.datetime | None = None) -> dict[str, float]:
    """Days left on each agency's signing certificate (agency-<code>.p12 in the PKCS#12 directory); parsed
    once per file version, so a scrape costs a directory listing. An unreadable file is left out (logged)."""
    from e_results import sandbox_pki, signing

    now = now or clock.now()
    directory = Path(settings.E_RESULTS_PKCS12_DIR or signing.pki_dir())
    prefix, suffix = sandbox_pki.agency_pkcs12_name("|").split("|")
    days = {}
    for path in sorted(directory.glob(f"{prefix}*{suffix}")) if directory.is_dir() else []:
        code = path.name[len(prefix) : -len(suffix)]
        not_after = _certificate_not_after(path, signing.agency_passphrase(code))
        if not_after is None:
            logger.warning("Signing certificate %s cannot be read", path.name)
            continue
        days[code] = round((not_after - now).total_seconds() / 86400, 2)
    return days


def sign_ins_refused(now: datetime.datetime) -> int:
    """Wrong passwords and codes given for existing accounts in the last hour (accounts.SignIn, by its time
    index): many at once is someone trying passwords on the accounts."""
    from accounts.models import SignIn

    return SignIn.objects.filter(succeeded=False, at__gte=now - SIGN_IN_FAILURE_WINDOW).count()


class PortalCollector(Collector):
    """The figures read from the database, the broker and the certificates at each scrape."""

    def collect(self) -> Iterator[Metric]:
        now = clock.now()
        pending = GaugeMetricFamily(
            "portal_outbox_pending", "Rows waiting to be sent, per outbox.", labels=["outbox"]
        )
        oldest = GaugeMetricFamily(
            "portal_outbox_oldest_age_seconds",
            "Seconds since the oldest waiting row of the outbox was written (0: none waits).",
            labels=["outbox"],
        )
        for backlog in outbox_backlogs(now):
            pending.add_metric([backlog.outbox], backlog.pending)
            oldest.add_metric([backlog.outbox], backlog.oldest_age_seconds)
        yield pending
        yield oldest

        failures = payment_failures(now)
        yield GaugeMetricFamily(
            "portal_payment_attempts_failed_last_hour",
            "Payment attempts started in the last hour that the gateway refused.",
            value=failures["attempts_failed_last_hour"],
        )
        yield GaugeMetricFamily(
            "portal_refunds_failed",
            "Refunds the gateway refused, waiting for finance staff to send them again.",
            value=failures["refunds_failed"],
        )

        yield GaugeMetricFamily(
            "portal_sign_ins_refused_last_hour",
            "Sign-ins refused in the last hour for a wrong password or authenticator code, all accounts.",
            value=sign_ins_refused(now),
        )

        broker_up, depths = celery_queue_depths()
        yield GaugeMetricFamily(
            "portal_celery_broker_up", "1 when the Celery broker answered.", value=int(broker_up)
        )
        queues = GaugeMetricFamily(
            "portal_celery_queue_length", "Tasks waiting in the broker, per queue.", labels=["queue"]
        )
        for queue, depth in depths.items():
            queues.add_metric([queue], depth)
        yield queues

        certificates = GaugeMetricFamily(
            "portal_signing_certificate_expiry_days",
            "Days until the agency's e-result signing certificate expires (negative: expired).",
            labels=["agency"],
        )
        for agency, days in signing_certificate_expiries(now).items():
            certificates.add_metric([agency], days)
        yield certificates


def metrics_allowed(request: HttpRequest) -> bool:
    """A scrape is answered for a bearer token equal to METRICS_TOKEN, or from an address in
    METRICS_ALLOWED_IPS (addresses or networks; the client's address as common.http.client_ip reads it)."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    readable = client_address(request)
    if readable is None:
        return False
    address = ipaddress.ip_address(readable)
    for allowed in settings.METRICS_ALLOWED_IPS:
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            logger.warning("METRICS_ALLOWED_IPS holds %r, not an address or network", allowed)
    return False


def exposition() -> tuple[bytes, str]:
    """The scrape's body and content type: the process's (or all gunicorn workers') metrics, then the
    collector's."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest, multiprocess

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    scraped = CollectorRegistry()
    scraped.register(PortalCollector())
    return generate_latest(processes) + generate_latest(scraped), CONTENT_TYPE_LATEST
