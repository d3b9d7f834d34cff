"""Putting a backup (portal/backups.py) back, and proving it came back whole: `manage.py restore`.

Order: the manifest's own checksum, then the dump's and every file's size and SHA-256 (`media/` and
`archive/`) — a corrupted or tampered backup stops here and nothing is restored. Then the targets are
checked before any is written: the database must hold no table, the media folder and the archive folder no
file (unless `force`). Then pg_restore (or the SQLite copy) and the files, and the proof: each table's row
count equal to the manifest's, the audit chain's head equal to it, every restored file's checksum, and
`manage.py verify_audit` run against the restored database. Each step is timed.

The archive folder is checked and written only when the backup copied a FileSystemStorage archive; a backup
whose archive was an object store, or one made before archives were backed up, has nothing to put there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .backups import (
    ARCHIVE,
    DUMP_FILES,
    FORMAT,
    MANIFEST,
    MANIFEST_CHECKSUM,
    MEDIA,
    BackupError,
    Database,
    Log,
    archive_files,
    copy_file,
    manifest_checksum_line,
    read_state,
    sha256_of,
)

SHOWN = 20  # problems listed one by one before "… and N more"


@dataclass
class RestoreReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    tables: int = 0
    rows: int = 0
    files: int = 0
    bytes: int = 0
    archived_files: int = 0
    archived_bytes: int = 0
    audit_events: int = 0


def load_manifest(source: Path) -> dict[str, Any]:
    """The manifest of the backup folder `source`, once its own checksum holds."""
    if source.name.endswith(".partial"):
        raise BackupError(f"{source} is an unfinished backup (.partial): it cannot be restored.")
    path, checksum = source / MANIFEST, source / MANIFEST_CHECKSUM
    if not path.is_file() or not checksum.is_file():
        raise BackupError(f"{source} is not a backup: {MANIFEST} or {MANIFEST_CHECKSUM} is missing.")
    body = path.read_bytes()
    if manifest_checksum_line(body) != checksum.read_bytes():
        raise BackupError(
            f"{path} does not match {MANIFEST_CHECKSUM}: the manifest is corrupted or was edited."
        )
    try:
        manifest = json.loads(body)
    except ValueError as error:
        raise BackupError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a manifest this portal writes ({FORMAT}).")
    return manifest


def check_backup(source: Path, manifest: dict[str, Any]) -> list[str]:
    """What differs between the backup's files and its manifest: the dump, every file of `media/` and of
    `archive/`, and any file there that the manifest does not list."""
    problems = []
    database = manifest["database"]
    dump = source / database["file"]
    if database["file"] != DUMP_FILES.get(database["engine"]):
        problems.append(f"The manifest names an unexpected database file: {database['file']!r}.")
    elif not dump.is_file():
        problems.append(f"The database dump {dump.name} is missing.")
    elif sha256_of(dump) != (database["sha256"], database["size"]):
        problems.append(f"The database dump {dump.name} does not match its checksum: corrupted or altered.")
    problems += check_tree(source / MEDIA, manifest["media"]["files"], shown_as="")
    problems += check_tree(source / ARCHIVE, archive_files(manifest), shown_as=f"{ARCHIVE}/")
    return problems


def check_tree(folder: Path, entries: list[dict[str, Any]], *, shown_as: str) -> list[str]:
    """Every listed file of the backup's `folder` present with its size and SHA-256, and none unlisted; paths
    are named with the prefix `shown_as`."""
    problems = []
    listed = set()
    for entry in entries:
        path = folder / entry["path"]
        listed.add(entry["path"])
        if not path.is_file():
            problems.append(f"File missing from the backup: {shown_as}{entry['path']}")
        elif sha256_of(path) != (entry["sha256"], entry["size"]):
            problems.append(f"File does not match its checksum: {shown_as}{entry['path']}")
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if not path.is_dir() and relative not in listed:
                problems.append(f"File in the backup but not in its manifest: {shown_as}{relative}")
    return problems


def summarise(problems: list[str]) -> str:
    shown = "\n".join(f"- {problem}" for problem in problems[:SHOWN])
    more = len(problems) - SHOWN
    return shown + (f"\n- … and {more} more" if more > 0 else "")


# --- Targets ----------------------------------------------------------------------------------------------


def prepare_database(database: Database, *, force: bool) -> str:
    """Check the target database is empty (or `force`); create a missing PostgreSQL one. Returns a note."""
    if database.vendor == "sqlite":
        path = Path(database.name)
        tables = table_count(database) if path.exists() and path.stat().st_size else 0
        if tables and not force:
            raise BackupError(
                f"The target database {path} is not empty ({tables} tables): restore into a new file, or use "
                "--force to replace it."
            )
        return ""
    import psycopg
    from psycopg import sql

    try:
        tables = table_count(database)
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise BackupError(f"Cannot connect to the target database: {error}") from error
        try:
            with database.connect(dbname="postgres", autocommit=True) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database.name)))
        except psycopg.Error as create_error:
            raise BackupError(f"Cannot create the database {database.name}: {create_error}") from create_error
        return f"Created the database {database.name}."
    if tables and not force:
        raise BackupError(
            f"The target database {database.name} is not empty ({tables} tables, sequences or views): "
            "restore into a fresh database, or use --force to restore over it."
        )
    return ""


def table_count(database: Database) -> int:
    with database.connect() as conn:
        if database.vendor == "sqlite":
            query = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%'"
            query += " ESCAPE '\\'"
        else:
            query = r"""SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'"""
        return int(conn.execute(query).fetchone()[0])


