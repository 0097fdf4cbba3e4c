"""Writes for billing: Stripe customers, Checkout and Portal sessions, syncing, bootstrap.

Every call to Stripe passes the secret key explicitly: dj-stripe's defaults are read when it
is imported, before tests or a redeploy may have set them. Without a key every service here
raises `PaymentsNotConfigured`, whose message the customer can read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import stripe
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from djstripe.models import (
    Customer,
    Event,
    Invoice,
    Price,
    Product,
    Subscription,
    WebhookEndpoint,
)

from vivaseo_site.accounts.models import User
from vivaseo_site.accounts.services import user_locked
from vivaseo_site.core.links import absolute_url
from vivaseo_site.core.queue import task_queue_on_commit

from . import notices
from .catalogue import CATALOGUE, TRIAL_DAYS, PlanSeed
from .models import CheckoutSession, ComplimentaryPlan, PlanLimits, UsageGrant
from .selectors import PlanPrice, payments_configured, plan_price, trial_available, user_plan

logger = logging.getLogger(__name__)

HANDLE_EVENT_TASK = "billing.handle_stripe_event"


class PaymentsNotConfigured(Exception):
    """This installation has no Stripe keys: everything but paying works."""

    def __init__(self):
        super().__init__(
            _("Payments are not configured on this installation. Please contact its owner.")
        )


def _api_key() -> str:
    if not payments_configured():
        raise PaymentsNotConfigured()
    return settings.STRIPE_SECRET_KEY


# --- Customers and sessions ---------------------------------------------------------------


def stripe_customer_ensure(*, user: User) -> Customer:
    """The user's Stripe customer: created in Stripe the first time, reused afterwards."""
    api_key = _api_key()
    with transaction.atomic():
        # Two tabs starting Checkout at once must not create two customers.
        User.objects.select_for_update().filter(pk=user.pk).first()
        customer = Customer.objects.filter(
            subscriber=user, livemode=settings.STRIPE_LIVE_MODE, date_purged__isnull=True
        ).first()
        if customer is None:
            customer, _created = Customer.get_or_create(
                subscriber=user, livemode=settings.STRIPE_LIVE_MODE, api_key=api_key
            )
    return customer


# A remembered Checkout session is handed out again only while the customer has this long
# left to pay in it; one closer to its end is expired and replaced.
CHECKOUT_REUSE_MARGIN = timedelta(minutes=15)


def checkout_session_create(
    *, user: User, plan_slug: str, interval: str, success_url: str, cancel_url: str
) -> str:
    """A Stripe Checkout session for a subscription to ``plan_slug`` billed per ``interval``
    ("month" or "year"); returns the address to send the customer to. The first paid plan
    of a customer starts with a trial, once.

    Race-safe: under the user row lock, an open session the customer already has is reused
    (same price) or expired in Stripe (another price) before a new one opens, so two clicks,
    tabs or devices never hold two sessions that could both subscribe, or both carry the
    trial. The lock is held across the calls to Stripe; it is the customer's own row.
    """
    api_key = _api_key()
    price = plan_price(plan_slug=plan_slug, interval=interval)
    if price is None:
        raise ValidationError(_("This plan is not for sale. Choose another one."))
    with transaction.atomic():
        locked = user_locked(user=user)
        _refuse_a_second_subscription(locked)
        reused = _open_checkout_session(user=locked, price=price, api_key=api_key)
        if reused is None:
            url = _checkout_session_open(
                user=locked,
                plan_slug=plan_slug,
                price=price,
                success_url=success_url,
                cancel_url=cancel_url,
                api_key=api_key,
            )
        else:
            url = reused.url
    if reused is _PAID_MEANWHILE:
        # Raised after the commit: the subscription the sync found stays stored.
        _refuse_a_second_subscription(user)
    return url


