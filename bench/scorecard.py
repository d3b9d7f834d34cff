"""The Decision 766 scorecard at a year of dossiers: the daily aggregation's time, then the pages over HTTP
beside the template ceiling (the same gunicorn, wrk and ceiling as bench/http_pages.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_scorecard .venv/bin/python bench/scorecard.py
    .venv/bin/python bench/scorecard.py --smoke     # 3,000 dossiers, 1 s runs: what .ci/run does

1. Loads a year of dossiers with dossiers_1m.py's loader (reused when the database holds that many).
2. Times the aggregation: one day (the busiest of the last week, median of 3), what the beat task does
   every 30 minutes (today and yesterday), the nightly run (SCORECARD_NIGHTLY_DAYS days) and a rebuild of
   the whole year, which leaves a year of daily rows for every agency for the pages.
3. Serves the portal with gunicorn and loads, each beside the template ceiling: the staff scorecard for a
   month, a quarter and the year (all agencies, one agency, the commune level) and the public page. Prints
   req/s, p50 / p95 and the ratio page ÷ ceiling; the goal of the issue is a page in ≤ 1 s (p95).
"""

import argparse
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import http_pages  # noqa: E402
from bench.http_pages import BENCH_ENV, Page  # noqa: E402
from bench.support import ensure_database, free_port  # noqa: E402

ADMIN_EMAIL = "admin@demo.vn"


def time_aggregation(smoke: bool) -> dict:
    from django.conf import settings
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    from common import clock
    from dossiers.models import Dossier
    from scorecard.figures import refresh_day, refresh_days
    from scorecard.models import DailyAgencyFigures

    today = clock.localdate()
    week = today - datetime.timedelta(days=7)
    busiest = (
        Dossier.objects.filter(submitted_at__date__gte=week, submitted_at__date__lt=today)
        .annotate(day=TruncDate("submitted_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    day = busiest["day"] if busiest else today - datetime.timedelta(days=1)
    print(f"Busiest day of the last week: {day} ({busiest['n'] if busiest else 0:,} dossiers filed).")
    single = []
    for _run in range(1 if smoke else 3):
        began = time.perf_counter()
        refresh_day(day)
        single.append(time.perf_counter() - began)
    began = time.perf_counter()
    refresh_days(today - datetime.timedelta(days=1), today)
    recent = time.perf_counter() - began
    nightly_days = 3 if smoke else settings.SCORECARD_NIGHTLY_DAYS
    began = time.perf_counter()
    refresh_days(today - datetime.timedelta(days=nightly_days - 1), today)
    nightly = time.perf_counter() - began
    rebuilt_days = 31 if smoke else 365  # smoke: the rebuild's code path, not its length
    began = time.perf_counter()
    refresh_days(today - datetime.timedelta(days=rebuilt_days), today)
    year = time.perf_counter() - began
    figures = {
        "day": str(day),
        "one_day_s": statistics.median(single),
        "beat_two_days_s": recent,
        "nightly_days": nightly_days,
        "nightly_s": nightly,
        "year_rebuild_s": year,
        "rows": DailyAgencyFigures.objects.count(),
    }
    print(
        f"Aggregation: one day {figures['one_day_s']:.2f} s (median of {len(single)}), today and yesterday "
        f"{recent:.2f} s, nightly ({nightly_days} days) {nightly:.1f} s, {rebuilt_days} days rebuilt "
        f"{year:.1f} s; "
        f"{figures['rows']:,} daily rows."
    )
    return figures


def build_pages() -> list[Page]:
    from common import clock
    from procedures.models import Agency
    from scorecard.selectors import last_complete_month

    admin = http_pages.staff_cookie(ADMIN_EMAIL)
    month = last_complete_month(clock.localdate())
    quarter = (month.number + 2) // 3
    agency = Agency.objects.get(code=http_pages.STAFF_AGENCY)
    base = "/staff/scorecard/"
    pages = [
        Page(
            "scorecard month",
            [f"{base}?period=month&year={month.year}&month={month.number}"],
            "template",
            admin,
        ),
        Page(
            "scorecard quarter",
            [f"{base}?period=quarter&year={month.year}&quarter={quarter}"],
            "template",
            admin,
        ),
        Page("scorecard year", [f"{base}?period=year&year={month.year}"], "template", admin),
        Page(
            "scorecard year, one agency",
            [f"{base}?period=year&year={month.year}&agency={agency.code}"],
            "template",
            admin,
        ),
        Page(
            "scorecard commune level",
            [f"{base}?level=commune&period=year&year={month.year}"],
            "template",
            admin,
        ),
        Page("public index", ["/chi-so-phuc-vu/"], "template"),
    ]
    for page in pages:  # the goal: the page in at most a second
        page.goal_ratio, page.goal_p95_ms = 0.0, 1000
    return pages


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=1_000_000, metavar="N")
    parser.add_argument("--citizens", type=int, default=5_000)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="CI: 3,000 dossiers, 1 s runs, one round")
    args = parser.parse_args()
    if args.smoke:
        args.dossiers, args.citizens, args.seconds, args.rounds, args.connections = 3000, 60, 1, 1, 2
    if not shutil.which("wrk"):
        http_pages.install_wrk()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_scorecard")
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    ensure_database(postgres_only=True)
    import django

    django.setup()
    http_pages.prepare_database(args.dossiers, args.citizens)
    time_aggregation(args.smoke)
    work = Path(tempfile.mkdtemp(prefix="portal_scorecard_bench_"))
    try:
        http_pages.collect_static(work)
        pages = build_pages()
        port = free_port()
        server = http_pages.start_gunicorn(port, args.workers, work)
        try:
            base = f"http://127.0.0.1:{port}"
            http_pages.wait_until_up(base, server)
            ceilings = http_pages.check_pages(base, pages)
            if args.smoke:  # every page was requested once; wrk loads one
                pages = http_pages.smoke_measured(pages, ("scorecard year",))
            http_pages.run_all(base, pages, ceilings, args, work)
        finally:
            server.terminate()
            server.wait(timeout=20)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    http_pages.print_table(pages, args)
    if args.smoke:
        print("(smoke mode: the figures are not measurements)")


if __name__ == "__main__":
    main()
