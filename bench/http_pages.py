"""The portal's pages over HTTP beside ceiling pages served the same way, in one run, as ratios.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/http_pages.py
    .venv/bin/python bench/http_pages.py --smoke     # a few thousand dossiers, a second per page: CI

Loads a year of dossiers (bench/dossiers_1m.py's loader; reused when the database already holds that many),
serves the portal under gunicorn (production settings, sync workers, the psycopg pool, JIT off) with three
ceiling pages mounted beside it (bench/ceilings.py: a 25-row template page without a query, a one-PK-SELECT
page, a form's POST of one INSERT in a transaction), and loads each page with wrk, interleaved with its
ceiling (ceiling, page, ceiling, page, …). Prints requests per second, p50 / p95 and the ratio page ÷ ceiling
per page, the median over the rounds; the ratio is the figure (the machine is shared), milliseconds are the
second figure. See bench/README.md.
"""

import argparse
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.filing import CITIZEN_EMAIL as FILING_CITIZEN_EMAIL  # noqa: E402
from bench.support import ensure_database, free_port  # noqa: E402

# The server runs the production settings; this process (load_demo refuses production) the development ones,
# with the same secret key so the sessions it creates are valid for the server.
SERVER_ENV = {"PORTAL_ENV": "production"}
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.http_settings",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
    "SECURE_SSL_REDIRECT": "False",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "TRUSTED_PROXY_COUNT": "1",
    "LOG_LEVEL": "WARNING",
    "MEDIA_ROOT": "/tmp/portal_bench_media",
}
STAFF_AGENCY = "000.01.30.H43"  # UBND phường Hoa Lư, the demo clerk's ward
CLERK_EMAIL = "clerk@demo.vn"
QUEUE_TABS = ["new", "mine", "due_soon", "overdue", "supplement", "in_progress", "all"]
DEEP_PAGE = 40  # a page a clerk reaches by paging through a long tab
# In smoke mode every page is still requested once (check_pages); wrk loads only these, one per kind of page
# (the lookup's PK ceiling, a queue's template ceiling, an API key header), so the smoke stays a few seconds.
FILING_PAGE = "filing (wizard's submit)"
STAFF_FILED_PAGE = "staff dossier page, filed online (10 documents)"
STAFF_RECEIVED_PAGE = "staff dossier page, received (transfer form)"
SMOKE_MEASURED = ("public lookup", "queue new", "API dossier list", FILING_PAGE)
# The form's and the cookie's CSRF token of the POSTs (an unmasked secret is accepted as the form's token).
CSRF_TOKEN = "benchcsrftokenbenchcsrftoken0123"
CSRF_COOKIE = f"csrftoken={CSRF_TOKEN}"
CSRF_FORM = f"csrfmiddlewaretoken={CSRF_TOKEN}"
# Drafts ready to file: at least this many, and enough for every round at FILING_RATE_BOUND filings a second
# (about 100 a second on this kind of machine; the goal of issue 11 is about 200).
FILING_DRAFTS = 1500
FILING_RATE_BOUND = 250
PROVINCE_AGENCIES = 130
SEARCHES = ["chung thuc", "chứng thực bản sao", "khai sinh", "ket hon", "dat dai", "giay phep kinh doanh"]


@dataclass
class Page:
    name: str
    paths: list[str]
    ceiling: str  # "template", "pk" or "insert"
    cookie: str = ""
    header: str = ""  # one more request header, "Name: value" (the API's key)
    form: str = ""  # a POST's urlencoded body; each path is then posted once (a draft is filed once)
    goal_ratio: float | None = 0.30  # None: a floor (bench/ceilings.py), no goal of its own
    goal_p95_ms: float | None = None
    runs: list[dict] = field(default_factory=list)
    ceiling_runs: list[dict] = field(default_factory=list)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=1_000_000, metavar="N")
    parser.add_argument("--citizens", type=int, default=5_000)
    parser.add_argument("--seconds", type=float, default=5, help="wrk's duration per run")
    parser.add_argument("--rounds", type=int, default=2, help="ceiling-then-page runs per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--only", default="", help="comma-separated page names (substring match)")
    parser.add_argument("--json", default="", metavar="FILE", help="write the results as JSON")
    parser.add_argument("--smoke", action="store_true", help="CI: 3,000 dossiers, 1 s runs, one round")
    args = parser.parse_args()
    if args.smoke:
        args.dossiers, args.citizens, args.seconds, args.rounds, args.connections = 3000, 60, 1, 1, 2

    if not shutil.which("wrk"):
        install_wrk()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    ensure_database(postgres_only=True)
    import django

    django.setup()
    prepare_database(args.dossiers, args.citizens)
    work = Path(tempfile.mkdtemp(prefix="portal_http_bench_"))
    try:
        collect_static(work)
        pages = build_pages(args)
        if args.only:
            wanted = args.only.split(",")
            pages = [page for page in pages if any(w in page.name for w in wanted)]
        port = free_port()
        server = start_gunicorn(port, args.workers, work)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base, server)
            ceilings = check_pages(base, pages)
            if args.smoke:
                pages = smoke_measured(pages, SMOKE_MEASURED)
            run_all(base, pages, ceilings, args, work)
        finally:
            server.terminate()
            server.wait(timeout=20)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(pages, args)
    if args.json:
        Path(args.json).write_text(json.dumps([summary(page) for page in pages], indent=2))
    if args.smoke:
        print("(smoke mode: the figures are not measurements)")


