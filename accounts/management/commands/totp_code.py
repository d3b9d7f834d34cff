from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.selectors import current_totp_code, totp_authenticator


class Command(BaseCommand):
    help = "Print the current two-factor (TOTP) code of an account: for demos and browser tests only."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The account's email address.")

    def handle(self, *args, email, **options):
        if settings.PRODUCTION:
            raise CommandError("Refusing to print sign-in codes on a production deployment.")
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with the email address {email}.")
        authenticator = totp_authenticator(user)
        if authenticator is None:
            raise CommandError(f"{user.email} has no authenticator app (TOTP) set up.")
        self.stdout.write(current_totp_code(authenticator))
