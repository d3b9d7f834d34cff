import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Min
from django.utils import timezone

from common import clock
from dossiers.models import Dossier
from scorecard.figures import refresh_days


class Command(BaseCommand):
    help = "Recompute the scorecard's daily figures from the dossiers (default: the first dossier to today)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", type=datetime.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args, start=None, end=None, **options):
        end = end or clock.localdate()
        if start is None:
            first = Dossier.objects.aggregate(first=Min("submitted_at"))["first"]
            start = clock.localdate() if first is None else timezone.localdate(first)
        if start > end:
            raise CommandError("--from is after --to")
        began = time.monotonic()
        rows = refresh_days(start, end)
        days = (end - start).days + 1
        self.stdout.write(f"{days} days, {rows} rows in {time.monotonic() - began:.1f} s")