def install_wrk():
    print("Installing wrk (Debian package).")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"], check=True, env=env
    )


# --- the database -----------------------------------------------------------------------------------------
def prepare_database(dossiers: int, citizens: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from bench import dossiers_1m
    from procedures.models import ProcedureVersion

    call_command("migrate", verbosity=0)
    if not ProcedureVersion.objects.published().exists():
        call_command("load_demo", stdout=io.StringIO())
    with connection.cursor() as cursor:
        # Not counted: the dossiers the filing page of earlier runs filed (the demo citizen's).
        cursor.execute(
            "SELECT count(*) FROM dossiers_dossier WHERE applicant_id IS DISTINCT FROM "
            "(SELECT id FROM accounts_user WHERE email = %s)",
            [FILING_CITIZEN_EMAIL],
        )
        present = cursor.fetchone()[0]
    # The demo's own few dossiers stay beside the loaded ones; a count within 100 of N is the same load.
    if abs(present - dossiers) > 100:
        random.seed(2025)
        dossiers_1m.load(dossiers, citizens)
    else:
        print(f"Reusing the {present:,} dossiers in the database.")
    add_province_agencies(PROVINCE_AGENCIES)


def add_province_agencies(total: int) -> None:
    """A province's agencies, not the demo's 17: the transfer form lists every one of them (after the 2025
    merger a province has some 100 communes and wards and 15-20 departments). The communes added decide no
    procedure of the demo catalogue, so the loaded dossiers and the catalogue's pages stay the demo's."""
    from procedures.models import Agency

    missing = total - Agency.objects.filter(is_legacy=False).count()
    if missing > 0:
        Agency.objects.bulk_create(
            Agency(code=f"{number:03d}.99.99.H43", name=f"UBND xã Mẫu {number:03d}", kind=Agency.Kind.COMMUNE)
            for number in range(1, missing + 1)
        )


def collect_static(work: Path) -> None:
    """Production serves the hashed, compressed assets of collectstatic (WhiteNoise's manifest). With
    BENCH_STATIC_ROOT set (scripts/bench_smoke.sh), the benches of one run share one collection: compressing
    every asset takes about a minute of CPU."""
    shared = os.environ.get("BENCH_STATIC_ROOT")
    os.environ["STATIC_ROOT"] = shared or str(work / "static")
    if shared and (Path(shared) / "staticfiles.json").exists():
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        check=True,
        env=os.environ | SERVER_ENV,
    )


# --- what is requested ------------------------------------------------------------------------------------
def staff_cookie(email: str) -> str:
    """A signed-in staff session as after the two-factor step (allauth checked the code at sign-in)."""
    from django.test import Client

    from accounts.middleware import SESSION_MFA_OK, start_session_clock
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    session = client.session
    session[SESSION_MFA_OK] = True
    start_session_clock(session)
    session.save()
    return f"sessionid={session.session_key}"


def citizen_cookie(user) -> str:
    from django.test import Client

    from accounts.middleware import start_session_clock

    client = Client()
    client.force_login(user)
    session = client.session
    start_session_clock(session)
    session.save()
    return f"sessionid={session.session_key}"


