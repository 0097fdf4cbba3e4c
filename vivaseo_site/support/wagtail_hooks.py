"""Support tickets in the Wagtail admin, with notifications and email log beside them."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from vivaseo_site.core.viewsets import BulkDeletedModelViewSet, SpreadsheetSafeIndexView
from vivaseo_site.notifications.models import EmailLog, Notification

from .models import SupportTicket


class SupportTicketIndexView(SpreadsheetSafeIndexView):
    def get_base_queryset(self):
        # The "from" column reads each ticket's customer: one join, not a query per row.
        return super().get_base_queryset().select_related("user")


class SupportTicketViewSet(BulkDeletedModelViewSet):
    model = SupportTicket
    index_view_class = SupportTicketIndexView
    icon = "help"
    menu_label = _("Tickets")
    # "requester": the customer, or the name and address a visitor typed on the contact page.
    list_display = ["subject", "requester", "category", "status", "priority", "modified"]
    list_filter = ["status", "category", "priority"]
    search_fields = ["subject", "message", "user__email", "contact_name", "contact_email"]
    list_export = ["subject", "user", "contact_name", "contact_email", "category", "status",
                   "priority", "created", "resolved_at"]  # fmt: skip
    form_fields = ["user", "contact_name", "contact_email", "subject", "category", "message",
                   "status", "priority", "scan", "admin_notes"]  # fmt: skip
    inspect_view_enabled = True


class NotificationViewSet(BulkDeletedModelViewSet):
    model = Notification
    icon = "mail"
    menu_label = _("Notifications")
    list_display = ["title", "user", "kind", "is_read", "created"]
    list_filter = ["kind", "is_read", "is_archived", "priority"]
    search_fields = ["title", "message", "user__email"]
    form_fields = ["user", "kind", "title", "message", "priority", "action_url", "is_read",
                   "is_archived", "expires_at"]  # fmt: skip


class EmailLogViewSet(BulkDeletedModelViewSet):
    model = EmailLog
    icon = "mail"
    menu_label = _("Email log")
    list_display = ["subject", "to_email", "template", "status", "created"]
    list_filter = ["status", "template"]
    search_fields = ["subject", "to_email", "error_message"]
    list_export = ["to_email", "subject", "template", "status", "error_message", "sent_at"]
    form_fields = ["status", "error_message"]
    inspect_view_enabled = True


class SupportGroup(ModelViewSetGroup):
    menu_label = _("Support")
    menu_icon = "help"
    menu_order = 210
    items = (SupportTicketViewSet, NotificationViewSet, EmailLogViewSet)


@hooks.register("register_admin_viewset")
def register_support_viewsets():
    return SupportGroup()
