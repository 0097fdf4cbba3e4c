from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import stripe
        from django.conf import settings

        # dj-stripe and our services call the module-level client; tests and stripe-mock
        # point it elsewhere with STRIPE_API_BASE.
        if settings.STRIPE_API_BASE:
            stripe.api_base = settings.STRIPE_API_BASE
        # Models are loaded now: connect the webhook receivers and register the tasks.
        from . import tasks, webhooks  # noqa: F401
