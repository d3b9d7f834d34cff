"""Backup and restore time at province scale (run on demand, not a test):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
        .venv/bin/python bench/dossiers_1m.py --dossiers 1000000 --iterations 1
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
        .venv/bin/python bench/backup_restore.py --events-per-dossier 3

dossiers_1m.py loads dossiers without their audit trail; this script first gives every dossier that has no
event `--events-per-dossier` chained events (dossiers/audit.py, loaded with COPY), so verify_audit has a
year's trail to walk. Then it times `manage.py backup` of DATABASE_URL and MEDIA_ROOT into a scratch folder
and `manage.py restore` of it into a new database `<name>_restored` (dropped afterwards), and prints the
command's own timings. See bench/README.md.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import django

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from dossiers.audit import link  # noqa: E402

COLUMNS = (
    "dossier_id, action, from_state, to_state, actor_id, actor_name, actor_role, agency_id, from_agency_id, "
    "to_agency_id, at, note, timeliness, data, on_behalf_of_id, on_behalf_of_name, chain_hash"
)
STEPS = [
    ("submit", "", "submitted"),
    ("receive", "submitted", "received"),
    ("start", "received", "in_progress"),
]


def add_events(per_dossier: int) -> int:
    """Chained events for every dossier without any, in dossier order (COPY); returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.id, d.receiving_agency_id, coalesce(d.submitted_at, d.created_at) "
            "FROM dossiers_dossier d WHERE NOT EXISTS "
            "(SELECT 1 FROM dossiers_dossierevent e WHERE e.dossier_id = d.id) ORDER BY d.id"
        )
        dossiers = cursor.fetchall()
    added = 0
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy(f"COPY dossiers_dossierevent ({COLUMNS}) FROM STDIN") as copy:
        for dossier_id, agency_id, at in dossiers:
            previous = ""
            for action, from_state, to_state in STEPS[:per_dossier]:
                event = SimpleNamespace(
                    dossier_id=dossier_id,
                    action=action,
                    from_state=from_state,
                    to_state=to_state,
                    actor_id=None,
                    actor_name="Cán bộ một cửa",
                    actor_role="clerk",
                    agency_id=agency_id,
                    from_agency_id=None,
                    to_agency_id=None,
                    at=at,
                    note="",
                    timeliness="",
                    data={},
                    on_behalf_of_id=None,
                    on_behalf_of_name="",
                )
                previous = link(event, previous)
                row = {**vars(event), "data": "{}", "chain_hash": previous}  # in COLUMNS' order
                copy.write_row(list(row.values()))
                added += 1
    raw.commit()
    return added


def manage(*args: str, env: dict[str, str]) -> tuple[float, str]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return time.monotonic() - started, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events-per-dossier", type=int, default=3, choices=range(0, len(STEPS) + 1))
    parser.add_argument("--jobs", type=int, default=2, help="pg_restore --jobs")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Point DATABASE_URL at the PostgreSQL database dossiers_1m.py loaded.")
    if options.events_per_dossier:
        started = time.monotonic()
        added = add_events(options.events_per_dossier)
        print(f"audit events added: {added:,} ({time.monotonic() - started:.1f} s)")
    database = connection.settings_dict
    target = f"{database['NAME']}_restored"
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    target_url = f"postgres://{database['USER']}{password}@{host}/{target}"
    work = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    env = {**os.environ, "MEDIA_ROOT": settings.MEDIA_ROOT}
    dropdb = [
        "dropdb",
        "--if-exists",
        "-h",
        host.split(":")[0],
        "-p",
        host.split(":")[1],
        "-U",
        database["USER"],
    ]
    subprocess.run(
        [*dropdb, target], check=True, env={**os.environ, "PGPASSWORD": database["PASSWORD"] or ""}
    )
    try:
        backup_s, backup_out = manage("backup", "--to", str(work / "backup"), env=env)
        print(backup_out.strip())
        print(f"backup command: {backup_s:.1f} s wall")
        restore_s, restore_out = manage(
            "restore",
            *["--from", str(work / "backup"), "--database-url", target_url],
            *["--media-root", str(work / "media"), "--jobs", str(options.jobs)],
            env=env,
        )
        print(restore_out.strip())
        print(f"restore command: {restore_s:.1f} s wall")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        subprocess.run(
            [*dropdb, target], check=False, env={**os.environ, "PGPASSWORD": database["PASSWORD"] or ""}
        )


if __name__ == "__main__":
    main()
