"""Customer settings and platform health in the Wagtail admin (users are Wagtail's own)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from vivaseo_site.core.viewsets import SafeExportModelViewSet

from .models import ScanConfiguration


class ScanConfigurationViewSet(SafeExportModelViewSet):
    model = ScanConfiguration
    icon = "time"
    menu_label = _("Scheduled audits")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["user", "scheduled_scans_enabled", "frequency", "time_of_day", "timezone"]
    list_filter = ["scheduled_scans_enabled", "frequency", "email_notifications"]
    search_fields = ["user__email", "notification_email"]
    form_fields = ["scheduled_scans_enabled", "frequency", "time_of_day", "timezone",
                   "notification_email", "email_notifications"]  # fmt: skip


@hooks.register("register_admin_viewset")
def register_accounts_viewsets():
    return ScanConfigurationViewSet("scan_configurations")
