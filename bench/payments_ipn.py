"""Time the gateway's notification (IPN) handling, and count its queries (run on demand, not a test).

    DATABASE_URL=sqlite:////tmp/bench-ipn.sqlite3 .venv/bin/python bench/payments_ipn.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_ipn .venv/bin/python bench/payments_ipn.py

Migrates the database (creating it on PostgreSQL), loads the demo (catalogue and accounts), files --count
dossiers online for citizen@demo.vn through the services (a procedure with a fee due at filing), starts one
payment each and has the sandbox bank sign a successful result for each. Then, per notification:
 - "first": GET /payments/ipn/sandbox/?… through Django's test client (the whole request: middleware,
   signature check, locks, the payment, the dossier's settlement and audit row, the notification outbox
   rows, the log row), the answer must be 00;
 - "replay": the same notification again, answer 02;
and prints p50 / p95 / max in milliseconds and the number of queries of each.

Set REDIS_URL (a Redis database you can flush afterwards) for the production shape: the notification's
e-mail and SMS are queued for the workers after commit. Without it Celery runs eagerly and each first
notification also sends the citizen's e-mail and SMS inline (files under var/), which the figures then
include.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-ipn-media-"))

PROCEDURE = "2.000913"  # Chứng thực bản sao từ bản chính: 5.000 đ, paid at filing


def _create_database(connection) -> None:
    import psycopg

    params = connection.get_connection_params()
    name = connection.settings_dict["NAME"]
    with psycopg.connect(
        host=params.get("host"), port=params.get("port"), user=params.get("user"), dbname="postgres",
        autocommit=True,
    ) as admin:  # fmt: skip
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def _prepare(count: int) -> list[dict]:
    """`count` pending attempts and, for each, the sandbox bank's signed success."""
    import secrets

    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from dossiers import services as dossier_services
    from payments import gateways, sandbox_bank
    from payments import services as payment_services
    from portal.demo.dossiers import pdf_bytes
    from procedures.models import ProcedureVersion

    citizen = User.objects.get(email="citizen@demo.vn")
    version = ProcedureVersion.objects.published().get(procedure__national_code=PROCEDURE)
    gateway = gateways.get("sandbox")
    answers = []
    for _ in range(count):
        dossier = dossier_services.start_draft(
            version=version, applicant=citizen, form_data={"purpose": "Cấp bản sao để nộp hồ sơ"}
        )
        for required in version.documents.filter(is_required=True):
            dossier_services.attach_upload(
                dossier=dossier,
                required_document=required,
                uploaded=SimpleUploadedFile("a.pdf", pdf_bytes("Bench"), content_type="application/pdf"),
                by=citizen,
            )
        dossier = dossier_services.submit(dossier=dossier, by=citizen)
        attempt = payment_services.start_payment(
            dossier=dossier, payer=citizen, idempotency_key=secrets.token_urlsafe(24), payer_ip="127.0.0.1"
        )
        params = gateway.signed_payment_params(
            attempt, return_url="http://127.0.0.1/payments/return/sandbox/"
        )
        answers.append(sandbox_bank.pay(params, "success"))
    return answers


def _summary(name: str, times: list[float], queries: list[int]) -> str:
    times = sorted(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    return (
        f"{name:8} n={len(times):4}  p50 {statistics.median(times):6.2f} ms  p95 {p95:6.2f} ms  "
        f"max {times[-1]:6.2f} ms  queries {min(queries)}–{max(queries)}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from procedures.models import ProcedureVersion

    if connection.vendor == "postgresql":
        _create_database(connection)
    call_command("migrate", verbosity=0)
    if not ProcedureVersion.objects.published().exists():  # a copy of a demo database (bench_smoke.sh)
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 (the command writes and exits)

    started = time.perf_counter()
    answers = _prepare(args.count)
    from django.conf import settings

    tasks = "tasks in-process (eager)" if settings.CELERY_TASK_ALWAYS_EAGER else "tasks queued to Redis"
    elapsed = time.perf_counter() - started
    print(f"{connection.vendor}, {tasks}: {args.count} attempts prepared in {elapsed:.1f} s")

    client = Client(HTTP_HOST="127.0.0.1")
    url = "/payments/ipn/sandbox/"
    for label, expected in (("first", "00"), ("replay", "02")):
        times, queries = [], []
        for params in answers:
            connection.queries_log.clear()  # the log keeps 9,000 queries: count each request afresh
            with CaptureQueriesContext(connection) as captured:
                begin = time.perf_counter()
                response = client.get(url, params)
                times.append((time.perf_counter() - begin) * 1000)
            assert response.json()["RspCode"] == expected, response.json()
            queries.append(len(captured))
        print(_summary(label, times, queries))

    from payments.models import IpnLog

    handled = sorted(IpnLog.objects.filter(outcome="paid").values_list("duration_ms", flat=True))
    print(f"handler alone (IpnLog.duration_ms of the first ones): p50 {statistics.median(handled)} ms")


if __name__ == "__main__":
    main()
