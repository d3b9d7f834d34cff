"""Dossier queries at province scale: a year of dossiers in PostgreSQL (run on demand, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/dossiers_1m.py --dossiers 1000000

Creates the database if missing, migrates it, loads the demo (catalogue, accounts, demo dossiers) when the
catalogue is empty, then replaces every dossier in it with N dossiers spread over the last 365 days, loaded
with COPY: the demo's agencies and procedures, a few thousand citizen accounts, codes
`<agency>-<yymmdd>-<seq>`, states as in a real year (mostly returned, some in progress, a few overdue).
Then it times, through dossiers.selectors, the public lookup by code, the demo clerk's queue at UBND phường
Hoa Lư (new / due soon / overdue / all, first page of 25) and the tab counts, prints p50 / p95 / max, and
writes EXPLAIN (ANALYZE, BUFFERS) of each measure's slowest query. See bench/README.md.
"""

import argparse
import datetime
import io
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import ensure_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# The demo loader writes its PDFs under MEDIA_ROOT: keep them out of the checkout.
os.environ.setdefault("MEDIA_ROOT", "/tmp/portal_bench_media")

BENCH_EMAIL_DOMAIN = "bench.example"
CLERK_EMAIL = "clerk@demo.vn"
QUEUE_VIEWS = ["new", "due_soon", "overdue", "all"]
# How often each field's procedures are filed (attestation and civil status dominate at the communes).
FIELD_WEIGHTS = {"chung-thuc": 8, "ho-tich": 6, "dat-dai": 3, "doanh-nghiep": 2, "bao-tro-xa-hoi": 2}
# The provincial capital's ward sees more people than the other communes.
AGENCY_WEIGHTS = {"000.01.30.H43": 3}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Quang", "Ngọc", "Đức", "Thanh", "Hữu", "Kim"]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hòa",
    "Hùng",
    "Lan",
    "Linh",
    "Mai",
    "Nam",
    "Phúc",
]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=1_000_000, metavar="N")
    parser.add_argument("--citizens", type=int, default=5_000, help="citizen accounts the dossiers belong to")
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=60,
        help="stop timing a measure after this long even if fewer iterations ran (slow queries)",
    )
    parser.add_argument("--skip-load", action="store_true", help="reuse the dossiers already loaded")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--explain-to", default="/tmp/dossiers_1m_explain.txt", metavar="FILE")
    args = parser.parse_args()

    import django

    ensure_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from procedures.models import ProcedureVersion

    if connection.vendor != "postgresql":
        sys.exit("This benchmark loads with PostgreSQL's COPY: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    if not ProcedureVersion.objects.published().exists():
        call_command("load_demo", stdout=io.StringIO())

    random.seed(args.seed)
    if not args.skip_load:
        load(args.dossiers, args.citizens)
    print_counts()
    results = measure(args.iterations, args.max_seconds)
    print_results(results)
    explain(results, args.explain_to)


# --- database ---------------------------------------------------------------------------------------------
def raw_connection():
    """The psycopg 3 connection under Django's, for COPY."""
    from django.db import connection

    connection.ensure_connection()
    return connection.connection


# --- the load ---------------------------------------------------------------------------------------------
class Year:
    """Working days from a year ago to a few months ahead, as indexes: day arithmetic without queries."""

    def __init__(self, today: datetime.date):
        from dossiers.working_days import WorkingCalendar

        start, end = today - datetime.timedelta(days=400), today + datetime.timedelta(days=200)
        calendar = WorkingCalendar(start, end)
        self.days = [
            start + datetime.timedelta(days=n)
            for n in range((end - start).days + 1)
            if calendar.is_working_day(start + datetime.timedelta(days=n))
        ]
        self.today = today
        self.today_index = max(i for i, day in enumerate(self.days) if day <= today)
        # Working days in the last 365 calendar days: the span the dossiers are spread over.
        self.span = sum(1 for day in self.days if today - datetime.timedelta(days=365) < day <= today)


def load(count: int, citizens: int):
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from dossiers.models import Dossier

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dossiers_dossier")
        present = cursor.fetchone()[0]
        if present:
            print(f"Removing the {present:,} dossiers already in the database (TRUNCATE … CASCADE).")
            cursor.execute("TRUNCATE dossiers_dossier, dossiers_dossiercodesequence RESTART IDENTITY CASCADE")
    with transaction.atomic():
        applicants = make_citizens(citizens)
    users_done = time.perf_counter()

    clerk = User.objects.get(email=CLERK_EMAIL)
    year = Year(timezone.localdate())
    plan = Plan(year, applicants, clerk)
    columns = [field.column for field in Dossier._meta.concrete_fields]
    raw = raw_connection()
    with transaction.atomic(), raw.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        with cursor.copy(f"COPY dossiers_dossier ({', '.join(columns)}) FROM STDIN") as copy:
            for number in range(1, count + 1):
                copy.write_row(plan.dossier(number, columns))
        with cursor.copy(
            "COPY dossiers_supplementrequest (dossier_id, stage, status, details, reason, contact, "
            "requested_by_id, approved_by_id, created_at, sent_at, answered_at, answer_note) FROM STDIN"
        ) as copy:
            for row in plan.supplements:
                copy.write_row(row)
        with cursor.copy(
            "COPY dossiers_dossiercodesequence (agency_code, day, last_value) FROM STDIN"
        ) as copy:
            for (agency_code, day), last in plan.sequences.items():
                copy.write_row((agency_code, day, last))
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('dossiers_dossier', 'id'), "
            "(SELECT max(id) FROM dossiers_dossier))"
        )
    copied = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    done = time.perf_counter()
    print(
        f"Load: {count:,} dossiers, {len(plan.supplements):,} supplement requests, {len(applicants):,} "
        f"citizens in {done - started:.1f} s (citizens {users_done - started:.1f} s, COPY "
        f"{copied - users_done:.1f} s, ANALYZE {done - copied:.1f} s)."
    )


