from django.core.management.base import BaseCommand, CommandError

from dossiers.audit import broken_chains
from dossiers.models import Dossier


class Command(BaseCommand):
    help = (
        "Check the hash chain of every dossier's audit trail (dossiers/audit.py) and report, per dossier, "
        "the first event whose hash does not match its fields and its predecessor. Exit status 1 when one "
        "is found."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", metavar="DOSSIER_CODE", help="Only these dossiers.")

    def handle(self, *args, codes, **options):
        broken = list(broken_chains(dossier_codes=codes))
        labels = dict(Dossier.objects.filter(pk__in=[b.dossier_id for b in broken]).values_list("pk", "code"))
        for link in broken:
            code = labels.get(link.dossier_id) or f"#{link.dossier_id}"
            self.stderr.write(
                f"Dossier {code}: event {link.event_id} breaks the chain — "
                f"expected {link.expected}, found {link.found or '(empty)'}"
            )
        if broken:
            raise CommandError(f"{len(broken)} dossier audit trail(s) altered.", returncode=1)
        self.stdout.write(self.style.SUCCESS("Every dossier's audit trail is intact."))