def build_pages(args) -> list[Page]:
    from django.db.models import Count

    from accounts.models import User
    from dossiers.models import OPEN_STATES, Dossier, State
    from procedures.models import Procedure

    rng = random.Random(7)
    ids = list(Dossier.objects.exclude(state=State.DRAFT).values_list("pk", flat=True)[:200_000])
    sample = rng.sample(ids, min(2000, len(ids)))
    lookups = [
        f"/dossiers/lookup/?{urllib.parse.urlencode({'code': code, 'digits': (phone or id_number)[-4:]})}"
        for code, phone, id_number in Dossier.objects.filter(pk__in=sample).values_list(
            "code", "applicant_phone", "applicant_id_number"
        )
    ]
    clerk = staff_cookie(CLERK_EMAIL)
    # The citizen whose number of dossiers is closest to 200.
    owners = (
        Dossier.objects.exclude(applicant=None)
        .values("applicant")
        .annotate(n=Count("pk"))
        .order_by("applicant")[:2000]
    )
    owner = min(owners, key=lambda row: abs(row["n"] - 200))
    citizen = User.objects.get(pk=owner["applicant"])
    print(f"Citizen pages as {citizen.email}, who has {owner['n']} dossiers.")

    def ward_dossier_pages(states) -> list[str]:
        """The staff pages of the ward's 300 newest dossiers in `states` (not those earlier filing pages
        filed there)."""
        newest = (
            Dossier.objects.filter(receiving_agency__code=STAFF_AGENCY, state__in=states)
            .exclude(applicant__email=FILING_CITIZEN_EMAIL)
            .order_by("-pk")
            .values_list("pk", flat=True)[:300]
        )
        return [f"/staff/dossiers/{pk}/" for pk in newest]

    codes = list(Procedure.objects.values_list("national_code", flat=True))
    open_ones = ward_dossier_pages(OPEN_STATES)
    pages = [
        Page("public lookup", lookups, "pk", goal_ratio=0.50, goal_p95_ms=25),
        Page(
            "floor: public lookup's required work",
            [path.replace("/dossiers/lookup/", "/bench/floor/lookup/") for path in lookups],
            "pk",
            goal_ratio=None,
        ),
        Page("home", ["/"], "template"),
        Page("procedure page", [f"/procedures/{code}/" for code in codes], "template"),
        Page(
            "catalogue search",
            [f"/procedures/?{urllib.parse.urlencode({'q': q})}" for q in SEARCHES],
            "template",
        ),
        Page("my dossiers (citizen)", ["/dossiers/"], "template", cookie=citizen_cookie(citizen)),
        # The newest, most of them returned (history), and the open ones a clerk works on (their forms).
        Page("staff dossier page", ward_dossier_pages(set(State) - {State.DRAFT}), "template", cookie=clerk),
        Page("staff dossier page, open ones", open_ones, "template", cookie=clerk),
        # Received: its first step is the transfer form, which lists every agency of the province.
        Page(STAFF_RECEIVED_PAGE, ward_dossier_pages({State.RECEIVED}), "template", cookie=clerk),
        Page(STAFF_FILED_PAGE, filed_at_the_desk(10 if args.smoke else 30), "template", cookie=clerk),
        # The template ceiling itself, signed in: what the session and the user cost every signed-in page.
        Page(
            "floor: the template page, signed in",
            ["/bench/ceiling/template/"],
            "template",
            cookie=clerk,
            goal_ratio=None,
        ),
        Page(
            "floor: a staff page of one dossier",
            [path.replace("/staff/dossiers/", "/bench/floor/staff/") for path in open_ones],
            "template",
            cookie=clerk,
            goal_ratio=None,
        ),
    ]
    pages.append(appointment_page())
    api_key = api_key_header()
    pages += [
        Page("API dossier list", ["/api/v1/dossiers/"], "template", header=api_key, goal_p95_ms=100),
        Page(
            "API dossier list, one state",
            ["/api/v1/dossiers/?state=in_progress", "/api/v1/dossiers/?state=returned"],
            "template",
            header=api_key,
            goal_p95_ms=100,
        ),
    ]
    if not args.only or any(wanted in FILING_PAGE for wanted in args.only.split(",")):
        # Its drafts take minutes to prepare: only when the filing page is measured.
        drafts = max(FILING_DRAFTS, int(args.rounds * args.seconds * FILING_RATE_BOUND))
        pages.append(filing_page(150 if args.smoke else drafts))
    queue = f"/staff/{STAFF_AGENCY}/queue/"
    for tab in QUEUE_TABS:
        pages.append(Page(f"queue {tab}", [f"{queue}?view={tab}"], "template", cookie=clerk, goal_p95_ms=50))
        pages.append(
            Page(f"queue {tab}, deep page", [deep_page(tab)], "template", cookie=clerk, goal_p95_ms=50)
        )
    return pages