def _checkout_session_open(
    *,
    user: User,
    plan_slug: str,
    price: PlanPrice,
    success_url: str,
    cancel_url: str,
    api_key: str,
) -> str:
    customer = stripe_customer_ensure(user=user)
    metadata = {"djstripe_subscriber": str(user.pk), "plan": plan_slug}
    subscription_data: dict = {"metadata": metadata}
    trial = trial_available(user)
    if trial:
        subscription_data["trial_period_days"] = TRIAL_DAYS
    session = stripe.checkout.Session.create(
        api_key=api_key,
        mode="subscription",
        customer=customer.id,
        client_reference_id=str(user.pk),
        line_items=[{"price": price.stripe_price_id, "quantity": 1}],
        subscription_data=subscription_data,
        metadata=metadata,
        success_url=success_url,
        cancel_url=cancel_url,
        locale=user.preferred_language or "auto",
    )
    CheckoutSession.objects.create(
        user=user,
        stripe_id=session.id,
        price_id=price.stripe_price_id,
        trial=trial,
        url=session.url,
        expires_at=datetime.fromtimestamp(session.expires_at, tz=UTC),
    )
    return session.url


def _refuse_a_second_subscription(user: User) -> None:
    if user_plan(user).subscription is not None:
        raise ValidationError(
            _("You already have a plan. Change or cancel it in the billing portal.")
        )


# What _open_checkout_session answers when the remembered session was paid meanwhile.
_PAID_MEANWHILE = CheckoutSession(stripe_id="paid meanwhile", url="")


def _open_checkout_session(*, user: User, price: PlanPrice, api_key: str) -> CheckoutSession | None:
    """The customer's open Checkout session for ``price``, to hand out again; None when a
    new one may open. An open session for another price, or one about to expire, is expired
    in Stripe first. One that was paid (its webhook not here yet) is synced: with the
    subscription it started still current, `_PAID_MEANWHILE`."""
    now = timezone.now()
    remembered = CheckoutSession.objects.filter(user=user, expires_at__gt=now).first()
    if remembered is None:
        return None
    status = stripe.checkout.Session.retrieve(remembered.stripe_id, api_key=api_key).status
    reusable = (
        remembered.price_id == price.stripe_price_id
        and remembered.expires_at > now + CHECKOUT_REUSE_MARGIN
    )
    if status == "open" and reusable:
        return remembered
    if status == "open":
        try:
            stripe.checkout.Session.expire(remembered.stripe_id, api_key=api_key)
        except stripe.InvalidRequestError:
            # Paid (or expired) between the two calls: read which.
            status = stripe.checkout.Session.retrieve(remembered.stripe_id, api_key=api_key).status
    remembered.expires_at = now
    remembered.save(update_fields=["expires_at"])
    if status == "complete":
        for customer in user.djstripe_customers.filter(date_purged__isnull=True):
            subscription_sync(customer=customer)
        if user_plan(user).subscription is not None:
            return _PAID_MEANWHILE
    return None


def portal_session_create(*, user: User, return_url: str) -> str:
    """A Stripe Customer Portal session (change plan, cancel, payment method, invoices)."""
    api_key = _api_key()
    customer = stripe_customer_ensure(user=user)
    session = stripe.billing_portal.Session.create(
        api_key=api_key, customer=customer.id, return_url=return_url
    )
    return session.url


# --- Syncing from Stripe --------------------------------------------------------------------


def subscription_sync(*, customer: Customer) -> list[Subscription]:
    """Re-read the customer and all their subscriptions from Stripe into dj-stripe's tables.

    Webhook handlers call this instead of trusting the event's copy, so events arriving twice
    or out of order end in Stripe's current state.
    """
    api_key = _api_key()
    Customer.sync_from_stripe_data(
        stripe.Customer.retrieve(customer.id, api_key=api_key), api_key=api_key
    )
    subscriptions = [
        Subscription.sync_from_stripe_data(data, api_key=api_key)
        for data in stripe.Subscription.list(
            customer=customer.id, status="all", limit=100, api_key=api_key
        ).auto_paging_iter()
    ]
    customer.refresh_from_db()
    if customer.subscriber_id and any(s.stripe_data.get("trial_start") for s in subscriptions):
        # The trial is spent once a subscription with one exists, however it ends.
        User.objects.filter(pk=customer.subscriber_id, trial_used=False).update(trial_used=True)
    return subscriptions


def invoices_sync(*, customer: Customer) -> int:
    """Re-read the customer's invoices (for the payments list); returns how many."""
    api_key = _api_key()
    count = 0
    for data in stripe.Invoice.list(
        customer=customer.id, limit=100, api_key=api_key
    ).auto_paging_iter():
        Invoice.sync_from_stripe_data(data, api_key=api_key)
        count += 1
    return count


