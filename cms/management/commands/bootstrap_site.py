"""Deploy step, safe on every deploy and start: what the site needs to serve its first page.

Idempotent: the locales, the EN/NL home pages and the default site, and the periodic tasks.
It never creates an account (the first staff account comes from `createsuperuser`); where
demo accounts are not allowed it locks out any that an older deployment left behind.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from cms.services import site_tree_ensure
from vivaseo_site.accounts.services import demo_accounts_allowed, demo_users_lock_out
from vivaseo_site.core.services import periodic_tasks_sync


class Command(BaseCommand):
    help = (
        "Make sure the locales, the EN/NL home pages and the periodic tasks exist "
        "(idempotent, for every deploy). Creates no users."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        home = site_tree_ensure()
        languages = sorted(
            page.locale.language_code for page in home.get_translations(inclusive=True)
        )
        self.stdout.write(f"site tree ready: home page in {', '.join(languages)}")
        for name in periodic_tasks_sync():
            self.stdout.write(f"periodic task ready: {name}")
        if not demo_accounts_allowed():
            for email in demo_users_lock_out():
                self.stdout.write(
                    self.style.WARNING(
                        f"{email} still had its published demo password: locked (inactive, no "
                        "password). Create staff accounts with `manage.py createsuperuser`."
                    )
                )
