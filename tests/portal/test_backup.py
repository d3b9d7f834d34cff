"""Backups that are proven (portal/backups.py, portal/restores.py): `manage.py backup` writes the database and
the files (MEDIA_ROOT and the archive storage's folder) with a manifest of checksums, counts and the audit
chain's head; `manage.py restore` refuses a corrupted or tampered backup and a non-empty target before
writing anything, and proves what it restored (row counts, file checksums, verify_audit on the restored
database)."""

import hashlib
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from dossiers import services
from dossiers.models import Dossier, DossierDocument, DossierEvent
from portal import backups
from tests.factories import filed_dossier, staff_member

# The backup reads what is committed: on SQLite the tests are transactional (the backup API would wait for
# the test's transaction, which holds the write lock); on PostgreSQL those that need their own rows dumped
# are (pg_dump is another process), the others back up the migrations' rows.
SQLITE = connection.vendor == "sqlite"
pytestmark = pytest.mark.django_db(transaction=SQLITE, serialized_rollback=SQLITE)
on_sqlite = pytest.mark.skipif(not SQLITE, reason="the SQLite copy (sqlite3 backup API)")


def received_dossier() -> Dossier:
    """A dossier with uploaded documents (files under MEDIA_ROOT) and two chained audit events."""
    dossier = filed_dossier()
    clerk = staff_member(dossier.receiving_agency, full_name="Phạm Thu Hà")
    return services.receive(dossier=dossier, clerk=clerk)


def backup(to: Path) -> str:
    out = io.StringIO()
    call_command("backup", "--to", str(to), stdout=out)
    return out.getvalue()


