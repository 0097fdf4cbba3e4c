from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("SEO audits")
    default_auto_field = "django.db.models.BigAutoField"
