import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backups import BackupError, archive_files, archive_storage_location
from portal.restores import check_backup, load_manifest, restore_backup, summarise


class Command(BaseCommand):
    help = (
        "Restore a backup folder made by `manage.py backup`: checks the manifest's checksums first "
        "(nothing is restored from a corrupted backup), restores into an empty database (created when "
        "missing; --force to restore over a non-empty one), an empty media folder and an empty archive "
        "folder (when the backup holds the archive storage's files), then verifies row counts per table, "
        "the audit chain's head, every file's checksum, and runs verify_audit on the restored database. "
        "Exit status 1 on any mismatch. --check-only verifies the backup's checksums and restores nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, type=Path, metavar="DIR")
        parser.add_argument(
            "--database-url", metavar="URL", help="postgres://… or sqlite:////path/db.sqlite3"
        )
        parser.add_argument("--media-root", type=Path, metavar="PATH", help="Where the files go.")
        parser.add_argument(
            "--archive-root",
            type=Path,
            metavar="PATH",
            help="Where the archived files go (default: the archive storage's folder in the settings).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Restore over a non-empty database or folder."
        )
        parser.add_argument(
            "--jobs", type=int, default=min(4, os.cpu_count() or 1), help="pg_restore --jobs."
        )
        parser.add_argument("--check-only", action="store_true", help="Only verify the backup's checksums.")

    def handle(
        self, *args, source, database_url, media_root, archive_root, force, jobs, check_only, **options
    ):
        try:
            if check_only:
                return self.check_backup_only(source)
            if not database_url or not media_root:
                raise CommandError("--database-url and --media-root are required (or --check-only).")
            report = restore_backup(
                source=source,
                database_url=database_url,
                media_root=media_root,
                archive_root=archive_root or archive_storage_location()[0],
                force=force,
                jobs=jobs,
                log=lambda line: self.stdout.write(line),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        timings = ", ".join(
            f"{name.removesuffix('_s')} {seconds:.2f} s" for name, seconds in report.timings.items()
        )
        self.stdout.write(
            f"restored: {report.tables} tables, {report.rows:,} rows, {report.audit_events:,} audit events, "
            f"{report.files:,} files ({report.bytes / 1e6:.1f} MB), {report.archived_files:,} archived files "
            f"({report.archived_bytes / 1e6:.1f} MB)\ntimings: {timings}"
        )
        if report.problems:
            self.stderr.write(summarise(report.problems))
            raise CommandError(
                f"The restore does not match the backup: {len(report.problems)} problem(s).", returncode=1
            )
        self.stdout.write(
            self.style.SUCCESS("Restored and verified: row counts, file checksums, audit chain.")
        )

    def check_backup_only(self, source: Path) -> None:
        manifest = load_manifest(source.resolve())
        problems = check_backup(source.resolve(), manifest)
        if problems:
            self.stderr.write(summarise(problems))
            raise CommandError(
                f"The backup does not match its manifest: {len(problems)} problem(s).", returncode=1
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup of {manifest['created_at']} intact: the dump, "
                f"{manifest['media']['count']:,} files and {len(archive_files(manifest)):,} archived files "
                "match the manifest."
            )
        )
