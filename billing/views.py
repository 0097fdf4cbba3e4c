"""Customer dashboard: the subscription page, and the hops to Stripe Checkout and Portal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vivaseo_site.core.links import absolute_url
from vivaseo_site.dashboard import customer_view

from . import selectors, services


@customer_view
def subscription(request):
    plan = selectors.user_plan(request.user)
    usage = selectors.usage_this_period(request.user, plan=plan)
    return render(
        request,
        "billing/subscription.html",
        {
            "nav": "account",
            "account_tab": "subscription",
            "plan": plan,
            "usage": usage,
            "portal_available": plan.subscription is not None
            or selectors.has_subscription_to_manage(request.user),
            "plans": selectors.plans_for_display(),
            "payments_configured": selectors.payments_configured(),
            "trial_available": selectors.trial_available(request.user),
            "invoices": selectors.invoices_for_user(request.user),
        },
    )


def _page_url() -> str:
    return absolute_url(reverse("billing:subscription"))


@require_POST
@customer_view
def checkout(request):
    try:
        url = services.checkout_session_create(
            user=request.user,
            plan_slug=request.POST.get("plan", ""),
            interval=request.POST.get("interval", "month"),
            success_url=_page_url() + "?checkout=done",
            cancel_url=_page_url(),
        )
    except (services.PaymentsNotConfigured, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("billing:subscription")
    return redirect(url)


@require_POST
@customer_view
def portal(request):
    try:
        url = services.portal_session_create(user=request.user, return_url=_page_url())
    except services.PaymentsNotConfigured as error:
        messages.error(request, str(error))
        return redirect("billing:subscription")
    return redirect(url)


@require_POST
@customer_view
def sync(request):
    """ "Refresh" after Checkout or the Portal, when the webhook may not have arrived yet."""
    try:
        for customer in request.user.djstripe_customers.filter(date_purged__isnull=True):
            services.subscription_sync(customer=customer)
            services.invoices_sync(customer=customer)
    except services.PaymentsNotConfigured as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your subscription is up to date."))
    return redirect("billing:subscription")