def restore(source: Path, database_url: str, media_root: Path, *extra: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    command = ["--from", str(source), "--database-url", database_url, "--media-root", str(media_root), *extra]
    call_command("restore", *command, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def target_url(tmp_path: Path) -> str:
    """A restore target of the test database's engine (never created by the tests that use it)."""
    if SQLITE:
        return sqlite_url(tmp_path / "restored.sqlite3")
    return postgresql_url(f"{connection.settings_dict['NAME']}_never_restored")


def postgresql_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def rewrite_manifest(folder: Path, change) -> None:
    """Edit the manifest and write a matching manifest.sha256: what a careless operator or a bug could do."""
    manifest = json.loads((folder / "manifest.json").read_text())
    change(manifest)
    backups.write_manifest(folder, manifest)


@pytest.fixture
def a_backup(tmp_path):
    """A backup of the test database with one stored file; what fails stops before any database is touched."""
    media = Path(settings.MEDIA_ROOT)
    (media / "private").mkdir(parents=True)
    (media / "private" / "giay-to.pdf").write_bytes(b"%PDF-1.7 test")
    backup(tmp_path / "backup")
    return tmp_path / "backup"


# --- the round trip --------------------------------------------------------------------------------------


@on_sqlite
def test_a_sqlite_backup_restored_elsewhere_has_the_same_rows_files_and_audit_chain(tmp_path):
    dossier = received_dossier()
    files = {
        path.relative_to(settings.MEDIA_ROOT): path.read_bytes()
        for path in Path(settings.MEDIA_ROOT).rglob("*.*")
    }
    assert files, "the dossier's documents are stored files"

    printed = backup(tmp_path / "backup")
    out, err = restore(tmp_path / "backup", sqlite_url(tmp_path / "restored.sqlite3"), tmp_path / "restored")

    assert "Backup written to" in printed and "Restored and verified" in out and not err
    assert "verify_audit" in out  # ran on the restored database, and passed
    assert {path: (tmp_path / "restored" / path).read_bytes() for path in files} == files
    restored = sqlite3.connect(tmp_path / "restored.sqlite3")
    events = restored.execute(
        "SELECT action, chain_hash FROM dossiers_dossierevent WHERE dossier_id = ? ORDER BY id", [dossier.pk]
    ).fetchall()
    assert events == list(dossier.events.order_by("pk").values_list("action", "chain_hash"))
    assert restored.execute("SELECT count(*) FROM dossiers_dossierdocument").fetchone()[0] == (
        DossierDocument.objects.count()
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_postgresql_backup_restored_into_a_fresh_database_has_the_same_rows_files_and_audit_chain(tmp_path):
    dossier = received_dossier()
    name = f"{connection.settings_dict['NAME']}_restored"
    database = backups.Database.from_url(postgresql_url(name))
    try:
        backup(tmp_path / "backup")
        out, err = restore(tmp_path / "backup", postgresql_url(name), tmp_path / "restored", "--jobs", "2")

        assert "Created the database" in out and "Restored and verified" in out and not err
        assert (tmp_path / "backup" / "database.dump").read_bytes().startswith(b"PGDMP")  # custom format
        with database.connect() as restored:
            events = restored.execute(
                "SELECT action, chain_hash FROM dossiers_dossierevent WHERE dossier_id = %s ORDER BY id",
                [dossier.pk],
            ).fetchall()
        assert events == list(dossier.events.order_by("pk").values_list("action", "chain_hash"))
        documents = DossierDocument.objects.filter(dossier=dossier).select_related("stored_file")
        assert documents
        for document in documents:
            stored = document.stored_file.file
            assert (tmp_path / "restored" / stored.name).read_bytes() == Path(stored.path).read_bytes()
    finally:
        with database.connect(dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@on_sqlite
def test_the_manifest_records_counts_migrations_audit_head_and_every_files_checksum(tmp_path):
    received_dossier()
    backup(tmp_path / "backup")

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    last = DossierEvent.objects.order_by("pk").last()
    assert manifest["database"]["engine"] == "sqlite"
    assert manifest["tables"]["dossiers_dossier"] == Dossier.objects.count() == 1
    assert manifest["tables"]["dossiers_dossierevent"] == DossierEvent.objects.count() == 2
    assert manifest["audit"]["last_chain_hash"] == last.chain_hash
    assert manifest["audit"]["last_event_id"] == last.pk
    applied = MigrationRecorder.Migration.objects.filter(app="dossiers").order_by("name").last()
    assert manifest["migrations"]["dossiers"] == applied.name
    dump = (tmp_path / "backup" / "database.sqlite3").read_bytes()
    assert manifest["database"]["sha256"] == hashlib.sha256(dump).hexdigest()
    stored = sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    assert [entry["path"] for entry in manifest["media"]["files"]] == [
        p.relative_to(settings.MEDIA_ROOT).as_posix() for p in stored
    ]
    for entry, path in zip(manifest["media"]["files"], stored, strict=True):
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry["size"] == path.stat().st_size


# --- the archive storage ------------------------------------------------------------------------------------

ARCHIVED = "private/2014/ho-so-da-luu-tru.pdf"


@pytest.fixture
def archived_file(tmp_path) -> bytes:
    """One file in the archive storage's folder, as retention leaves the documents of an archived dossier."""
    content = b"%PDF-1.7 archived dossier"
    path = tmp_path / "archive" / ARCHIVED
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    return content


@pytest.fixture
def restore_target(tmp_path):
    """A database to restore into, of the test database's engine (a PostgreSQL one is dropped afterwards)."""
    if SQLITE:
        yield sqlite_url(tmp_path / "restored.sqlite3")
        return
    name = f"{connection.settings_dict['NAME']}_restored_archive"
    yield postgresql_url(name)
    with backups.Database.from_url(postgresql_url(name)).connect(dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_archived_file_is_backed_up_and_restored_with_its_checksum(
    archived_file, restore_target, tmp_path
):
    printed = backup(tmp_path / "backup")

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["archive"]["storage"] == "filesystem"
    assert manifest["archive"]["files"] == [
        {"path": ARCHIVED, "size": len(archived_file), "sha256": hashlib.sha256(archived_file).hexdigest()}
    ]
    assert (tmp_path / "backup" / "archive" / ARCHIVED).read_bytes() == archived_file
    assert "archived files: 1 " in printed

    archive_root = tmp_path / "restored-archive"
    out, err = restore(
        tmp_path / "backup", restore_target, tmp_path / "restored", "--archive-root", str(archive_root)
    )

    assert "Restored and verified" in out and "1 archived files" in out and not err
    assert (archive_root / ARCHIVED).read_bytes() == archived_file
    assert not (tmp_path / "restored" / ARCHIVED).exists()  # the archive is not mixed into the media


def test_a_changed_archived_file_is_detected_and_nothing_is_restored(archived_file, tmp_path):
    backup(tmp_path / "backup")
    (tmp_path / "backup" / "archive" / ARCHIVED).write_bytes(b"%PDF-1.7 forged")
    with pytest.raises(CommandError, match=f"File does not match its checksum: archive/{ARCHIVED}"):
        restore(
            tmp_path / "backup",
            target_url(tmp_path),
            tmp_path / "restored",
            *["--archive-root", str(tmp_path / "restored-archive")],
        )
    assert not (tmp_path / "restored-archive").exists() and not (tmp_path / "restored").exists()
    assert not (tmp_path / "restored.sqlite3").exists()


def test_a_non_empty_archive_folder_is_refused_before_anything_is_written(archived_file, tmp_path):
    backup(tmp_path / "backup")
    # Without --archive-root the archive goes to the settings' folder: here the live one, which holds a file.
    with pytest.raises(CommandError, match=r"archive root .* is not empty.*--archive-root PATH"):
        restore(tmp_path / "backup", target_url(tmp_path), tmp_path / "restored")
    assert not (tmp_path / "restored").exists() and not (tmp_path / "restored.sqlite3").exists()
    assert sorted(p.name for p in (tmp_path / "archive").rglob("*") if p.is_file()) == [Path(ARCHIVED).name]


def test_a_backup_made_before_archives_were_backed_up_restores_with_nothing_in_the_archive_folder(
    archived_file, restore_target, tmp_path
):
    backup(tmp_path / "backup")
    shutil.rmtree(tmp_path / "backup" / "archive")
    rewrite_manifest(tmp_path / "backup", lambda manifest: manifest.pop("archive"))

    check = io.StringIO()
    call_command("restore", "--from", str(tmp_path / "backup"), "--check-only", stdout=check)
    # The settings' archive folder is not empty, but such a backup has nothing to put there.
    out, err = restore(tmp_path / "backup", restore_target, tmp_path / "restored")

    assert "intact" in check.getvalue()
    assert "Restored and verified" in out and "0 archived files" in out and not err
    assert "made before archived files were backed up" in out
    assert (tmp_path / "archive" / ARCHIVED).read_bytes() == archived_file  # left alone


def test_an_archive_in_an_object_store_is_recorded_not_copied(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    printed = backup(tmp_path / "backup")

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["archive"]["storage"] == "object-store"
    assert manifest["archive"]["backend"] == "django.core.files.storage.memory.InMemoryStorage"
    assert manifest["archive"]["files"] == []
    assert not (tmp_path / "backup" / "archive").exists()
    assert "held by the object store" in printed and "versioning and replication" in printed


# --- a backup is whole or absent -------------------------------------------------------------------------


def test_a_failed_backup_leaves_no_folder_that_looks_like_a_backup(tmp_path, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "copy_media", disk_full)
    with pytest.raises(OSError):
        backup(tmp_path / "backup")
    assert list(tmp_path.iterdir()) == []


def test_a_backup_goes_into_a_new_folder_only(tmp_path):
    (tmp_path / "backup").mkdir()
    with pytest.raises(CommandError, match="already exists"):
        backup(tmp_path / "backup")


# --- a bad backup restores nothing -----------------------------------------------------------------------


def test_an_edited_manifest_is_detected_and_nothing_is_restored(a_backup, tmp_path):
    manifest = a_backup / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"dossiers_dossier": 0', '"dossiers_dossier": 7'))
    with pytest.raises(CommandError, match="manifest is corrupted or was edited"):
        restore(a_backup, target_url(tmp_path), tmp_path / "restored")
    assert not (tmp_path / "restored").exists() and not (tmp_path / "restored.sqlite3").exists()


def test_a_manifest_that_is_not_json_is_refused(a_backup, tmp_path):
    rewrite_manifest(a_backup, lambda manifest: None)
    body = b"{ truncated"
    (a_backup / "manifest.json").write_bytes(body)
    (a_backup / "manifest.sha256").write_bytes(backups.manifest_checksum_line(body))
    with pytest.raises(CommandError, match="not valid JSON"):
        restore(a_backup, target_url(tmp_path), tmp_path / "restored")


def test_a_changed_file_is_detected_and_nothing_is_restored(a_backup, tmp_path):
    (a_backup / "media" / "private" / "giay-to.pdf").write_bytes(b"%PDF-1.7 forged")
    with pytest.raises(CommandError, match=r"File does not match its checksum: private/giay-to.pdf"):
        restore(a_backup, target_url(tmp_path), tmp_path / "restored")
    assert not (tmp_path / "restored").exists() and not (tmp_path / "restored.sqlite3").exists()


def test_a_file_missing_from_or_slipped_into_the_backup_is_detected(a_backup, tmp_path):
    (a_backup / "media" / "private" / "giay-to.pdf").rename(a_backup / "media" / "private" / "khac.pdf")
    with pytest.raises(CommandError) as refused:
        restore(a_backup, target_url(tmp_path), tmp_path / "restored")
    assert "File missing from the backup: private/giay-to.pdf" in str(refused.value)
    assert "File in the backup but not in its manifest: private/khac.pdf" in str(refused.value)


def test_a_tampered_dump_is_detected_and_nothing_is_restored(a_backup, tmp_path):
    dump = next(a_backup.glob("database.*"))
    content = bytearray(dump.read_bytes())
    content[len(content) // 2] ^= 0xFF
    dump.write_bytes(bytes(content))
    with pytest.raises(CommandError, match=r"database dump .* does not match its checksum"):
        restore(a_backup, target_url(tmp_path), tmp_path / "restored")
    assert not (tmp_path / "restored").exists() and not (tmp_path / "restored.sqlite3").exists()


def test_an_unfinished_backup_is_refused(a_backup, tmp_path):
    unfinished = a_backup.rename(tmp_path / "backup2.partial")
    with pytest.raises(CommandError, match="unfinished backup"):
        restore(unfinished, target_url(tmp_path), tmp_path / "restored")


def test_check_only_says_whether_a_backup_is_intact(a_backup):
    out = io.StringIO()
    call_command("restore", "--from", str(a_backup), "--check-only", stdout=out)
    assert "intact" in out.getvalue()
    (a_backup / "media" / "private" / "giay-to.pdf").write_bytes(b"")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("restore", "--from", str(a_backup), "--check-only", stdout=out, stderr=io.StringIO())


# --- targets ---------------------------------------------------------------------------------------------


def test_a_non_empty_target_database_is_refused_and_the_files_are_left_alone(a_backup, tmp_path):
    if SQLITE:
        occupied = tmp_path / "occupied.sqlite3"
        with sqlite3.connect(occupied) as existing:
            existing.execute("CREATE TABLE kept (id integer)")
        url = sqlite_url(occupied)
    else:
        url = postgresql_url(connection.settings_dict["NAME"])  # the test database itself: full
    with pytest.raises(CommandError, match=r"not empty.*--force"):
        restore(a_backup, url, tmp_path / "restored")
    assert not (tmp_path / "restored").exists()


def test_a_non_empty_media_folder_is_refused(a_backup, tmp_path):
    (tmp_path / "restored").mkdir()
    (tmp_path / "restored" / "someone-elses.pdf").write_bytes(b"x")
    with pytest.raises(CommandError, match=r"media root .* is not empty"):
        restore(a_backup, target_url(tmp_path), tmp_path / "restored")
    assert not (tmp_path / "restored.sqlite3").exists()


@on_sqlite
def test_force_restores_over_a_non_empty_target(a_backup, tmp_path):
    occupied = tmp_path / "occupied.sqlite3"
    with sqlite3.connect(occupied) as existing:
        existing.execute("CREATE TABLE kept (id integer)")
    out, _ = restore(a_backup, sqlite_url(occupied), tmp_path / "restored", "--force")
    assert "Restored and verified" in out


# --- the proof after restoring ---------------------------------------------------------------------------


@on_sqlite
def test_a_restore_whose_rows_differ_from_the_manifest_fails(a_backup, tmp_path):
    rewrite_manifest(a_backup, lambda manifest: manifest["tables"].update(dossiers_dossier=5))
    with pytest.raises(CommandError, match="does not match the backup: 1 problem") as failed:
        restore(a_backup, target_url(tmp_path), tmp_path / "restored")
    assert failed.value.returncode == 1


@on_sqlite
def test_a_restore_fails_when_verify_audit_finds_a_broken_chain(tmp_path):
    """The backup is faithful to a database whose audit trail was rewritten: the restore says so."""
    dossier = received_dossier()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE dossiers_dossierevent SET note = 'sửa lén' WHERE dossier_id = %s", [dossier.pk]
        )
    backup(tmp_path / "backup")
    err = io.StringIO()
    with pytest.raises(CommandError, match="does not match the backup"):
        call_command(
            "restore",
            *["--from", str(tmp_path / "backup"), "--database-url", target_url(tmp_path)],
            *["--media-root", str(tmp_path / "restored")],
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "verify_audit failed" in err.getvalue() and dossier.code in err.getvalue()
