"""The national portal sync on one real Celery worker (run on demand, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_sync .venv/bin/python bench/national_sync.py

Migrates the database (creating it) and loads the demo, before the worker starts (the tasks it queued are
dropped). Starts its own redis-server on a free port and one worker (`celery -A portal worker -Q
national_sync,notifications --concurrency 1`), the national portal being the embedded sandbox (in-process
transport, the embedded default), then measures:

1. Celery's own ceiling: --noops no-op tasks (notifications.tasks.noop) queued at once, tasks per second.
2. Sync throughput: --changes dossier changes committed in one transaction (`register_at_desk` by the demo's
   one-stop-shop clerk: each files a dossier, one audited change, so two outbox rows — the record and the
   step), then the rows synced per second from the commit until the last one reached the sandbox; the ratio
   to (1) is what a synced row costs on top of Celery.
3. Lag at a steady pace: --rate changes per second for --seconds, each in its own transaction from this
   process; lag = the row's synced_at − the change's time (SyncItem.created_at), p50 / p95 / p99 / max, and
   the pace this process actually held.

--smoke: tiny sizes (what scripts/bench_smoke.sh runs; the figures are not measurements). --json FILE keeps
the figures. Drop the database afterwards. See bench/README.md.
"""

import argparse
import json
import os
import statistics
import sys
import time
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

CLERK_EMAIL = "clerk@demo.vn"
QUEUES = "national_sync,notifications"
SMOKE = {"noops": 20, "changes": 10, "rate": 5.0, "seconds": 1.0}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--noops", type=int, default=2000)
    parser.add_argument("--changes", type=int, default=500, help="burst size: dossier changes in one commit")
    parser.add_argument("--rate", type=float, default=20, help="changes per second in step 3")
    parser.add_argument("--seconds", type=float, default=30, help="length of step 3")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the bench still runs")
    parser.add_argument("--json", metavar="FILE", help="write the figures to FILE as JSON")
    args = parser.parse_args()
    if args.smoke:
        for name, value in SMOKE.items():
            setattr(args, name, value)
    if min(args.noops, args.changes) < 1 or args.rate <= 0 or args.seconds <= 0:
        parser.error("sizes, --rate and --seconds must be positive")

    ensure_database(postgres_only=True)
    with scratch_folder("national_sync_bench_") as workdir, private_redis(workdir) as redis_url:
        os.environ.update(
            {
                **celery_environment(redis_url=redis_url, workdir=workdir),
                "NATIONAL_PORTAL_ADAPTER": "sandbox",
                "MEDIA_ROOT": os.environ.get("MEDIA_ROOT") or str(workdir / "media"),
            }
        )
        import django

        django.setup()
        prepare_database()
        with celery_worker(queues=QUEUES, concurrency=1, name="syncbench@%h", workdir=workdir):
            figures = run(args)
    report(args, figures)


def prepare_database() -> None:
    """Migrate and load the demo once, before the worker starts; the tasks the demo queued are dropped (the
    Redis is the bench's own), so the worker starts on an empty queue. The demo's sync rows stay unsent."""
    import redis
    from django.core.management import call_command

    from accounts.models import User
    from national_portal_sandbox.models import SandboxSettings

    call_command("migrate", verbosity=0)
    if not User.objects.filter(email=CLERK_EMAIL).exists():
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 (the command writes and exits)
    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    sandbox = SandboxSettings.load()
    sandbox.down, sandbox.failure_rate = False, 0.0
    sandbox.save()


class DeskClerk:
    """Dossier changes through the real service: the demo clerk registers a dossier brought to the desk of
    UBND phường Hoa Lư (no uploads), which files it at once — one audited change."""

    def __init__(self):
        from accounts.models import User
        from procedures.models import Agency, ProcedureVersion

        self.clerk = User.objects.get(email=CLERK_EMAIL)
        self.agency = Agency.objects.get(name="Ủy ban nhân dân phường Hoa Lư")
        self.version = (
            ProcedureVersion.objects.published().filter(agencies=self.agency).order_by("pk").first()
        )
        self.count = 0

    def change(self):
        from dossiers import services

        self.count += 1
        return services.register_at_desk(
            version=self.version,
            clerk=self.clerk,
            receiving_agency=self.agency,
            channel="desk",
            details={"applicant_name": f"Người nộp thử {self.count}", "applicant_phone": "0912345678"},
        )