def check_media_root(media_root: Path, *, force: bool, what: str = "media root", option: str = "") -> None:
    if media_root.exists() and not media_root.is_dir():
        raise BackupError(f"The {what} {media_root} is not a folder.")
    if media_root.is_dir() and any(media_root.iterdir()) and not force:
        raise BackupError(
            f"The {what} {media_root} is not empty: restore into a new folder{option}, or use --force."
        )


def check_archive_root(
    manifest: dict[str, Any], archive_root: Path | None, media_root: Path, *, force: bool
) -> Path | None:
    """Where the backup's archive folder goes, None when it has none; the folder must be given, apart from
    the media root, and empty (unless `force`)."""
    archive = manifest.get("archive")
    if not archive or archive.get("storage") != "filesystem":
        return None
    if archive_root is None:
        raise BackupError(
            f"The backup holds the archive storage's folder ({archive['count']} files) and the archive "
            "storage here is not a folder: give --archive-root."
        )
    if (
        archive_root == media_root
        or archive_root.is_relative_to(media_root)
        or media_root.is_relative_to(archive_root)
    ):
        raise BackupError(
            f"The archive root {archive_root} and the media root {media_root} must be separate folders."
        )
    check_media_root(archive_root, force=force, what="archive root", option=" with --archive-root PATH")
    return archive_root


def restore_database(database: Database, dump: Path, *, force: bool, jobs: int) -> None:
    if database.vendor == "sqlite":
        target = Path(database.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(target.name + ".restoring")
        staging.unlink(missing_ok=True)
        copy_file(dump, staging)
        for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)
        os.replace(staging, target)
        return
    if shutil.which("pg_restore") is None:
        raise BackupError("pg_restore is not installed (Debian: apt-get install postgresql-client).")
    # Objects owned by the restoring role (the portal's), without the source's grants; in parallel jobs.
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--jobs={max(1, jobs)}"]
    if force:
        command += ["--clean", "--if-exists"]
    command += ["--no-password", f"--dbname={database.name}", str(dump)]
    result = subprocess.run(command, env=database.libpq_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def restore_media(source: Path, manifest: dict[str, Any], media_root: Path, *, force: bool) -> None:
    restore_tree(source / MEDIA, manifest["media"]["files"], media_root, force=force)


def restore_tree(folder: Path, entries: list[dict[str, Any]], root: Path, *, force: bool) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        target = root / entry["path"]
        if force:
            target.unlink(missing_ok=True)
        copy_file(folder / entry["path"], target)


# --- Proof ------------------------------------------------------------------------------------------------


def compare_database(database: Database, manifest: dict[str, Any], report: RestoreReport) -> None:
    with database.connect() as conn:
        state = read_state(conn, database.vendor)
    expected: dict[str, int] = manifest["tables"]
    for table, rows in expected.items():
        if table not in state.tables:
            report.problems.append(f"Table {table} missing from the restored database.")
        elif state.tables[table] != rows:
            report.problems.append(f"Table {table}: {state.tables[table]} rows restored, {rows} backed up.")
    extra = sorted(set(state.tables) - set(expected))
    if extra:
        report.notes.append(f"Tables in the target that the backup does not have: {', '.join(extra)}.")
    if state.audit != manifest["audit"]:
        report.problems.append(
            f"Audit chain head differs: restored {state.audit}, backed up {manifest['audit']}."
        )
    report.tables = len(state.tables)
    report.rows = sum(state.tables.values())
    report.audit_events = (state.audit or {}).get("events", 0)
    report.notes.extend(migration_notes(state.migrations))


def migration_notes(restored: dict[str, str]) -> list[str]:
    """The restored database beside the code's migrations: behind is fine (run `migrate`), ahead is not."""
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    code = {app: name for app, name in graph.leaf_nodes()}
    behind = sorted(app for app, name in code.items() if restored.get(app, "") < name)
    unknown = sorted(app for app, name in restored.items() if app in code and (app, name) not in graph.nodes)
    notes = []
    if behind:
        notes.append(f"The code has newer migrations than the backup for {', '.join(behind)}: run migrate.")
    if unknown:
        notes.append(f"The backup has migrations this code does not know ({', '.join(unknown)}): newer code?")
    return notes


def compare_media(manifest: dict[str, Any], media_root: Path, report: RestoreReport) -> None:
    report.files, report.bytes = compare_tree(manifest["media"]["files"], media_root, report, shown_as="")


def compare_archive(manifest: dict[str, Any], archive_root: Path, report: RestoreReport) -> None:
    report.archived_files, report.archived_bytes = compare_tree(
        archive_files(manifest), archive_root, report, shown_as=f"{ARCHIVE}/"
    )


def compare_tree(
    entries: list[dict[str, Any]], root: Path, report: RestoreReport, *, shown_as: str
) -> tuple[int, int]:
    """Each restored file under `root` against its checksum; returns how many matched and their bytes."""
    files = size = 0
    for entry in entries:
        path = root / entry["path"]
        if not path.is_file():
            report.problems.append(f"File not restored: {shown_as}{entry['path']}")
        elif sha256_of(path) != (entry["sha256"], entry["size"]):
            report.problems.append(f"Restored file does not match its checksum: {shown_as}{entry['path']}")
        else:
            files += 1
            size += entry["size"]
    return files, size


def archive_notes(manifest: dict[str, Any]) -> list[str]:
    """What a restore says when the backup has no archive folder to put back."""
    archive = manifest.get("archive")
    if not archive:
        return ["This backup was made before archived files were backed up: it restores no archive folder."]
    if archive.get("storage") != "filesystem":
        return [
            f"The archive storage was an object store ({archive.get('backend')}) when this backup was made: "
            "its files are not in the backup; they stay in (or come back from) its bucket."
        ]
    return []


def run_verify_audit(
    database_url: str, media_root: Path, report: RestoreReport, archive_root: Path | None = None
) -> None:
    """`manage.py verify_audit` in a process of its own whose DATABASE_URL is the restored database."""
    from django.conf import settings

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATABASE_REPLICA_URL": "",
        "DATABASE_POOL": "false",
        "MEDIA_ROOT": str(media_root),
        **({"ARCHIVE_ROOT": str(archive_root)} if archive_root is not None else {}),
    }
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "verify_audit"]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip().splitlines()
        report.problems.append(
            "verify_audit failed on the restored database:\n  " + "\n  ".join(output[-SHOWN:])
        )


