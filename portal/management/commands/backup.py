from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backups import BackupError, archive_storage_location, make_backup


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump custom format from one snapshot; SQLite: a consistent "
        "copy), MEDIA_ROOT and the archive storage's folder (STORAGES['archive'], when it is a "
        "FileSystemStorage; an object store is only recorded) into the new folder DIR, with manifest.json: "
        "migration heads, row counts per "
        "table, the audit chain's head, SHA-256 of the dump and of every file (portal/backups.py). Written "
        "as DIR.partial, renamed to DIR when complete. `manage.py restore --from DIR` puts it back and "
        "proves it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to", required=True, type=Path, metavar="DIR", help="A folder that does not exist yet."
        )
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(self, *args, to, database, **options):
        try:
            archive_root, archive_backend = archive_storage_location()
            manifest = make_backup(
                to=to,
                media_root=Path(settings.MEDIA_ROOT),
                archive_root=archive_root,
                archive_backend=archive_backend,
                using=database,
                log=lambda line: self.stdout.write(line),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        dump, media, archive = manifest["database"], manifest["media"], manifest["archive"]
        timings = manifest["timings"]
        audit = manifest["audit"] or {}
        self.stdout.write(
            f"database: {dump['file']} {dump['size'] / 1e6:.1f} MB, {len(manifest['tables'])} tables, "
            f"{sum(manifest['tables'].values()):,} rows, {timings['database_s']:.2f} s\n"
            f"files: {media['count']:,} ({media['bytes'] / 1e6:.1f} MB), {timings['media_s']:.2f} s"
            + (f", {len(media['skipped'])} skipped (links or special files)" if media["skipped"] else "")
            + f"\naudit chain: {audit.get('events', 0):,} events, "
            + f"last hash {audit.get('last_chain_hash') or '-'}"
        )
        if archive["storage"] == "filesystem":
            self.stdout.write(
                f"archived files: {archive['count']:,} ({archive['bytes'] / 1e6:.1f} MB) from "
                f"{archive['root']}, {timings['archive_s']:.2f} s"
                + (
                    f", {len(archive['skipped'])} skipped (links or special files)"
                    if archive["skipped"]
                    else ""
                )
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"archived files: held by the object store ({archive['backend']}), not in this backup: "
                    "the bucket needs its own versioning and replication (docs/runbook.md, section 4)."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(f"Backup written to {to.resolve()} in {timings['total_s']:.2f} s.")
        )
