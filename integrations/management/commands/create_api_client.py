"""`manage.py create_api_client NAME --agency CODE [--agency CODE …] --scope SCOPE […] [--oauth] [--key]`:
an operator registers a system of the province; its API key and/or OAuth 2.0 client id and secret are
printed once."""

from django.core.management.base import BaseCommand, CommandError

from integrations import services
from integrations.models import Scope


class Command(BaseCommand):
    help = "Create an API client for the dossier API (/api/v1/) and print its key or client credentials once."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--contact", default="", help="Who runs the system (person, email, phone).")
        parser.add_argument("--agency", action="append", required=True, help="Agency code; repeat for more.")
        parser.add_argument(
            "--scope", action="append", required=True, choices=Scope.values, help="Repeat for more."
        )
        parser.add_argument("--rate", type=int, default=60, help="Requests per minute (default 60).")
        parser.add_argument("--oauth", action="store_true", help="Also issue OAuth 2.0 client credentials.")
        parser.add_argument("--no-key", action="store_true", help="Issue no API key (OAuth 2.0 only).")

    def handle(self, *args, name, contact, agency, scope, rate, oauth, no_key, **options):
        if rate < 1:
            raise CommandError("--rate must be at least 1.")
        if no_key and not oauth:
            raise CommandError("With --no-key, give --oauth: the client needs a way in.")
        try:
            client = services.create_client(
                name=name,
                contact=contact or name,
                agency_codes=agency,
                scopes=scope,
                rate_limit_per_minute=rate,
            )
        except services.ClientError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Client {client.pk}: {client.name}; scopes {', '.join(client.scopes)}.")
        if not no_key:
            issued = services.issue_key(client=client, label="created by create_api_client")
            self.stdout.write(f"API key (shown once): {issued.secret}")
        if oauth:
            credentials = services.enable_client_credentials(client=client)
            self.stdout.write(f"OAuth 2.0 client id: {credentials.client_id}")
            self.stdout.write(f"OAuth 2.0 client secret (shown once): {credentials.client_secret}")
