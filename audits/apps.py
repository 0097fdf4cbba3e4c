from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("SEO audits")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models must be loaded before the tasks module (it imports the services). Registering
        # the tasks here lets services queue them by name (vivaseo_site.core.queue).
        from . import tasks  # noqa: F401
