"""Billing in the Wagtail admin: plans, grants, and dj-stripe's mirrors of Stripe (read-only).

Staff edit what a plan grants, grant extra usage and give complimentary plans (each grant an
audit-trail row that is never edited; a complimentary plan can only be ended early);
customers, subscriptions, invoices and webhook calls mirror Stripe, so they are only read
here, and "Sync from Stripe" re-reads one customer.
"""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
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

from vivaseo_site.core.viewsets import SafeExportModelViewSet, SpreadsheetSafeIndexView

from . import selectors, services
from .models import ComplimentaryPlan, PlanLimits, UsageGrant


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
register_permission_policy(ComplimentaryPlan, AddOnlyPolicy(ComplimentaryPlan))
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


class ServiceCreateView(CreateView):
    """An add view that creates through a service (which records the staff member), and
    shows the service's ValidationError on the form instead of failing."""

    def create(self, data: dict):
        raise NotImplementedError

    def save_instance(self):
        return self.create(self.form.cleaned_data)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class UsageGrantCreateView(ServiceCreateView):
    def create(self, data):
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


class ComplimentaryPlanCreateView(ServiceCreateView):
    def create(self, data):
        return services.complimentary_plan_grant(
            user=data["user"],
            plan=data["plan"],
            granted_by=self.request.user,
            reason=data["reason"],
            ends_at=data["ends_at"],
        )


def _complimentary_current(complimentary: ComplimentaryPlan) -> bool:
    return complimentary.ends_at is None or complimentary.ends_at > timezone.now()


def _complimentary_state(complimentary: ComplimentaryPlan) -> str:
    if _complimentary_current(complimentary):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("billing_complimentary:end", args=[quote(complimentary.pk)]),
            _("End now"),
        )
    return _("Ended")


class ComplimentaryPlanViewSet(SafeExportModelViewSet):
    """Plans staff give without Stripe. Rows are a trail: added with a reason, ended early
    with "End now", never edited or deleted."""

    model = ComplimentaryPlan
    icon = "pick"
    menu_label = gettext_lazy("Complimentary plans")
    add_view_class = ComplimentaryPlanCreateView
    list_display = [
        "user",
        "plan",
        "reason",
        "granted_by",
        "created",
        "ends_at",
        Column("state", label=gettext_lazy("State"), accessor=_complimentary_state),
    ]
    list_filter = ["plan"]
    search_fields = ["user__email", "reason"]
    form_fields = ["user", "plan", "reason", "ends_at"]
    inspect_view_enabled = True

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("end/<int:pk>/", complimentary_plan_end_view, name="end"),
        ]


# --- dj-stripe's mirrors, read-only -------------------------------------------------------


def _stripe_data(key: str, label: str) -> Column:
    return Column(key, label=label, accessor=lambda obj: obj.stripe_data.get(key) or "")


def _customer_usage(customer: Customer):
    """The customer's usage this period (with their plan), once per listed row."""
    if customer.subscriber is None:
        return None
    if not hasattr(customer, "_billing_usage"):
        customer._billing_usage = selectors.usage_this_period(customer.subscriber)
    return customer._billing_usage


def _plan_name(customer: Customer) -> str:
    usage = _customer_usage(customer)
    return usage.plan.limits.display_name if usage else ""


def _plan_status(customer: Customer) -> str:
    usage = _customer_usage(customer)
    return usage.plan.status if usage else ""


def _audits_used(customer: Customer) -> str:
    usage = _customer_usage(customer)
    if usage is None:
        return ""
    allowed = usage.audits_allowed
    if allowed is None:
        return _("%(used)s (unlimited)") % {"used": usage.audits_used}
    return _("%(used)s of %(allowed)s") % {"used": usage.audits_used, "allowed": allowed}


def _sync_link(customer: Customer) -> str:
    url = reverse("billing_customer_sync", args=[quote(customer.pk)])
    return format_html('<a href="{}">{}</a>', url, _("Sync from Stripe"))


class StripeMirrorViewSet(SafeExportModelViewSet):
    """A dj-stripe table, read here only (ReadOnlyPolicy): Stripe is where it changes."""

    inspect_view_enabled = True
    search_fields = ["id", "customer__subscriber__email"]
    form_fields = ["customer"]
    list_display = [
        "id",
        "customer",
        _stripe_data("status", gettext_lazy("Status")),
        "created",
    ]


class CustomerIndexView(SpreadsheetSafeIndexView):
    def get_base_queryset(self):
        # Each row shows its subscriber's plan and usage: the subscriber comes with the row.
        return super().get_base_queryset().select_related("subscriber")


class CustomerViewSet(StripeMirrorViewSet):
    model = Customer
    icon = "user"
    menu_label = gettext_lazy("Customers")
    list_display = [
        "subscriber",
        "id",
        Column("plan", label=gettext_lazy("Plan"), accessor=_plan_name),
        Column("plan_status", label=gettext_lazy("Status"), accessor=_plan_status),
        Column("audits", label=gettext_lazy("Audits this period"), accessor=_audits_used),
        "created",
        Column("sync", label=gettext_lazy("Stripe"), accessor=_sync_link),
    ]
    search_fields = ["id", "subscriber__email"]
    form_fields = ["subscriber"]
    index_view_class = CustomerIndexView


class SubscriptionViewSet(StripeMirrorViewSet):
    model = Subscription
    icon = "repeat"
    menu_label = gettext_lazy("Subscriptions")


class InvoiceViewSet(StripeMirrorViewSet):
    model = Invoice
    icon = "doc-full"
    menu_label = gettext_lazy("Invoices")


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
        ComplimentaryPlanViewSet("billing_complimentary"),
        CustomerViewSet("billing_customers"),
        SubscriptionViewSet("billing_subscriptions"),
        InvoiceViewSet("billing_invoices"),
        WebhookCallViewSet("billing_webhook_calls"),
    )


@hooks.register("register_admin_viewset")
def register_billing_viewsets():
    return BillingGroup()


def _confirm(request, *, title: str, subject, text: str, button: str) -> TemplateResponse:
    """The page a staff action asks on (GET) before it acts (POST)."""
    context = {"title": title, "subject": subject, "text": text, "button": button}
    return TemplateResponse(request, "billing/admin_confirm.html", context)


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
    return _confirm(
        request,
        title=_("Sync from Stripe"),
        subject=customer,
        text=_("Re-read the subscriptions and invoices of %(customer)s from Stripe.")
        % {"customer": customer},
        button=_("Sync from Stripe"),
    )


@require_admin_access
@require_http_methods(["GET", "POST"])
def complimentary_plan_end_view(request, pk):
    """End a complimentary plan now (GET asks first); the row stays as the record."""
    complimentary = get_object_or_404(
        ComplimentaryPlan.objects.select_related("user", "plan"), pk=pk
    )
    names = {"plan": complimentary.plan.display_name, "customer": complimentary.user}
    if request.method == "POST":
        services.complimentary_plan_end(complimentary=complimentary)
        messages.success(request, _("%(customer)s's %(plan)s plan has ended.") % names)
        return redirect("billing_complimentary:index")
    return _confirm(
        request,
        title=_("End complimentary plan"),
        subject=complimentary,
        text=_(
            "End the %(plan)s plan of %(customer)s now? They return to their subscription "
            "or the free plan at once."
        )
        % names,
        button=_("End now"),
    )


@hooks.register("register_admin_urls")
def register_billing_urls():
    return [path("billing/customers/<str:pk>/sync/", customer_sync, name="billing_customer_sync")]