def filed_at_the_desk(count: int) -> list[str]:
    """The staff pages of `count` dossiers filed online to the clerk's ward, as the desk opens them: ten
    documents each, the filing's notices, a digitising form (the year loaded by dossiers_1m has no files and
    no notices). Filed through the service once, found again on later runs."""
    from accounts.models import User
    from bench import filing
    from dossiers import services
    from dossiers.models import Dossier, State
    from procedures.models import Agency

    citizen = User.objects.get(email=FILING_CITIZEN_EMAIL)
    version = filing.ten_document_version()
    agency = Agency.objects.get(code=STAFF_AGENCY)
    filed = list(
        Dossier.objects.filter(
            applicant=citizen, procedure_version=version, receiving_agency=agency, state=State.SUBMITTED
        ).values_list("pk", flat=True)[:count]
    )
    for draft in filing.ready_drafts(version, citizen, count - len(filed), agency):
        services.submit(dossier=draft, by=citizen)
        filed.append(draft.pk)
    return [f"/staff/dossiers/{pk}/" for pk in filed]


def appointment_page() -> Page:
    """The applicant choosing a time for the desk: the day picker and a day's times."""
    from django.urls import reverse

    from appointments import services
    from bench.appointments import bookable_dossier

    dossier = bookable_dossier()
    agency = dossier.receiving_agency
    first, last = services.booking_window(agency)
    day = services.available_slots(agency, first, last)[0].starts_at.astimezone(services.local_zone()).date()
    purpose = services.open_purposes(dossier)[0]
    book = reverse("appointments:book", args=[dossier.pk])
    paths = [f"{book}?purpose={purpose}", f"{book}?purpose={purpose}&day={day.isoformat()}"]
    return Page("appointment times (citizen)", paths, "template", cookie=citizen_cookie(dossier.applicant))


def filing_page(count: int) -> Page:
    """The wizard's last step: the citizen posts "file" on a draft of a procedure asking for 10 documents,
    each attached from their data store (bench/filing.py's version and drafts), beside a form's POST of one
    INSERT in a transaction. Each draft is filed once: see run_all."""
    from django.db import connection
    from django.db.models import Count
    from django.urls import reverse

    from accounts.models import User
    from bench import filing
    from dossiers.models import Dossier, State
    from dossiers.services import receiving_agencies_for

    filing.create_ceiling_table(connection)
    citizen = User.objects.get(email=FILING_CITIZEN_EMAIL)
    version = filing.ten_document_version()
    # Filed to another agency than the one whose queue and dossier pages are measured.
    agency = next(a for a in receiving_agencies_for(version) if a.code != STAFF_AGENCY)
    # The drafts an earlier run left unfiled are used first (preparing one takes ~70 ms).
    left = list(
        Dossier.objects.filter(
            applicant=citizen, procedure_version=version, receiving_agency=agency, state=State.DRAFT
        )
        .annotate(attached=Count("documents"))
        .filter(attached=filing.DOCUMENTS)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    started = time.perf_counter()
    made = [draft.pk for draft in filing.ready_drafts(version, citizen, count - len(left), agency)]
    took = time.perf_counter() - started
    print(f"{len(left)} drafts of {filing.DOCUMENTS} documents reused, {len(made)} prepared in {took:.0f} s.")
    return Page(
        FILING_PAGE,
        [reverse("dossiers:submit", args=[pk]) for pk in left + made],
        "insert",
        cookie=f"{citizen_cookie(citizen)}; {CSRF_COOKIE}",
        form=CSRF_FORM,
        goal_ratio=0.15,
    )


def api_key_header() -> str:
    """An integrator of the clerk's ward (the agency the queue pages read), its limit out of the way."""
    from integrations.models import ApiClient
    from integrations.services import create_client, issue_key

    ApiClient.objects.filter(name="bench").delete()
    client = create_client(
        name="bench",
        contact="bench",
        agency_codes=[STAFF_AGENCY],
        scopes=["dossiers:read"],
        rate_limit_per_minute=10**9,
    )
    return f"X-API-Key: {issue_key(client=client).secret}"


def deep_page(tab: str) -> str:
    """The DEEP_PAGE-th page of a tab, or its last one when it is shorter: the work tabs by number, the
    history by the cursor a clerk reaches by following "next page" DEEP_PAGE − 1 times."""
    from urllib.parse import urlencode

    from accounts.models import User
    from dossiers import selectors
    from procedures.models import Agency

    clerk, agency = User.objects.get(email=CLERK_EMAIL), Agency.objects.get(code=STAFF_AGENCY)
    order = "-submitted_at" if tab == "all" else "due_date"
    params: dict[str, str] = {}
    for _ in range(DEEP_PAGE - 1):
        page = selectors.queue_page(clerk, agency, tab, order, params)
        if page.next_query is None:
            break
        params = page.next_query
    return f"/staff/{STAFF_AGENCY}/queue/?{urlencode({'view': tab, 'order': order, **params})}"


# --- serving ----------------------------------------------------------------------------------------------
def start_gunicorn(port: int, workers: int, work: Path) -> subprocess.Popen:
    log = open(work / "gunicorn.log", "w")  # noqa: SIM115 (the server writes to it until it stops)
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "portal.wsgi",
            f"--workers={workers}",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{port}",
            "--backlog=256",
            "--timeout=60",
        ],
        cwd=ROOT,
        env=os.environ | SERVER_ENV,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped at start")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check_pages(base: str, pages: list[Page]) -> dict[str, Page]:
    """Each page and each of its ceilings answers 200 to its first path (a redirect to the sign-in page would
    be measured as fast), a POST 302. Returns the ceilings, for run_all."""
    opener = urllib.request.build_opener(NoRedirect)
    ceilings = ceiling_pages(pages)
    for page in [*pages, *ceilings.values()]:
        headers = {"Cookie": page.cookie}
        if page.header:
            name, value = page.header.split(": ", 1)
            headers[name] = value
        data = page.form.encode() if page.form else None
        request = urllib.request.Request(base + page.paths[0], headers=headers, data=data)
        try:
            with opener.open(request, timeout=30) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        if page.form:  # a POST answers with a redirect (run_all leaves out the draft filed here)
            if status != 302:
                raise SystemExit(f"{page.name}: POST {page.paths[0]} answered {status}:\n{body[:2000]!r}")
            continue
        if status != 200:
            raise SystemExit(
                f"{page.name}: {page.paths[0]} answered {status}:\n{body[:2000].decode(errors='replace')}"
            )
    return ceilings


