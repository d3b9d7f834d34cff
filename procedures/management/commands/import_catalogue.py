"""manage.py import_catalogue FILE.csv|FILE.xlsx [--dry-run]: the admin's catalogue import, from a shell."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from import_export.formats.base_formats import CSV, XLSX

from procedures.resources import ProcedureVersionResource, row_error_lines

FORMATS = {".csv": lambda: CSV(encoding="utf-8-sig"), ".xlsx": XLSX}


class Command(BaseCommand):
    help = (
        "Import catalogue entries as draft versions from a CSV or XLSX file (one row per procedure version). "
        "Nothing is imported when any row is bad."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv (UTF-8) or .xlsx file with the catalogue's column names.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, import nothing.")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        make_format = FORMATS.get(path.suffix.lower())
        if make_format is None:
            raise CommandError(f"{path.name}: use a .csv or .xlsx file.")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            dataset = make_format().create_dataset(data)
        except Exception as error:
            raise CommandError(f"Cannot read {path.name} as {path.suffix[1:].upper()}: {error}") from error

        result = ProcedureVersionResource().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        problems = row_error_lines(result)
        if problems:
            for line in problems:
                self.stderr.write(line)
            bad_rows = len(result.invalid_rows) + len(result.error_rows)
            raise CommandError(
                f"{bad_rows} of {result.total_rows} rows have errors (row 1 is the first row under the "
                "column names): nothing was imported."
                if bad_rows
                else "The file cannot be imported: nothing was imported."
            )
        count = result.totals["new"]
        if dry_run:
            self.stdout.write(f"Dry run: all {count} rows are valid; nothing was imported.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Imported {count} draft versions; review them, then publish.")
            )