def make_citizens(count: int) -> list[tuple[int, str, str, str, str]]:
    """Citizen accounts with profiles (phone, personal ID); returns (id, name, id number, phone, email)."""
    from accounts.models import CitizenProfile, User

    existing = list(
        CitizenProfile.objects.filter(user__email__endswith=f"@{BENCH_EMAIL_DOMAIN}")
        .order_by("user_id")
        .values_list("user_id", "full_name", "personal_id", "phone", "user__email")
    )
    if len(existing) >= count:
        return existing[:count]
    users = [
        User(email=f"citizen-{n:06d}@{BENCH_EMAIL_DOMAIN}", full_name=_person_name(), password="!bench")
        for n in range(len(existing), count)
    ]
    User.objects.bulk_create(users, batch_size=5_000)
    profiles = [
        CitizenProfile(
            user=user,
            full_name=user.full_name,
            personal_id=f"0371{user.pk:08d}",
            phone=f"09{random.randrange(10**8):08d}",
        )
        for user in users
    ]
    CitizenProfile.objects.bulk_create(profiles, batch_size=5_000)
    return existing + [(p.user_id, p.full_name, p.personal_id, p.phone, p.user.email) for p in profiles]


def _column_defaults() -> dict[str, object]:
    """Each dossier column's model default, as COPY takes it: a column the plan does not set (one added
    after this loader was written) gets its default instead of stopping the bench."""
    from django.db import models

    from dossiers.models import Dossier

    defaults: dict[str, object] = {}
    for field in Dossier._meta.concrete_fields:
        value = field.get_default()
        defaults[field.column] = json.dumps(value) if isinstance(field, models.JSONField) else value
    return defaults


def _values(row: dict, columns: list[str]) -> tuple:
    if not _COLUMN_DEFAULTS:
        _COLUMN_DEFAULTS.update(_column_defaults())
    defaults = _COLUMN_DEFAULTS
    return tuple(row[column] if column in row else defaults[column] for column in columns)


_COLUMN_DEFAULTS: dict[str, object] = {}