def customer_for_stripe_id(*, customer_id: str) -> Customer:
    """Our copy of a Stripe customer, fetched from Stripe when it is not synced yet."""
    customer = Customer.objects.filter(id=customer_id).first()
    if customer is None:
        api_key = _api_key()
        customer = Customer.sync_from_stripe_data(
            stripe.Customer.retrieve(customer_id, api_key=api_key), api_key=api_key
        )
    return customer


# --- Webhook events -----------------------------------------------------------------------


def stripe_event_queue(*, event: Event) -> None:
    """Handle ``event`` in a worker once the webhook's transaction commits."""
    task_queue_on_commit(HANDLE_EVENT_TASK, event.id)


def _event_customer_id(data: dict) -> str:
    obj = data.get("object") or {}
    if obj.get("object") == "customer":
        return obj.get("id") or ""
    customer = obj.get("customer") or ""
    return customer.get("id", "") if isinstance(customer, dict) else customer


def stripe_event_handle(*, event_id: str) -> None:
    """Bring a customer's plan up to date after a Stripe event and tell them what changed.

    Idempotent and order-independent: the state comes from Stripe now, not from the event,
    and each notice is delivered once per subject (subscription or invoice).
    """
    event = Event.objects.filter(id=event_id).first()
    if event is None:
        logger.warning("stripe event %s is not stored; nothing to do", event_id)
        return
    customer_id = _event_customer_id(event.data)
    if not customer_id:
        logger.info("stripe event %s (%s) names no customer", event.id, event.type)
        return
    customer = customer_for_stripe_id(customer_id=customer_id)
    subscriptions = {s.id: s for s in subscription_sync(customer=customer)}
    if customer.subscriber is None:
        logger.warning("stripe customer %s belongs to no user", customer.id)
        return
    notices.event_notice_deliver(
        user=customer.subscriber,
        event=event,
        subscriptions=subscriptions,
        invoice_status=_invoice_status_now(event),
    )


def _invoice_status_now(event: Event) -> str:
    """The current status of an invoice event's invoice (a failed payment may be paid by
    the time its event is handled); empty for other events."""
    obj = event.data.get("object") or {}
    if obj.get("object") != "invoice" or not obj.get("id"):
        return ""
    invoice = stripe.Invoice.retrieve(obj["id"], api_key=_api_key())
    return invoice.get("status") or ""


# --- Staff --------------------------------------------------------------------------------


def usage_grant_create(
    *, user: User, granted_by: User | None, reason: str, audits: int = 0, ai_credits: int = 0
) -> UsageGrant:
    """Give ``user`` extra audits or AI credits for their current period (an audit trail)."""
    if not reason.strip():
        raise ValidationError(_("Say why you grant this: the reason is kept with the grant."))
    if audits <= 0 and ai_credits <= 0:
        raise ValidationError(_("Grant at least one audit or AI credit."))
    return UsageGrant.objects.create(
        user=user, granted_by=granted_by, reason=reason, audits=audits, ai_credits=ai_credits
    )


def complimentary_plan_grant(
    *, user: User, plan: PlanLimits, granted_by: User | None, reason: str, ends_at=None
) -> ComplimentaryPlan:
    """Put ``user`` on ``plan`` without Stripe until ``ends_at`` (None: until ended)."""
    if not reason.strip():
        raise ValidationError(_("Say why you grant this: the reason is kept with the grant."))
    if plan.is_free:
        raise ValidationError(_("Everybody has the free plan already. Choose a paid plan."))
    return ComplimentaryPlan.objects.create(
        user=user, plan=plan, granted_by=granted_by, reason=reason, ends_at=ends_at
    )


def complimentary_plan_end(*, complimentary: ComplimentaryPlan) -> ComplimentaryPlan:
    """End a complimentary plan now (the row stays as the record that it was given)."""
    now = timezone.now()
    if complimentary.ends_at is None or complimentary.ends_at > now:
        complimentary.ends_at = now
        complimentary.save(update_fields=["ends_at"])
    return complimentary


# --- Bootstrap ----------------------------------------------------------------------------