def wait_synced(items, timeout: float, what: str) -> None:
    """Until none of `items` is waiting or being sent; a row failed for good stops the bench."""
    from national_sync.models import ItemStatus

    wait(
        lambda: not items.filter(status__in=[ItemStatus.PENDING, ItemStatus.SENDING]).exists(),
        timeout,
        what,
        0.1,
    )
    failed = items.filter(status=ItemStatus.FAILED)
    if failed.exists():
        raise SystemExit(f"{failed.count()} rows failed, e.g.: {failed.first().last_error}")


def run(args) -> dict:
    from django.db import transaction
    from django.db.models import Max

    from national_sync.models import SyncItem

    desk = DeskClerk()

    # 1. Celery's own cost per task.
    noop_rate = celery_noop_rate(args.noops)

    # Warm-up of the sync path (the worker's first sandbox session, imports). The demo's own rows are
    # left out: they were sent (or not) inline while it loaded.
    before = SyncItem.objects.aggregate(last=Max("pk"))["last"] or 0
    with transaction.atomic():
        for _ in range(5):
            desk.change()
    wait_synced(SyncItem.objects.filter(pk__gt=before), 120, "the warm-up rows")
    before = SyncItem.objects.aggregate(last=Max("pk"))["last"] or 0

    # 2. Throughput: a burst of changes committed at once.
    with transaction.atomic():
        for _ in range(args.changes):
            desk.change()
        started = time.perf_counter()
    burst = SyncItem.objects.filter(pk__gt=before)
    rows = burst.count()
    wait_synced(burst, 1800, "the burst")
    sync_rate = rows / (time.perf_counter() - started)
    before = SyncItem.objects.aggregate(last=Max("pk"))["last"] or 0

    # 3. Lag at a steady pace, one transaction per change.
    changes = 0
    interval = 1 / args.rate
    paced_from = time.monotonic()
    deadline = paced_from + args.seconds
    next_at = paced_from
    while time.monotonic() < deadline:
        with transaction.atomic():
            desk.change()
        changes += 1
        next_at += interval
        time.sleep(max(0, next_at - time.monotonic()))
    held = changes / (time.monotonic() - paced_from)
    paced = SyncItem.objects.filter(pk__gt=before)
    wait_synced(paced, 900, "the paced rows")
    lags = [
        (synced_at - created_at).total_seconds()
        for created_at, synced_at in paced.values_list("created_at", "synced_at")
    ]
    return {
        "worker": f"1 worker (-Q {QUEUES} --concurrency 1), private Redis, PostgreSQL, sandbox portal",
        "noops": args.noops,
        "noop_tasks_per_s": round(noop_rate, 1),
        "burst_changes": args.changes,
        "burst_rows": rows,
        "sync_rows_per_s": round(sync_rate, 1),
        "ratio_sync_to_noop": round(sync_rate / noop_rate, 3),
        "paced_rate": args.rate,
        "paced_seconds": args.seconds,
        "paced_held_per_s": round(held, 2),
        "paced_changes": changes,
        "paced_rows": len(lags),
        "lag_ms": {
            "p50": round(statistics.median(lags) * 1000),
            "p95": round(percentile(lags, 0.95) * 1000),
            "p99": round(percentile(lags, 0.99) * 1000),
            "max": round(max(lags) * 1000),
        },
    }


def report(args, figures: dict) -> None:
    lag = figures["lag_ms"]
    print(f"\n{figures['worker']}")
    noop_rate = figures["noop_tasks_per_s"]
    print(f"  Celery no-op tasks:              {noop_rate:8.0f} tasks/s ({args.noops} tasks)")
    print(
        f"  sync (burst):                    {figures['sync_rows_per_s']:8.1f} rows/s  "
        f"({figures['burst_changes']} changes in one commit, {figures['burst_rows']} rows: record + step)"
    )
    print(f"  ratio sync / no-op:              {figures['ratio_sync_to_noop']:8.3f}")
    print(
        f"  paced {args.rate:g}/s for {args.seconds:g} s (held {figures['paced_held_per_s']:.1f}/s): "
        f"{figures['paced_changes']} changes, {figures['paced_rows']} rows"
    )
    print(
        f"  lag change → synced:             p50 {lag['p50']} ms, p95 {lag['p95']} ms, "
        f"p99 {lag['p99']} ms, max {lag['max']} ms"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