class Plan:
    """Draws one dossier at a time: procedure, agency, dates and a state consistent with its age."""

    def __init__(self, year: Year, applicants, clerk):
        from django.utils import timezone

        from dossiers.models import RuleSet
        from procedures.models import Agency, ProcedureVersion

        self.year, self.applicants, self.clerk = year, applicants, clerk
        self.tz = timezone.get_current_timezone()
        self.rule_set = RuleSet.in_force_on(year.today)
        justice = Agency.objects.get(code="000.00.05.H43")
        versions = list(
            ProcedureVersion.objects.published()
            .select_related("field")
            .prefetch_related("agencies", "fees")
            .filter(procedure__national_code__regex=r"^[12]\.0")  # the demo catalogue, not synthetic entries
        )
        self.versions, weights = [], []
        for version in versions:
            agencies = [a for a in version.agencies.all() if not a.is_legacy]
            if not agencies:
                continue
            departments = [a for a in agencies if a.kind == Agency.Kind.DEPARTMENT]
            if not departments and version.field.code in {"ho-tich", "chung-thuc"}:
                departments = [justice]
            self.versions.append(
                {
                    "id": version.pk,
                    "days": max(1, version.processing_days),
                    "agencies": agencies,
                    "agency_weights": [AGENCY_WEIGHTS.get(a.code, 1) for a in agencies],
                    "departments": departments,
                    "channels": version.return_channels,
                    "online_fee": sum(fee.online_amount for fee in version.fees.all()),
                    "desk_fee": sum(fee.amount for fee in version.fees.all()),
                }
            )
            weights.append(FIELD_WEIGHTS.get(version.field.code, 1))
        self.cumulative = list(_accumulate(weights))
        self.sequences: dict[tuple[str, datetime.date], int] = {}
        self.supplements: list[tuple] = []

    def moment(self, index: int, minutes: int) -> datetime.datetime:
        day = self.year.days[index]
        return datetime.datetime.combine(day, datetime.time(7, 30), tzinfo=self.tz) + datetime.timedelta(
            minutes=minutes
        )

    def dossier(self, pk: int, columns: list[str]) -> tuple:
        year, rnd = self.year, random.random
        version = random.choices(self.versions, cum_weights=self.cumulative)[0]
        agency = random.choices(version["agencies"], weights=version["agency_weights"])[0]
        age = int(year.span * rnd() ** 1.1)  # slightly more dossiers recently: the portal is growing
        s = year.today_index - age
        desk = rnd() < 0.12
        submitted_at = self.moment(s, random.randrange(570))  # 07:30–17:00
        applicant = None if desk and rnd() < 0.6 else random.choice(self.applicants)
        name, id_number, phone, email = (
            applicant[1:] if applicant else (_person_name(), f"0370{random.randrange(10**8):08d}", "", "")
        )
        if not phone:
            phone = f"03{random.randrange(10**8):08d}"
        row = {
            "id": pk,
            "code": None,
            "public_id": uuid.uuid4(),
            "procedure_version_id": version["id"],
            "applicant_id": applicant[0] if applicant else None,
            "filed_by_id": self.clerk.pk if desk and agency.code in AGENCY_WEIGHTS else None,
            "channel": "desk" if desk else "online",
            "applicant_name": name,
            "applicant_id_number": id_number,
            "applicant_phone": phone,
            "applicant_email": email,
            "applicant_address": "",
            "form_data": '{"purpose": "Đề nghị giải quyết thủ tục"}',
            "receiving_agency_id": agency.pk,
            "handling_agency_id": agency.pk,
            "assignee_id": None,
            "return_channel": "electronic" if "electronic" in version["channels"] and rnd() < 0.6 else "desk",
            "delivery_address": "",
            "fee_total": version["desk_fee"] if desk else version["online_fee"],
            # Fees are not modelled: no measured query reads them.
            "fees_settled_at": None,
            "fees_settlement": "",
            "fees_reference": "",
            "fees_settled_by_id": None,
            "fees_refunded_at": None,
            "state": "submitted",
            "lock_version": 1,
            "rule_set_id": None,
            "originals_checked_by_id": None,
            "originals_checked_at": None,
            "created_at": submitted_at - datetime.timedelta(minutes=random.randrange(5, 90)),
            "updated_at": submitted_at,
            "submitted_at": submitted_at,
            "intake_deadline": submitted_at if desk else self.moment(s + 1, 60),
            "received_at": None,
            "due_date": None,
            "paused_at": None,
            "paused_working_days_left": None,
            "decided_at": None,
            "result_ready_at": None,
            "returned_at": None,
            "closed_reason": "",
        }
        if not desk and age < 30 and rnd() < 0.02:
            row.update(state="draft", submitted_at=None, intake_deadline=None, updated_at=row["created_at"])
            return _values(row, columns)
        row["code"] = self.code(agency.code, year.days[s])
        self.advance(row, version, s, age)
        return _values(row, columns)

    def code(self, agency_code: str, day: datetime.date) -> str:
        key = (agency_code, day)
        sequence = self.sequences[key] = self.sequences.get(key, 0) + 1
        return f"{agency_code}-{day:%y%m%d}-{sequence:04d}"

    def advance(self, row: dict, version: dict, s: int, age: int) -> None:
        """Move the dossier along its life as far as its age allows."""
        rnd, today = random.random, self.year.today_index
        if age == 0 or (age == 1 and rnd() < 0.15):
            return  # submitted, waiting for the desk
        r = rnd()
        if r < 0.02:
            self.close(row, "refused", self.moment(s + 1, 30), "Không thuộc thẩm quyền giải quyết.")
            return
        if r < 0.03:
            self.close(row, "withdrawn", self.moment(s + 1, 200), "Người nộp rút hồ sơ.")
            return
        if r < 0.045 and age <= 15:
            row.update(state="supplement_requested", lock_version=2, updated_at=self.moment(s + 1, 20))
            self.supplement(row, "intake", "open", self.moment(s + 1, 20))
            return
        if r < 0.09:  # asked once at intake, answered, then received
            self.supplement(row, "intake", "answered", self.moment(s, 400), self.moment(s + 1, 100))
            s += 1
        received = min(s + 1 if row["channel"] == "online" else s, today)
        due = received + version["days"]
        row.update(
            state="received",
            lock_version=row["lock_version"] + 1,
            received_at=self.moment(received, 30),
            due_date=self.year.days[due],
            rule_set_id=self.rule_set.pk,
            updated_at=self.moment(received, 30),
        )
        if received >= today and rnd() < 0.5:
            return
        if version["departments"] and rnd() < 0.15:
            row["handling_agency_id"] = random.choice(version["departments"]).pk
        row.update(state="in_progress", lock_version=row["lock_version"] + 1)
        x = rnd()
        if due < today - 3:  # should be finished by now
            if x < 0.004:
                return  # overdue, still being processed
            if x < 0.006:
                self.decide(row, min(due, today))
                row.update(state="result_ready", result_ready_at=row["decided_at"])
            elif x < 0.036:
                self.close(row, "denied", self.moment(due - 1, 300), "Không đủ điều kiện theo quy định.")
            elif x < 0.046:
                self.close(row, "stopped", self.moment(due, 300), "Không bổ sung hồ sơ theo yêu cầu.")
            else:
                finished = due - (random.randrange(version["days"]) if rnd() < 0.7 else 0)
                self.decide(row, finished)
                row.update(
                    state="returned",
                    result_ready_at=row["decided_at"],
                    returned_at=self.moment(min(finished + random.randrange(3), today), 420),
                    lock_version=row["lock_version"] + 3,
                )
                row["updated_at"] = row["returned_at"]
            return
        progress = (today - received) / max(1, due - received)
        if x < 0.04:
            row.update(
                state="supplement_requested",
                paused_at=self.moment(max(received, today - 1), 100),
                paused_working_days_left=max(0, due - today),
            )
            self.supplement(row, "processing", "open", row["paused_at"], approved=True)
        elif x < 0.05:
            self.supplement(row, "processing", "proposed", self.moment(today, 60))
        elif x < progress * 0.6:
            self.decide(row, max(received, today - 1))
            row["state"] = random.choices(["approved", "result_ready", "returned"], [1, 2, 5])[0]
            if row["state"] != "approved":
                row["result_ready_at"] = row["decided_at"]
            if row["state"] == "returned":
                row["returned_at"] = row["updated_at"] = self.moment(today, 60)

    def decide(self, row: dict, index: int) -> None:
        row.update(decided_at=self.moment(index, 420), updated_at=self.moment(index, 420))

    def close(self, row: dict, state: str, at: datetime.datetime, reason: str) -> None:
        row.update(state=state, decided_at=at, updated_at=at, closed_reason=reason, lock_version=2)

    def supplement(self, row, stage, status, sent_at, answered_at=None, approved=False):
        self.supplements.append(
            (
                row["id"],
                stage,
                status,
                "Bổ sung giấy tờ còn thiếu theo danh mục.",
                "Hồ sơ chưa đầy đủ thành phần theo quy định.",
                "",
                self.clerk.pk,
                self.clerk.pk if approved else None,
                sent_at,
                None if status == "proposed" else sent_at,
                answered_at,
                "",
            )
        )