@dataclass
class BootstrapResult:
    plans_created: list[str] = field(default_factory=list)
    products_created: list[str] = field(default_factory=list)
    prices_created: list[str] = field(default_factory=list)
    webhook_url: str = ""


def _plan_limits_ensure(seed: PlanSeed, result: BootstrapResult) -> PlanLimits:
    # Existing rows keep what staff changed: bootstrap only fills in what is missing.
    limits, created = PlanLimits.objects.get_or_create(
        slug=seed.slug,
        defaults={
            "name": seed.name,
            "is_free": seed.is_free,
            "ordering": seed.ordering,
            "recommended": seed.recommended,
            "price_monthly": seed.price_monthly,
            "price_yearly": seed.price_yearly,
            "currency": seed.currency,
            **seed.limits,
        },
    )
    if created:
        result.plans_created.append(seed.slug)
    return limits


def stripe_product_id(slug: str) -> str:
    # Our own product ids make bootstrap idempotent without searching Stripe.
    return f"vivaseo_{slug}"


def price_lookup_key(slug: str, interval: str) -> str:
    return f"vivaseo_{slug}_{interval}"


def _stripe_product_ensure(seed: PlanSeed, api_key: str, result: BootstrapResult) -> Product:
    product_id = stripe_product_id(seed.slug)
    try:
        data = stripe.Product.retrieve(product_id, api_key=api_key)
    except stripe.InvalidRequestError as error:
        if error.http_status != 404:
            raise
        data = stripe.Product.create(
            id=product_id,
            name=f"VivaSEO {seed.name}",
            metadata={"plan": seed.slug},
            api_key=api_key,
        )
        result.products_created.append(product_id)
    return Product.sync_from_stripe_data(data, api_key=api_key)


def _stripe_prices_ensure(seed: PlanSeed, api_key: str, result: BootstrapResult) -> None:
    amounts = {"month": seed.price_monthly, "year": seed.price_yearly}
    for interval, amount in amounts.items():
        key = price_lookup_key(seed.slug, interval)
        found = stripe.Price.list(lookup_keys=[key], limit=1, api_key=api_key).data
        if found:
            data = found[0]
        else:
            data = stripe.Price.create(
                product=stripe_product_id(seed.slug),
                currency=seed.currency,
                unit_amount=int(amount * 100),
                recurring={"interval": interval},
                lookup_key=key,
                api_key=api_key,
            )
            result.prices_created.append(key)
        Price.sync_from_stripe_data(data, api_key=api_key)


def webhook_endpoint_ensure() -> WebhookEndpoint | None:
    """dj-stripe's endpoint row holding STRIPE_WEBHOOK_SECRET (its address carries the row's
    uuid); None without a secret. The row is made once, and its secret follows the setting."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        return None
    endpoint = WebhookEndpoint.objects.filter(id="we_vivaseo").first()
    if endpoint is None:
        endpoint = WebhookEndpoint(
            id="we_vivaseo",
            livemode=settings.STRIPE_LIVE_MODE,
            enabled_events=["*"],
            status="enabled",
            stripe_data={},
        )
    endpoint.secret = secret
    endpoint.url = absolute_url(
        reverse("djstripe:djstripe_webhook_by_uuid", kwargs={"uuid": endpoint.djstripe_uuid})
    )
    endpoint.djstripe_validation_method = settings.DJSTRIPE_WEBHOOK_VALIDATION
    endpoint.save()
    return endpoint


def billing_bootstrap() -> BootstrapResult:
    """Set up the plans (idempotent). Always: the PlanLimits rows with local display prices.
    With Stripe keys: the products and monthly and yearly prices in Stripe, synced."""
    result = BootstrapResult()
    plans = {seed.slug: _plan_limits_ensure(seed, result) for seed in CATALOGUE}
    endpoint = webhook_endpoint_ensure()
    if endpoint is not None:
        result.webhook_url = endpoint.url
    if not payments_configured():
        return result
    api_key = _api_key()
    for seed in CATALOGUE:
        product = _stripe_product_ensure(seed, api_key, result)
        if not seed.is_free:
            _stripe_prices_ensure(seed, api_key, result)
        limits = plans[seed.slug]
        if not limits.stripe_product_id:
            limits.stripe_product_id = product.id
            limits.save(update_fields=["stripe_product_id"])
    return result