def smoke_measured(pages: list[Page], names: tuple[str, ...]) -> list[Page]:
    """The pages a smoke run loads with wrk: the named ones, or the first when none of them is there."""
    return [page for page in pages if page.name in names] or pages[:1]


def wrk(base: str, paths: list[str], cookie: str, args, work: Path, header: str = "", form: str = "") -> dict:
    paths_file = work / f"paths-{random.random()}.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    command = [
        "wrk",
        f"-t{wrk_threads(args)}",
        f"-c{args.connections}",
        f"-d{args.seconds:g}s",
        "--timeout=10s",
        "-s",
        str(Path(__file__).with_name("paths.lua")),
        base,
        "--",
        str(paths_file),
        cookie,
        header,
        "POST" if form else "GET",
        form,
        str(wrk_threads(args)),
        str(random.SystemRandom().randrange(1, 2**31)),  # the client addresses' seed (paths.lua)
    ]
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode:
        raise SystemExit(f"wrk failed on {paths[0]}: {finished.stdout}{finished.stderr}")
    output = finished.stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    if result["status_errors"] or result["socket_errors"]:
        raise SystemExit(f"wrk saw errors on {paths[0]}: {result}")
    return result


def wrk_threads(args) -> int:
    return min(2, args.connections)


def ceiling_pages(pages: list[Page]) -> dict[str, Page]:
    """The ceilings the pages are measured beside, by kind, and the template one always (the insert one
    only when asked: its table is made by filing_page)."""
    kinds = {page.ceiling for page in pages} | {"template"}
    ceilings = {"template": Page("template ceiling", ["/bench/ceiling/template/"], "")}
    if "pk" in kinds:
        ceilings["pk"] = Page("PK ceiling", pk_paths(pages), "")
    if "insert" in kinds:
        ceilings["insert"] = Page(
            "insert ceiling", ["/bench/ceiling/insert/"], "", cookie=CSRF_COOKIE, form=CSRF_FORM
        )
    return ceilings


