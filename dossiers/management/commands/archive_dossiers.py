from django.core.management.base import BaseCommand, CommandError

from dossiers.services import retention


class Command(BaseCommand):
    help = (
        "Archive the closed dossiers past their retention period (Procedure.retention_years, else "
        "DOSSIER_RETENTION_YEARS_DEFAULT): personal data removed, files moved to the archive storage, the "
        "register keeps their code and outcome. What the nightly task does, on demand."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count and list them; change nothing."
        )
        parser.add_argument(
            "--limit", type=int, default=None, metavar="N", help="Archive at most N dossiers."
        )

    def handle(self, *args, dry_run, limit, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        if dry_run:
            due = retention.expired_dossiers()
            total = due.count()
            shown = due.values_list("code", "state")[: limit or total]
            for code, state in shown:
                self.stdout.write(f"{code}\t{state}")
            self.stdout.write(f"{total} dossier(s) past their retention period; nothing changed (dry run).")
            return
        run = retention.archive_expired(limit=limit)
        self.stdout.write(self.style.SUCCESS(f"{run.archived} dossier(s) archived."))
        if run.failed:
            raise CommandError(
                f"{len(run.failed)} dossier(s) could not be archived (see the log): ids {run.failed}",
                returncode=1,
            )
