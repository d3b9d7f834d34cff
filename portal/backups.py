"""Backups of the database and the uploaded files together, with a manifest that proves them
(`manage.py backup --to DIR`; `manage.py restore`, portal/restores.py, puts one back and checks it).

A backup is a folder:
- `database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite: the sqlite3 backup
  API into a copy, so the embedded default can be backed up while it runs);
- `media/`: a copy of MEDIA_ROOT;
- `archive/`: a copy of the archive storage's folder (STORAGES["archive"], where retention moves the files
  of dossiers past their period, dossiers/services/retention.py) when it is a FileSystemStorage. When it is
  an object store (S3 in production) the manifest says so and holds none of its files: the bucket's own
  versioning and replication keep them. Backups made before this part existed have no `archive` in their
  manifest, and a restore has nothing to put back there;
- `manifest.json`: when, the engine, the migration head of each app, the row count of each table, the head
  of the dossier audit chain (what `verify_audit` checks), size and SHA-256 of the dump and of every file;
  `manifest.sha256` holds the manifest's own checksum (`sha256sum -c` reads it).

On PostgreSQL the counts and the audit head are read in the snapshot `pg_dump` dumps (an exported
snapshot, REPEATABLE READ), so they describe exactly the rows the dump holds even while the portal writes.
The files are copied after that snapshot: every file the dumped rows name is there (uploads are never
rewritten in place). `archive/` is copied after `media/`: archiving copies a file into the archive
storage before it deletes the original, so a file archived during the backup is under one or the other
(its row in the dump may still name the `media/` path). The folder is written as DIR.partial, flushed to
disk, and renamed to DIR last: a folder named DIR is a whole backup; a failed one is removed, and a killed
one stays `.partial`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "dichvucong-backup/1"
MANIFEST = "manifest.json"
MANIFEST_CHECKSUM = "manifest.sha256"
MEDIA = "media"
ARCHIVE = "archive"
DUMP_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024
# The dossier audit chain (dossiers/audit.py): its head is recorded and compared after a restore.
AUDIT_TABLE = "dossiers_dossierevent"

Log = Callable[[str], None]


class BackupError(Exception):
    """A backup cannot be made, read or restored; the message says why, for the operator."""


# --- Databases --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """Where a database is, as libpq (pg_dump, pg_restore, psycopg) or sqlite3 need it."""

    vendor: str  # "postgresql" or "sqlite"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, settings_dict: dict[str, Any]) -> Database:
        engine = settings_dict["ENGINE"]
        if "postgres" in engine:
            vendor = "postgresql"
        elif "sqlite" in engine:
            vendor = "sqlite"
        else:
            raise BackupError(f"Only PostgreSQL and SQLite databases can be backed up, not {engine}.")
        return cls(
            vendor=vendor,
            name=str(settings_dict["NAME"]),
            user=str(settings_dict.get("USER") or ""),
            password=str(settings_dict.get("PASSWORD") or ""),
            host=str(settings_dict.get("HOST") or ""),
            port=str(settings_dict.get("PORT") or ""),
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        import environ

        try:
            config = environ.Env.db_url_config(url)
        except Exception as error:  # environ raises bare errors for an unknown scheme or a bad port
            raise BackupError(f"Not a database URL: {url!r} ({error}).") from error
        if not config.get("NAME"):
            raise BackupError(f"The database URL {url!r} names no database.")
        return cls.from_settings(config)

    def libpq_env(self, *, dbname: str | None = None) -> dict[str, str]:
        """The environment of a pg_dump / pg_restore run against this database (password kept off argv)."""
        values = {
            "PGDATABASE": dbname or self.name,
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGHOST": self.host,
            "PGPORT": self.port,
        }
        return {**os.environ, **{key: value for key, value in values.items() if value}}

    @contextmanager
    def connect(self, *, dbname: str | None = None, autocommit: bool = False) -> Iterator[Any]:
        """A connection of its own (not Django's pool), closed at the end of the block."""
        if self.vendor == "sqlite":
            with closing(sqlite3.connect(self.name)) as conn:
                yield conn
            return
        import psycopg
        from psycopg.conninfo import make_conninfo

        params = {"dbname": dbname or self.name, "user": self.user, "password": self.password}
        params.update(host=self.host, port=self.port)
        conninfo = make_conninfo(**{key: value for key, value in params.items() if value})
        with psycopg.connect(conninfo, autocommit=autocommit) as conn:
            yield conn


def quote(table: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in table.split("."))


TABLES_SQL = {
    "postgresql": r"""
        SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\_%'
        ORDER BY 1""",
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    " ORDER BY name",
}


@dataclass
class State:
    """What a database holds, as the manifest records it and a restore compares it."""

    tables: dict[str, int] = field(default_factory=dict)
    migrations: dict[str, str] = field(default_factory=dict)
    audit: dict[str, Any] | None = None


def read_state(conn: Any, vendor: str) -> State:
    """Row count of every table, the last applied migration of each app, the audit chain's head. Reads in
    the connection's current transaction (the dump's snapshot, on PostgreSQL)."""
    cursor = conn.cursor()
    cursor.execute(TABLES_SQL[vendor])
    names = [row[0] for row in cursor.fetchall()]
    state = State()
    for name in names:
        cursor.execute(f"SELECT count(*) FROM {quote(name)}")
        state.tables[name] = int(cursor.fetchone()[0])
    if "django_migrations" in state.tables:
        cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
        state.migrations = {app: name for app, name in cursor.fetchall()}
    if AUDIT_TABLE in state.tables:
        state.audit = audit_head(conn, vendor)
    return state


def audit_head(conn: Any, vendor: str) -> dict[str, Any]:
    """The head of the audit chain: its last event (id, hash), and a SHA-256 over the last hash of every
    dossier's chain — what `verify_audit` cannot see (the last events of a dossier removed) shows here."""
    cursor = conn.cursor()
    cursor.execute(f"SELECT count(*), max(id) FROM {AUDIT_TABLE}")
    events, last_id = cursor.fetchone()
    last_hash = ""
    if last_id is not None:
        cursor.execute(f"SELECT chain_hash FROM {AUDIT_TABLE} WHERE id = {int(last_id)}")
        last_hash = cursor.fetchone()[0]
    heads = hashlib.sha256()
    dossiers = 0
    query = (
        f"SELECT dossier_id, chain_hash FROM {AUDIT_TABLE} WHERE id IN "
        f"(SELECT max(id) FROM {AUDIT_TABLE} GROUP BY dossier_id) ORDER BY dossier_id"
    )
    for dossier_id, chain_hash in _stream(conn, vendor, query):
        heads.update(f"{dossier_id} {chain_hash}\n".encode())
        dossiers += 1
    return {
        "events": int(events),
        "dossiers": dossiers,
        "last_event_id": last_id,
        "last_chain_hash": last_hash,
        "heads_sha256": heads.hexdigest(),
    }


def _stream(conn: Any, vendor: str, query: str) -> Iterator[tuple[Any, ...]]:
    """Rows of a large result without holding them all (a server-side cursor on PostgreSQL)."""
    cursor = conn.cursor(name="backup_stream") if vendor == "postgresql" else conn.cursor()
    cursor.execute(query)
    while rows := cursor.fetchmany(10_000):
        yield from rows
    cursor.close()


# --- Files ------------------------------------------------------------------------------------------------


def sha256_of(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def copy_file(source: Path, target: Path) -> tuple[str, int]:
    """Copy one file, hashing what is read, flushed to disk; refuses to overwrite (`x`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as reader, target.open("xb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    shutil.copystat(source, target)
    return digest.hexdigest(), size


def copy_media(source: Path, target: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Every regular file under `source` copied under `target`, with its size and SHA-256, in path order;
    symbolic links and special files are skipped and named."""
    files: list[dict[str, Any]] = []
    skipped: list[str] = []
    if not source.is_dir():
        return files, skipped
    for folder, subfolders, names in os.walk(source):
        subfolders.sort()
        for name in sorted(names):
            path = Path(folder) / name
            relative = path.relative_to(source).as_posix()
            if path.is_symlink() or not path.is_file():
                skipped.append(relative)
                continue
            digest, size = copy_file(path, target / relative)
            files.append({"path": relative, "size": size, "sha256": digest})
    return files, skipped


def fsync_folder(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def archive_storage_location() -> tuple[Path | None, str]:
    """Where settings.STORAGES["archive"] keeps its files: (its folder, "") when it is a FileSystemStorage,
    else (None, its backend's dotted path) — an object store, whose files a backup cannot copy."""
    from django.core.files.storage import FileSystemStorage, storages

    storage = storages["archive"]
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location), ""
    return None, f"{type(storage).__module__}.{type(storage).__qualname__}"


def archive_files(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The archived files a backup holds under `archive/`: none for an object store or an older backup."""
    return (manifest.get("archive") or {}).get("files", [])


# --- Making a backup --------------------------------------------------------------------------------------


def dump_postgresql(database: Database, target: Path) -> tuple[State, dict[str, Any]]:
    """pg_dump in custom format from a snapshot exported by a REPEATABLE READ transaction, in which the
    counts and the audit head are read too."""
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    import psycopg

    with database.connect() as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        state = read_state(conn, "postgresql")
        command = [
            "pg_dump",
            "--format=custom",
            f"--file={target}",
            f"--snapshot={snapshot}",
            "--no-password",
        ]
        result = subprocess.run(command, env=database.libpq_env(), capture_output=True, text=True)
        server_version = conn.info.server_version
        conn.rollback()
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    tool = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True).stdout.strip()
    return state, {"server_version": server_version, "tool": tool}


def copy_sqlite(connection: Any, target: Path) -> tuple[State, dict[str, Any]]:
    """The sqlite3 backup API: a consistent copy page by page while the portal keeps running."""
    if connection.in_atomic_block:
        # The transaction holds the database's write lock: the backup API would wait for it forever.
        raise BackupError("The SQLite database cannot be backed up from inside a transaction.")
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        state = read_state(copy, "sqlite")
    finally:
        copy.close()
    return state, {"server_version": sqlite3.sqlite_version, "tool": "sqlite3 backup API"}


def make_backup(
    *,
    to: Path,
    media_root: Path,
    archive_root: Path | None = None,
    archive_backend: str = "",
    using: str = "default",
    log: Log = print,
) -> dict[str, Any]:
    """Back up the database `using`, `media_root` and the archive storage's folder `archive_root` (None when
    the archive is the object store `archive_backend`: recorded, not copied) into the new folder `to` (see
    the module's docstring); returns the manifest."""
    from django.db import connections

    to = to.resolve()
    media_root = media_root.resolve()
    partial = to.with_name(to.name + ".partial")
    if to.exists():
        raise BackupError(f"{to} already exists: a backup goes into a new folder.")
    if partial.exists():
        raise BackupError(f"{partial} exists: another backup is running, or one was killed (remove it).")
    if to.is_relative_to(media_root):
        raise BackupError(f"The backup folder {to} cannot be inside MEDIA_ROOT ({media_root}).")
    if archive_root is not None:
        archive_root = archive_root.resolve()
        if to.is_relative_to(archive_root):
            raise BackupError(
                f"The backup folder {to} cannot be inside the archive storage ({archive_root})."
            )
    connection = connections[using]
    database = Database.from_settings(connection.settings_dict)
    partial.mkdir(parents=True)
    try:
        manifest = _write_backup(
            partial, database, connection, media_root, archive_root, archive_backend, log
        )
        os.rename(partial, to)
        fsync_folder(to.parent)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def _write_backup(
    folder: Path,
    database: Database,
    connection: Any,
    media_root: Path,
    archive_root: Path | None,
    archive_backend: str,
    log: Log,
) -> dict[str, Any]:
    started = time.monotonic()
    dump = folder / DUMP_FILES[database.vendor]
    log(f"Backing up the {database.vendor} database {database.name} …")
    if database.vendor == "postgresql":
        state, tool = dump_postgresql(database, dump)
    else:
        state, tool = copy_sqlite(connection, dump)
    dump_sha256, dump_size = sha256_of(dump)
    database_seconds = time.monotonic() - started
    log(f"Copying the files of {media_root} …")
    files, skipped = copy_media(media_root, folder / MEDIA)
    media_seconds = time.monotonic() - started - database_seconds
    archive: dict[str, Any]
    if archive_root is not None:
        log(f"Copying the archived files of {archive_root} …")
        archived, archive_skipped = copy_media(archive_root, folder / ARCHIVE)
        archive = {"storage": "filesystem", "root": str(archive_root)}
    else:
        log(f"The archive storage is an object store ({archive_backend}): its files are not copied.")
        archived, archive_skipped = [], []
        archive = {"storage": "object-store", "backend": archive_backend}
    archive.update(
        count=len(archived),
        bytes=sum(entry["size"] for entry in archived),
        skipped=archive_skipped,
        files=archived,
    )
    archive_seconds = time.monotonic() - started - database_seconds - media_seconds
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": {
            "engine": database.vendor,
            "name": database.name,
            "file": dump.name,
            "size": dump_size,
            "sha256": dump_sha256,
            **tool,
        },
        "migrations": state.migrations,
        "tables": state.tables,
        "audit": state.audit,
        "media": {
            "root": str(media_root),
            "count": len(files),
            "bytes": sum(entry["size"] for entry in files),
            "skipped": skipped,
            "files": files,
        },
        "archive": archive,
        "timings": {
            "database_s": round(database_seconds, 3),
            "media_s": round(media_seconds, 3),
            "archive_s": round(archive_seconds, 3),
            "total_s": round(time.monotonic() - started, 3),
        },
    }
    with dump.open("rb") as written:
        os.fsync(written.fileno())
    write_manifest(folder, manifest)
    # The files were flushed as they were copied; their folders' entries too, before the rename.
    for path in [*(path for path in folder.rglob("*") if path.is_dir()), folder]:
        fsync_folder(path)
    return manifest


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    body = json.dumps(manifest, indent=1, ensure_ascii=False).encode() + b"\n"
    for name, content in [(MANIFEST, body), (MANIFEST_CHECKSUM, manifest_checksum_line(body))]:
        with (folder / name).open("wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())


def manifest_checksum_line(body: bytes) -> bytes:
    return f"{hashlib.sha256(body).hexdigest()}  {MANIFEST}\n".encode()
