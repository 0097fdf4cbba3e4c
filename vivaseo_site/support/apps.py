from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "vivaseo_site.support"
    label = "support"
    verbose_name = _("Support")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # As in audits.apps: register the tasks so services can queue them by name.
        from . import tasks  # noqa: F401