def _accumulate(weights):
    total = 0
    for weight in weights:
        total += weight
        yield total


def _person_name() -> str:
    return f"{random.choice(SURNAMES)} {random.choice(MIDDLE)} {random.choice(GIVEN)}"


def print_counts():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), pg_size_pretty(pg_total_relation_size('dossiers_dossier')) "
            "FROM dossiers_dossier"
        )
        total, size = cursor.fetchone()
        cursor.execute(
            "SELECT d.state, count(*), count(*) FILTER (WHERE a.code = '000.01.30.H43') "
            "FROM dossiers_dossier d JOIN procedures_agency a ON a.id = d.receiving_agency_id "
            "GROUP BY d.state ORDER BY count(*) DESC"
        )
        states = cursor.fetchall()
        cursor.execute(
            "SELECT count(*) FROM dossiers_dossier WHERE due_date < current_date "
            "AND state IN ('submitted', 'received', 'in_progress', 'approved', 'result_ready')"
        )
        overdue = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM dossiers_supplementrequest")
        supplements = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM accounts_user")
        users = cursor.fetchone()[0]
    print(
        f"Rows: {total:,} dossiers ({size} with indexes), {supplements:,} supplement requests, "
        f"{users:,} users; {overdue:,} open past their due date."
    )
    print(f"  {'state':<22} {'all agencies':>12} {'UBND P. Hoa Lư':>15}")
    for state, count, at_hoa_lu in states:
        print(f"  {state:<22} {count:>12,} {at_hoa_lu:>15,}")


