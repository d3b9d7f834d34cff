from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from e_results import sandbox_pki, signing
from procedures.models import Agency


class Command(BaseCommand):
    help = "Create the sandbox PKI for e-results: root CA, timestamp authority, one certificate per agency."

    def handle(self, *args, **options):
        agencies = list(Agency.objects.order_by("code").values_list("code", "name"))
        created = sandbox_pki.ensure_sandbox_pki(
            Path(settings.E_RESULTS_PKI_DIR), agencies, passphrase=signing.agency_passphrase("*")
        )
        self.stdout.write(f"Sandbox PKI in {settings.E_RESULTS_PKI_DIR}: {len(created)} file(s) created.")
