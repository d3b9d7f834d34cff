from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from identity_sandbox.services import setup_sandbox


class Command(BaseCommand):
    help = "Create or update the sandbox identity provider's client and demo persons (safe to run again)."

    def handle(self, *args, **options):
        if not settings.IDENTITY_SANDBOX:
            raise CommandError("NATIONAL_IDENTITY_ISSUER is set: the sandbox identity provider is off.")
        persons = setup_sandbox()
        self.stdout.write(f"Sandbox identity provider: {len(persons)} demo persons.")
