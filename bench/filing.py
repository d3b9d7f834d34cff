"""Filings per second through the service the wizard's submit calls, beside a ceiling measured the same way
(run on demand, not a test).

    DATABASE_URL=sqlite:////tmp/bench-filing.sqlite3 .venv/bin/python bench/filing.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_filing .venv/bin/python bench/filing.py

Migrates the database (creating it on PostgreSQL) and loads the demo. Publishes, through the catalogue's
services, a new version of one demo procedure asking for 10 documents, stores 10 PDFs in citizen@demo.vn's
data store and prepares --filings drafts, each with the 10 files attached from the data store (not timed).
Then, in --rounds interleaved rounds, times in this one process and on the one Django connection:
 - ceiling: a transaction with one INSERT of a small row into a table the bench creates;
 - filing: `dossiers.services.submit(dossier=…, by=citizen)`, what the wizard's submit view calls (lock,
   checks of the 10 documents, code, fees, the 8-hour clock, audit row, the applicant's notice, hooks);
as many of each per round, and prints filings/s, ceiling/s, their ratio and the queries per filing.

Celery tasks are queued, not run: to the in-process memory broker, or to Redis when REDIS_URL is set.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import ensure_database

PROCEDURE = "1.001193"  # Đăng ký khai sinh: free, so filing also starts the 8-working-hour answer clock
DOCUMENTS = 10
CITIZEN_EMAIL = "citizen@demo.vn"  # the demo's citizen, who files every dossier of the bench
CEILING_TABLE = "bench_filing_ceiling"


def ten_document_version():
    """The published version of PROCEDURE asking for DOCUMENTS required documents: made once (a new
    version through the catalogue's create → review → publish), then found again on later runs."""
    from accounts.models import User
    from portal.demo.accounts import CATALOGUE_ADMIN_EMAIL, CATALOGUE_REVIEWER_EMAIL
    from procedures import services as catalogue
    from procedures.models import ProcedureVersion, RequiredDocument

    version = ProcedureVersion.objects.published().get(procedure__national_code=PROCEDURE)
    if version.documents.filter(is_required=True).count() == DOCUMENTS:
        return version
    admin = User.objects.get(email=CATALOGUE_ADMIN_EMAIL)
    draft = catalogue.create_new_version(version=version, by=admin)
    draft.documents.all().delete()
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            version=draft,
            position=position,
            name=f"Giấy tờ thứ {position + 1}",
            copy_kind=RequiredDocument.CopyKind.COPY,
        )
        for position in range(DOCUMENTS)
    )
    draft = catalogue.submit_for_review(version=draft, by=admin, change_note="Bench: 10 documents")
    reviewer = User.objects.get(email=CATALOGUE_REVIEWER_EMAIL)  # four eyes: not the one who submitted
    return catalogue.publish(version=draft, by=reviewer)


def ready_drafts(version, citizen, count: int, receiving_agency=None) -> list:
    """`count` drafts ready to file, each with the DOCUMENTS files reused from the citizen's data store, to
    `receiving_agency` (None: the one the wizard would preselect)."""
    from dossiers import services
    from portal.demo.dossiers import pdf_upload

    if count <= 0:
        return []
    required = list(version.documents.order_by("position"))
    stored = [
        services.store_upload(
            owner=citizen,
            uploaded=pdf_upload(document.name, citizen.full_name),
            by=citizen,
            label=document.name,
        )
        for document in required
    ]
    drafts = []
    for _ in range(count):
        draft = services.start_draft(
            version=version,
            applicant=citizen,
            receiving_agency=receiving_agency,
            form_data={"purpose": "Đề nghị cấp giấy theo quy định"},
        )
        for document, stored_file in zip(required, stored, strict=True):
            services.reuse_stored_file(
                dossier=draft, required_document=document, stored_file=stored_file, by=citizen
            )
        drafts.append(draft)
    return drafts


def create_ceiling_table(connection) -> None:
    key = (
        "BIGSERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {CEILING_TABLE} (id {key}, note VARCHAR(40) NOT NULL)")


class QueryCounter:
    """Counts the statements sent on the connection (a cheap execute wrapper, on for both loops)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _time_ceiling(connection, transaction, count: int) -> float:
    started = time.perf_counter()
    for index in range(count):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {CEILING_TABLE} (note) VALUES (%s)", [f"row {index}"])
    return time.perf_counter() - started


def _time_filings(submit, filings: list) -> float:
    started = time.perf_counter()
    for draft, person in filings:
        submit(dossier=draft, by=person)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--filings", type=int, default=500, help="dossiers filed in all (default 500)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved ceiling/filing rounds")
    args = parser.parse_args()
    if args.filings < args.rounds or args.rounds < 1:
        parser.error("--filings must be at least --rounds, and --rounds at least 1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-filing-media-"))
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from accounts.models import User
    from dossiers import services
    from dossiers.models import Dossier, State
    from procedures.models import ProcedureVersion

    call_command("migrate", verbosity=0)
    if not ProcedureVersion.objects.published().exists():  # a copy of a demo database (bench_smoke.sh)
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 (the command writes and exits)
    create_ceiling_table(connection)

    citizen = User.objects.get(email=CITIZEN_EMAIL)
    started = time.perf_counter()
    version = ten_document_version()
    drafts = ready_drafts(version, citizen, args.filings)
    print(
        f"{connection.vendor}: {args.filings} drafts of {version.procedure.national_code} "
        f"(version {version.version_number}, {DOCUMENTS} documents each) prepared in "
        f"{time.perf_counter() - started:.1f} s; {args.rounds} rounds"
    )

    # Each filing gets the user as a request would: freshly read, nothing cached on it (e.g. the profile).
    filings = [(draft, User.objects.get(pk=citizen.pk)) for draft in drafts]
    size = args.filings // args.rounds
    batches = [filings[i * size : (i + 1) * size] for i in range(args.rounds)]
    batches[-1].extend(filings[args.rounds * size :])
    ceiling_counter, filing_counter = QueryCounter(), QueryCounter()
    ceiling_seconds, filing_seconds, ratios = 0.0, 0.0, []
    ceiling_count = 0
    print(f"{'round':>5} {'ceiling/s':>10} {'filings/s':>10} {'ratio':>7}")
    for number, batch in enumerate(batches, start=1):
        with connection.execute_wrapper(ceiling_counter):
            ceiling = _time_ceiling(connection, transaction, len(batch))
        with connection.execute_wrapper(filing_counter):
            filing = _time_filings(services.submit, batch)
        ceiling_seconds += ceiling
        filing_seconds += filing
        ceiling_count += len(batch)
        ratios.append(ceiling / filing)
        print(f"{number:>5} {len(batch) / ceiling:>10.1f} {len(batch) / filing:>10.1f} {ratios[-1]:>7.3f}")

    filed = Dossier.objects.filter(pk__in=[d.pk for d in drafts], state=State.SUBMITTED).count()
    assert filed == args.filings, f"{filed} of {args.filings} drafts were filed"
    ceiling_rate = ceiling_count / ceiling_seconds
    filing_rate = args.filings / filing_seconds
    print(
        f"total: ceiling {ceiling_rate:.1f} transactions/s, filing {filing_rate:.1f} filings/s, "
        f"ratio {filing_rate / ceiling_rate:.3f} (median of rounds {statistics.median(ratios):.3f}); "
        f"queries per filing {filing_counter.count / args.filings:.1f}, "
        f"per ceiling transaction {ceiling_counter.count / ceiling_count:.1f}"
    )


if __name__ == "__main__":
    main()
