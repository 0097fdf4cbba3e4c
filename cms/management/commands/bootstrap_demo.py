"""Demo accounts for a laptop: a customer and a superuser, with passwords printed in the README.

Only `scripts/start.sh` runs it, after `bootstrap_site`; under production settings (or any
settings module that does not allow demo accounts) it refuses. Running it twice changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from vivaseo_site.accounts.services import DemoAccountsRefused, demo_users_ensure


class Command(BaseCommand):
    help = "Create the demo customer and staff accounts (dev settings only; never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-credentials", action="store_true")

    def handle(self, *args, **options):
        try:
            accounts = demo_users_ensure()
        except DemoAccountsRefused as refused:
            raise CommandError(str(refused)) from refused
        if options["quiet_credentials"]:
            return
        self.stdout.write(self.style.SUCCESS("Demo accounts are ready."))
        for account in accounts:
            self.stdout.write(f"  {account.role:<9} {account.email}  /  {account.password}")