# --- the measures -----------------------------------------------------------------------------------------
def measure(iterations: int, max_seconds: float) -> list[dict]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from dossiers import selectors
    from procedures.models import Agency

    clerk = User.objects.get(email=CLERK_EMAIL)
    hoa_lu = Agency.objects.get(code="000.01.30.H43")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code, applicant_phone, applicant_id_number FROM dossiers_dossier "
            "WHERE code IS NOT NULL AND state <> 'draft' ORDER BY random() LIMIT %s",
            [iterations],
        )
        samples = cursor.fetchall()
    lookups = iter(())

    def lookup():
        nonlocal lookups
        try:
            code, phone, id_number = next(lookups)
        except StopIteration:
            lookups = iter(samples)
            code, phone, id_number = next(lookups)
        secret = (phone if random.random() < 0.5 and phone else id_number)[-4:]
        found = selectors.public_lookup(code, secret)
        assert found is not None and found.code == code, code
        return 1

    measures = [("public_lookup(code, last4)", lookup)]
    for view in QUEUE_VIEWS:
        order = "-submitted_at" if view == "all" else "due_date"
        measures.append(
            (
                f"queue_page {view}",
                lambda view=view, order=order: len(
                    selectors.queue_page(clerk, hoa_lu, view, order, {}).dossiers
                ),
            )
        )
    # The counts as the page reads them are cached; this is the query behind them (a cache miss).
    measures.append(("queue counts query", lambda: len(selectors._count_queues(clerk, hoa_lu))))

    results = []
    for name, run in measures:
        for _ in range(3):  # warm the caches
            run()
        # A full query log (9,000 entries, e.g. after load_demo) would make the capture's slice empty.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            rows = run()
        timings, stop_at = [], time.perf_counter() + max_seconds
        for _ in range(iterations):
            started = time.perf_counter()
            run()
            timings.append((time.perf_counter() - started) * 1000)
            if started > stop_at:
                break
        timings.sort()
        slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))["sql"]
        results.append(
            {
                "name": name,
                "rows": rows,
                "queries": len(captured.captured_queries),
                "runs": len(timings),
                "p50": statistics.median(timings),
                "p95": timings[max(0, int(len(timings) * 0.95) - 1)],
                "max": timings[-1],
                "sql": slowest,
            }
        )
    return results


def print_results(results: list[dict]):
    from django.db import connection

    version = connection.pg_version
    print(f"\nPostgreSQL {version // 10000}.{version % 100}, clerk@demo.vn at UBND phường Hoa Lư")
    print(
        f"  {'measure':<28} {'rows':>5} {'queries':>7} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
    )
    for result in results:
        flag = "  ← p95 > 50 ms" if result["p95"] > 50 else ""
        print(
            f"  {result['name']:<28} {result['rows']:>5} {result['queries']:>7} {result['runs']:>5} "
            f"{result['p50']:>8.1f} "
            f"{result['p95']:>8.1f} {result['max']:>8.1f}{flag}"
        )


def explain(results: list[dict], path: str):
    """EXPLAIN (ANALYZE, BUFFERS) of every measure's slowest query to `path`; the slowest one on stdout."""
    from django.db import connection

    plans = []
    with connection.cursor() as cursor:
        for result in results:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + result["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            plans.append(f"=== {result['name']} (p95 {result['p95']:.1f} ms)\n{result['sql']}\n\n{plan}\n")
            result["plan"] = plan
    Path(path).write_text("\n".join(plans))
    worst = max(results, key=lambda result: result["p95"])
    print(f"\nSlowest: {worst['name']} — EXPLAIN (ANALYZE, BUFFERS) (all plans in {path}):\n{worst['plan']}")


if __name__ == "__main__":
    main()
