"""Idempotent demo set-up: the page tree, a demo customer and a demo staff user.

A fresh install and a redeploy run the same code; running it twice changes nothing.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from cms.services import site_tree_ensure
from vivaseo_site.accounts.services import demo_users_ensure


class Command(BaseCommand):
    help = "Create the EN/NL home pages and the demo customer and staff accounts."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-credentials", action="store_true")

    @transaction.atomic
    def handle(self, *args, **options):
        site_tree_ensure()
        accounts = demo_users_ensure()
        if options["quiet_credentials"]:
            return
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        for account in accounts:
            self.stdout.write(f"  {account.role:<9} {account.email}  /  {account.password}")