# --- The whole restore ------------------------------------------------------------------------------------


def restore_backup(
    *,
    source: Path,
    database_url: str,
    media_root: Path,
    archive_root: Path | None = None,
    force: bool = False,
    jobs: int = 2,
    log: Log = print,
) -> RestoreReport:
    """Restore the backup folder `source` into the database at `database_url`, the folder `media_root` and
    (when the backup copied the archive storage's folder) the folder `archive_root`, then prove it (see the
    module's docstring). Raises BackupError before writing anything when the backup or a target is not fit;
    returns the report, whose `problems` are what the proof found."""
    report = RestoreReport()
    clock = time.monotonic()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.monotonic()
        report.timings[name] = round(now - clock, 3)
        clock = now

    source, media_root = source.resolve(), media_root.resolve()
    archive_root = archive_root.resolve() if archive_root is not None else None
    manifest = load_manifest(source)
    problems = check_backup(source, manifest)
    if problems:
        raise BackupError(
            "The backup does not match its manifest; nothing was restored.\n" + summarise(problems)
        )
    lap("checksums_s")
    database = Database.from_url(database_url)
    if database.vendor != manifest["database"]["engine"]:
        raise BackupError(
            f"A {manifest['database']['engine']} backup cannot be restored into {database.vendor}."
        )
    check_media_root(media_root, force=force)
    archive_target = check_archive_root(manifest, archive_root, media_root, force=force)
    report.notes.extend(archive_notes(manifest))
    if note := prepare_database(database, force=force):
        report.notes.append(note)
    log(f"Restoring the database into {database.name} …")
    restore_database(database, source / manifest["database"]["file"], force=force, jobs=jobs)
    lap("database_s")
    log(f"Restoring {manifest['media']['count']} files into {media_root} …")
    restore_media(source, manifest, media_root, force=force)
    lap("media_s")
    if archive_target is not None:
        log(f"Restoring {len(archive_files(manifest))} archived files into {archive_target} …")
        restore_tree(source / ARCHIVE, archive_files(manifest), archive_target, force=force)
        lap("archive_s")
    log("Verifying: row counts, audit chain head, file checksums …")
    compare_database(database, manifest, report)
    compare_media(manifest, media_root, report)
    if archive_target is not None:
        compare_archive(manifest, archive_target, report)
    lap("verify_s")
    if manifest["audit"] is not None:
        log("Running verify_audit on the restored database …")
        run_verify_audit(database_url, media_root, report, archive_target)
        lap("verify_audit_s")
    report.timings["total_s"] = round(sum(report.timings.values()), 3)
    return report
