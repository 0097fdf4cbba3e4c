"""Set up the plans: limits and local prices always; Stripe products and prices with keys.

Idempotent, so a fresh install and every redeploy run it alike.
"""

from django.core.management.base import BaseCommand

from billing.selectors import payments_configured
from billing.services import billing_bootstrap


class Command(BaseCommand):
    help = "Create the Free/Standard/Premium plans (and their Stripe products and prices)."

    def handle(self, *args, **options):
        result = billing_bootstrap()
        self.stdout.write(f"plans created: {', '.join(result.plans_created) or 'none'}")
        if payments_configured():
            self.stdout.write(
                f"Stripe products created: {', '.join(result.products_created) or 'none'}; "
                f"prices created: {', '.join(result.prices_created) or 'none'}"
            )
        else:
            self.stdout.write("no STRIPE_SECRET_KEY: local display prices only")
        if result.webhook_url:
            self.stdout.write(f"Stripe webhook endpoint: {result.webhook_url}")
        else:
            self.stdout.write("no STRIPE_WEBHOOK_SECRET: webhooks are not received")
