from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "vivaseo_site.core"
    label = "core"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"
