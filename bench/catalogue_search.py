"""Catalogue search latency with a province-sized catalogue (run on demand, not a test).

    DATABASE_URL=sqlite:////tmp/bench-catalogue.sqlite3 .venv/bin/python bench/catalogue_search.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_catalogue \
        .venv/bin/python bench/catalogue_search.py

Migrates the database, loads the demo catalogue plus synthetic entries up to --procedures, then times the
catalogue page (rendered through Django's test client) for accented, unaccented and misspelt queries, words
spelled as they sound (s/x, i/y), glued words, and prints the first result of each (relevance order).
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

QUERIES = [
    "giấy phép lái xe",
    "giay phep lai xe",
    "giay phpe lai xe",  # a typo: the close words of "phpe" (pg_trgm on PostgreSQL)
    "lai se",  # s/x sound alike: "lái xe"
    "dang ki ket hon",  # i/y: "đăng ký"
    "giayphep",  # glued words, split against the vocabulary
    "khai tu",  # ranked: "Đăng ký khai tử" first
    "dang ky khai sinh",
    "xay dung",
    "",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--iterations", type=int, default=50)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from procedures.selectors import forget_catalogue_pages

    if connection.vendor == "postgresql":
        import psycopg

        params = connection.get_connection_params()
        name = connection.settings_dict["NAME"]
        with psycopg.connect(
            host=params.get("host"),
            port=params.get("port"),
            user=params.get("user"),
            dbname="postgres",
            autocommit=True,
        ) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    call_command("load_demo", procedures=args.procedures, stdout=io.StringIO())

    setup_test_environment()  # lets the client see the rendered context (result counts)
    client = Client(HTTP_HOST="127.0.0.1")
    print(
        f"{connection.vendor}, {args.procedures} synthetic + demo procedures, {args.iterations} requests each"
    )
    print(f"{'query':<24} {'results':>7} {'p50 ms':>8} {'p95 ms':>8} {'kept ms':>8}  first result")
    for query in QUERIES:
        # The search itself: the page kept in the cache (procedures/views.py) is forgotten before each one,
        # as after a publish; "kept" is the p50 of the same page read again from the cache.
        timings, kept = [], []
        for _ in range(args.iterations):
            forget_catalogue_pages()
            started = time.perf_counter()
            response = client.get("/procedures/", {"q": query})
            timings.append((time.perf_counter() - started) * 1000)
            page = response.context["page"]
            started = time.perf_counter()
            client.get("/procedures/", {"q": query})
            kept.append((time.perf_counter() - started) * 1000)
        found = page.paginator.count
        first = page.object_list[0].name[:40] if found else "—"
        timings.sort()
        p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
        print(
            f"{query or '(all)':<24} {found:>7} {statistics.median(timings):>8.1f} {p95:>8.1f} "
            f"{statistics.median(kept):>8.1f}  {first}"
        )


if __name__ == "__main__":
    main()
