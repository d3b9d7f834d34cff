"""Notification dispatch on one real Celery worker (run on demand, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_notifications \\
        .venv/bin/python bench/notifications_dispatch.py

Starts its own redis-server on a free port, a local fake SMS gateway (HTTP, answers at once) and one worker
(`celery -A portal worker -Q default,notifications,postal --concurrency N`), then measures:

1. Celery's own ceiling: N no-op tasks (notifications.tasks.noop) queued at once, tasks per second.
2. Dispatch: notifications written in one transaction (email + SMS rows each, plus the in-portal row), the
   rows per second from the commit until the last one is handed to its provider (email: Django's file
   backend; SMS: the HTTP gateway). The ratio to (1) is what the outbox costs on top of Celery.
3. Latency at a steady pace (--rate notifications per second for --seconds), each in its own transaction:
   the share of rows handed to the provider within 10 s of the commit (GOV.UK Notify's measure), p50 / p95 /
   p99 / max, and the pace the writer (this one process) actually held. "Handed to the provider" is when the
   gateway received the SMS, and the row's sent_at for email.

The database is created and migrated if missing; drop it afterwards. See bench/README.md.
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support import (  # noqa: E402 (after the path insert)
    celery_environment,
    celery_noop_rate,
    celery_worker,
    ensure_database,
    percentile,
    private_redis,
    scratch_folder,
    wait,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

BENCH_EMAIL = "notifications-bench-{run}@bench.example"


class Gateway:
    """A fake SMS gateway: 200 at once, and the moment each reference arrived."""

    def __init__(self):
        self.arrived: dict[str, float] = {}
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                reference = json.loads(body)["reference"]
                gateway.arrived.setdefault(reference, time.time())
                data = json.dumps({"message_id": f"bench-{reference}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sms"


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (the machine's cores)")
    parser.add_argument("--noops", type=int, default=2000)
    parser.add_argument("--notifications", type=int, default=1000, help="burst size (× email and SMS)")
    parser.add_argument("--rate", type=float, default=10, help="notifications per second in step 3")
    parser.add_argument("--seconds", type=float, default=30, help="length of step 3")
    args = parser.parse_args()

    ensure_database(postgres_only=True)
    with scratch_folder("notifications_bench_") as workdir, private_redis(workdir) as redis_url:
        gateway = Gateway()
        os.environ.update(
            {
                **celery_environment(redis_url=redis_url, workdir=workdir),
                "SMS_BACKEND": "notifications.providers.sms_http.HttpSMSGateway",
                "SMS_GATEWAY_URL": gateway.url,
            }
        )
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        queues = "default,notifications,postal"
        with celery_worker(queues=queues, concurrency=args.concurrency, name="bench@%h", workdir=workdir):
            run(args, gateway)


def run(args, gateway):
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import CitizenProfile, User
    from notifications.models import Channel, Notification
    from notifications.services import notify

    # A recipient of its own per run: earlier runs' notifications stay (their delivery attempts are
    # append-only audit rows, so the notifications cannot be deleted).
    user = User.objects.create(email=BENCH_EMAIL.format(run=time.time_ns()), full_name="Bench Citizen")
    # SMS notices go only to a verified phone: this one is taken as confirmed by its code.
    CitizenProfile.objects.create(
        user=user,
        full_name="Bench Citizen",
        phone="0912345678",
        phone_verified="0912345678",
        phone_verified_at=timezone.now(),
    )
    context = {"due_date": timezone.localdate().isoformat()}

    # 1. Celery's own cost per task.
    noop_rate = celery_noop_rate(args.noops)

    # 2. Dispatch: a burst written in one transaction.
    outbox = Notification.objects.filter(recipient=user).exclude(channel=Channel.PORTAL)
    with transaction.atomic():
        for _ in range(args.notifications):
            notify(recipient=user, event="dossier_received", context=context)
        started = time.perf_counter()
    rows = args.notifications * 2
    wait(lambda: outbox.filter(status="sent").count() >= rows, 900, "the burst", 0.2)
    dispatch_rate = rows / (time.perf_counter() - started)

    # 3. Latency at a steady pace, one transaction per notification.
    committed: dict[int, float] = {}
    interval = 1 / args.rate
    paced_from = time.monotonic()
    deadline = paced_from + args.seconds
    next_at = paced_from
    while time.monotonic() < deadline:
        with transaction.atomic():
            written = notify(recipient=user, event="dossier_approved", context={})
        at = time.time()
        for row in written:
            if row.channel != Channel.PORTAL:
                committed[row.pk] = at
        next_at += interval
        time.sleep(max(0, next_at - time.monotonic()))
    held = len(committed) / 2 / (time.monotonic() - paced_from)
    paced = Notification.objects.filter(pk__in=committed)
    wait(lambda: paced.filter(status="sent").count() >= len(committed), 300, "the paced rows", 0.2)
    latencies = []
    for pk, channel, key, sent_at in paced.values_list("pk", "channel", "key", "sent_at"):
        handed = gateway.arrived[str(key)] if channel == Channel.SMS else sent_at.timestamp()
        latencies.append(handed - committed[pk])
    within = sum(latency <= 10 for latency in latencies) / len(latencies)

    print(
        f"\nOne worker, --concurrency {args.concurrency}, private Redis, PostgreSQL, "
        "fake SMS gateway, file email"
    )
    print(f"  Celery no-op tasks:                 {noop_rate:8.0f} tasks/s  ({args.noops} tasks)")
    print(f"  notification dispatch (burst):      {dispatch_rate:8.0f} rows/s   ({rows} rows: email + SMS)")
    print(f"  ratio dispatch / no-op:             {dispatch_rate / noop_rate:8.2f}")
    print(
        f"  paced {args.rate:g}/s for {args.seconds:g} s (held {held:.1f}/s): {len(latencies)} rows, "
        f"handed to the provider within 10 s of commit: {within:.1%}"
    )
    print(
        f"  latency commit → provider:          p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