def run_all(base: str, pages: list[Page], ceilings: dict[str, Page], args, work: Path) -> None:
    for page in pages:
        for _ in range(args.rounds):
            ceiling = ceilings[page.ceiling]
            page.ceiling_runs.append(wrk(base, ceiling.paths, ceiling.cookie, args, work, form=ceiling.form))
            if page.form:
                page.paths = unfiled(page.paths)
            page.runs.append(wrk(base, page.paths, page.cookie, args, work, page.header, page.form))
            if page.form:
                check_each_posted_once(page.paths, wrk_threads(args))
        row = summary(page)
        print(
            f"  {page.name:<32} {row['rps']:8.1f} req/s  p95 {row['p95_ms']:7.1f} ms   ceiling "
            f"{row['ceiling_rps']:8.1f} req/s   ratio {row['ratio']:.3f}",
            flush=True,
        )


def draft_pk(path: str) -> int:
    return int(path.rstrip("/").split("/")[-2])


def unfiled(paths: list[str]) -> list[str]:
    """The submit paths of the drafts not filed yet, in order (a run starts again at the list's head)."""
    from dossiers.models import Dossier, State

    drafts = set(
        Dossier.objects.filter(pk__in=[draft_pk(path) for path in paths], state=State.DRAFT).values_list(
            "pk", flat=True
        )
    )
    return [path for path in paths if draft_pk(path) in drafts]


def check_each_posted_once(paths: list[str], threads: int) -> None:
    """Thread n of t posts paths n+1, n+1+t, …: when the last t are still drafts, no thread came to the end of
    the list and posted a draft a second time (answered "already filed", at a fraction of a filing's cost)."""
    if len(unfiled(paths[-threads:])) < threads:
        raise SystemExit(
            f"The filing page ran out of its {len(paths)} drafts: "
            f"raise FILING_RATE_BOUND ({FILING_RATE_BOUND})."
        )


def pk_paths(pages: list[Page]) -> list[str]:
    from dossiers.models import Dossier

    ids = list(Dossier.objects.order_by("?").values_list("pk", flat=True)[:2000])
    return [f"/bench/ceiling/pk/?id={pk}" for pk in ids]


# --- the table --------------------------------------------------------------------------------------------
def summary(page: Page) -> dict:
    ratios = [run["rps"] / ceiling["rps"] for run, ceiling in zip(page.runs, page.ceiling_runs, strict=True)]
    return {
        "page": page.name,
        "ceiling": page.ceiling,
        "rps": statistics.median(run["rps"] for run in page.runs),
        "p50_ms": statistics.median(run["p50_us"] for run in page.runs) / 1000,
        "p95_ms": statistics.median(run["p95_us"] for run in page.runs) / 1000,
        "ceiling_rps": statistics.median(run["rps"] for run in page.ceiling_runs),
        "ratio": statistics.median(ratios),
        "ratios": ratios,
        "goal_ratio": page.goal_ratio,
        "goal_p95_ms": page.goal_p95_ms,
    }


def print_table(pages: list[Page], args) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dossiers_dossier")
        count = cursor.fetchone()[0]
        settings = []
        for name in ("server_version", "jit", "shared_buffers", "work_mem", "effective_cache_size"):
            cursor.execute(f"SHOW {name}")
            settings.append(f"{name} {cursor.fetchone()[0]}")
    print(
        f"\n{count:,} dossiers, gunicorn {args.workers} sync workers, wrk {args.connections} connections, "
        f"{args.seconds:g} s per run, {args.rounds} round(s), medians; PostgreSQL {', '.join(settings)}\n"
    )
    print("| page | req/s | p50 ms | p95 ms | ceiling | ceiling req/s | ratio | goal |")
    print("|---|---:|---:|---:|---|---:|---:|---|")
    for page in pages:
        row = summary(page)
        if page.goal_ratio is None:
            goal = "(floor: the most that page could reach)"
        else:
            goal = f"≥ {page.goal_ratio:.2f}" + (
                f", p95 ≤ {page.goal_p95_ms:g} ms" if page.goal_p95_ms else ""
            )
            met = row["ratio"] >= page.goal_ratio and (
                not page.goal_p95_ms or row["p95_ms"] <= page.goal_p95_ms
            )
            goal += " ✓" if met else " ✗"
        ceiling = {"pk": "one PK SELECT", "insert": "one-INSERT POST"}.get(page.ceiling, "25-row template")
        print(
            f"| {page.name} | {row['rps']:.1f} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {ceiling} | "
            f"{row['ceiling_rps']:.1f} | {row['ratio']:.3f} | {goal} |"
        )


if __name__ == "__main__":
    main()
