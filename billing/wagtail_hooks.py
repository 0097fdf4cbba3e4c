"""Billing in the Wagtail admin: plans, grants, and dj-stripe's mirrors of Stripe (read-only).

Staff edit what a plan grants and grant extra usage (each grant an audit-trail row that is
never edited); customers, subscriptions, invoices and webhook calls mirror Stripe, so they are
only read here, and "Sync from Stripe" re-reads one customer.
"""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from djstripe.models import Customer, Invoice, Subscription, WebhookEventTrigger
from wagtail import hooks
from wagtail.admin.auth import require_admin_access
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from vivaseo_site.core.viewsets import SafeExportModelViewSet

from . import selectors, services
from .models import PlanLimits, UsageGrant


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Staff may look, never add, change or delete (the row mirrors Stripe, or is a trail)."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return user.is_active and user.is_staff

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class AddOnlyPolicy(ReadOnlyPolicy):
    def user_has_permission(self, user, action):
        if action == "add":
            return user.is_active and user.is_staff
        return super().user_has_permission(user, action)


# Registered at import, before Wagtail makes its default policy for these models.
register_permission_policy(UsageGrant, AddOnlyPolicy(UsageGrant))
for _mirror in (Customer, Subscription, Invoice, WebhookEventTrigger):
    register_permission_policy(_mirror, ReadOnlyPolicy(_mirror), exact_class=True)


class PlanLimitsViewSet(SafeExportModelViewSet):
    model = PlanLimits
    icon = "list-ul"
    menu_label = gettext_lazy("Plans")
    list_display = ["name", "slug", "stripe_product_id", "websites", "audits_per_period",
                    "pages_per_audit", "recommended", "active"]  # fmt: skip
    list_filter = ["active", "is_free", "recommended"]
    form_fields = ["name", "slug", "is_free", "stripe_product_id", "websites",
                   "audits_per_period", "pages_per_audit", "javascript_rendering",
                   "scheduled_audits", "fastest_schedule", "ai_credits_per_period",
                   "pdf_branding", "price_monthly", "price_yearly", "currency", "recommended",
                   "ordering", "active"]  # fmt: skip


class UsageGrantCreateView(CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.usage_grant_create(
            user=data["user"],
            granted_by=self.request.user,
            reason=data["reason"],
            audits=data["audits"] or 0,
            ai_credits=data["ai_credits"] or 0,
        )


class UsageGrantViewSet(SafeExportModelViewSet):
    model = UsageGrant
    icon = "plus-inverse"
    menu_label = gettext_lazy("Usage grants")
    add_view_class = UsageGrantCreateView
    list_display = ["user", "audits", "ai_credits", "reason", "granted_by", "created"]
    search_fields = ["user__email", "reason"]
    form_fields = ["user", "audits", "ai_credits", "reason"]
    inspect_view_enabled = True


def _stripe_data(key: str, label: str) -> Column:
    return Column(key, label=label, accessor=lambda obj: obj.stripe_data.get(key) or "")


def _plan_name(customer: Customer) -> str:
    if customer.subscriber is None:
        return ""
    return selectors.user_plan(customer.subscriber).limits.name


def _sync_link(customer: Customer) -> str:
    url = reverse("billing_customer_sync", args=[quote(customer.pk)])
    return format_html('<a href="{}">{}</a>', url, _("Sync from Stripe"))


class CustomerViewSet(SafeExportModelViewSet):
    model = Customer
    icon = "user"
    menu_label = gettext_lazy("Customers")
    list_display = [
        "subscriber",
        "id",
        Column("plan", label=gettext_lazy("Plan"), accessor=_plan_name),
        "created",
        Column("sync", label=gettext_lazy("Stripe"), accessor=_sync_link),
    ]
    search_fields = ["id", "subscriber__email"]
    inspect_view_enabled = True
    form_fields = ["subscriber"]


class SubscriptionViewSet(SafeExportModelViewSet):
    model = Subscription
    icon = "repeat"
    menu_label = gettext_lazy("Subscriptions")
    list_display = ["id", "customer", _stripe_data("status", gettext_lazy("Status")), "created"]
    search_fields = ["id", "customer__subscriber__email"]
    inspect_view_enabled = True
    form_fields = ["customer"]


class InvoiceViewSet(SafeExportModelViewSet):
    model = Invoice
    icon = "doc-full"
    menu_label = gettext_lazy("Invoices")
    list_display = ["id", "customer", _stripe_data("status", gettext_lazy("Status")), "created"]
    search_fields = ["id", "customer__subscriber__email"]
    inspect_view_enabled = True
    form_fields = ["customer"]


class WebhookCallViewSet(SafeExportModelViewSet):
    """Every call to the webhook endpoint; the invalid and failed ones are the interesting."""

    model = WebhookEventTrigger
    icon = "warning"
    menu_label = gettext_lazy("Webhook calls")
    list_display = ["id", "created", "valid", "processed", "exception", "remote_ip"]
    list_filter = ["valid", "processed"]
    inspect_view_enabled = True
    form_fields = ["valid"]


class BillingGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Billing")
    menu_icon = "tag"
    menu_order = 240
    items = (
        PlanLimitsViewSet("billing_plans"),
        UsageGrantViewSet("billing_grants"),
        CustomerViewSet("billing_customers"),
        SubscriptionViewSet("billing_subscriptions"),
        InvoiceViewSet("billing_invoices"),
        WebhookCallViewSet("billing_webhook_calls"),
    )


@hooks.register("register_admin_viewset")
def register_billing_viewsets():
    return BillingGroup()


@require_admin_access
@require_http_methods(["GET", "POST"])
def customer_sync(request, pk):
    """Re-read one customer's subscriptions and invoices from Stripe (GET asks first)."""
    customer = get_object_or_404(Customer, pk=pk)
    if request.method == "POST":
        try:
            services.subscription_sync(customer=customer)
            services.invoices_sync(customer=customer)
        except services.PaymentsNotConfigured as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("%(customer)s is synced from Stripe.") % {"customer": customer}
            )
        return redirect("billing_customers:index")
    return TemplateResponse(request, "billing/admin_customer_sync.html", {"customer": customer})


@hooks.register("register_admin_urls")
def register_billing_urls():
    return [path("billing/customers/<str:pk>/sync/", customer_sync, name="billing_customer_sync")]
