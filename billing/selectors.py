"""Reads for billing: a customer's plan, their usage this period, and what they may do.

Other apps ask `may(user=..., action=...)` before they spend something; billing never reaches
into their services. Usage is counted from the audits themselves (SEOScan rows), so there is
no counter to drift: an audit that is deleted, or cancelled before it crawled a page, is
simply not counted.
"""

from __future__ import annotations

import logging
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from djstripe.models import Invoice, Price, Subscription

from audits.models import SEOScan, Website
from vivaseo_site.accounts.models import ScanConfiguration
from vivaseo_site.accounts.selectors import deleted_account_usage

from .catalogue import FREE
from .models import ComplimentaryPlan, PlanLimits, UsageGrant

logger = logging.getLogger(__name__)

# Subscriptions that give their plan's limits. past_due keeps them while Stripe retries the
# payment (the customer is told to fix it); Stripe then cancels or marks it unpaid, and the
# customer falls back to the free tier. incomplete (the first payment never went through),
# unpaid, paused and canceled give nothing.
PLAN_GIVING_STATUSES = ("trialing", "active", "past_due")

# Schedules from the most to the least frequent: a plan allowing one allows those after it.
SCHEDULE_SPEED = [
    ScanConfiguration.Frequency.DAILY,
    ScanConfiguration.Frequency.WEEKLY,
    ScanConfiguration.Frequency.BI_WEEKLY,
    ScanConfiguration.Frequency.MONTHLY,
]


def payments_configured() -> bool:
    """Whether this installation can take payments (a Stripe secret key is set)."""
    return bool(settings.STRIPE_SECRET_KEY)


# --- The plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserPlan:
    """The plan a user is on now, and the period their usage is counted in."""

    limits: PlanLimits
    status: str  # "free", or the subscription's Stripe status
    period_start: datetime
    period_end: datetime
    subscription: Subscription | None = None
    complimentary: ComplimentaryPlan | None = None
    cancel_at_period_end: bool = False
    # The end of the subscription's billing period (it renews, or ends if cancelled); the
    # usage window above is a month of it on yearly billing.
    renews_at: datetime | None = None
    trial_end: datetime | None = None

    @property
    def is_free(self) -> bool:
        return self.limits.is_free

    @property
    def counted_per_calendar_month(self) -> bool:
        """The free tier and complimentary plans count usage per calendar month; a
        subscription per billing period."""
        return self.subscription is None


def free_limits() -> PlanLimits:
    """The free tier: its row, or (before billing_bootstrap ran) the catalogue's defaults."""
    limits = PlanLimits.objects.filter(is_free=True).first()
    if limits is None:
        limits = PlanLimits(slug=FREE.slug, name=FREE.name, is_free=True, **FREE.limits)
    return limits


def calendar_month(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The calendar month around ``now`` in the site's time zone: the free tier's period."""
    local = timezone.localtime(now or timezone.now())
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = start.replace(year=start.year + 1, month=1) if start.month == 12 else None
    end = following or start.replace(month=start.month + 1)
    return start, end


def _timestamp(value) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if value else None


def subscription_period(subscription: Subscription) -> tuple[datetime | None, datetime | None]:
    """The subscription's current period. Newer Stripe API versions keep it on the items
    only, older ones on the subscription; both are read."""
    data = subscription.stripe_data
    items = (data.get("items") or {}).get("data") or [{}]
    start = data.get("current_period_start") or items[0].get("current_period_start")
    end = data.get("current_period_end") or items[0].get("current_period_end")
    return _timestamp(start), _timestamp(end)


def _months_after(moment: datetime, months: int) -> datetime:
    """``moment`` ``months`` calendar months later, on the same day or the month's last."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


def quota_window(
    start: datetime | None, end: datetime | None, now: datetime | None = None
) -> tuple[datetime | None, datetime | None]:
    """The window a subscription's usage is counted in: its billing period, or for a period
    longer than a month (yearly billing) the month of it that ``now`` is in, counted from the
    period's start. A plan grants its audits and AI credits per month, however it is paid."""
    if start is None or end is None or end - start <= timedelta(days=31):
        return start, end
    now = now or timezone.now()
    months = 0
    while (following := _months_after(start, months + 1)) <= now and following < end:
        months += 1
    return _months_after(start, months), min(_months_after(start, months + 1), end)


def subscription_product_ids(subscription: Subscription) -> list[str]:
    """The Stripe products a subscription is for (its items' prices' products)."""
    products = []
    for item in (subscription.stripe_data.get("items") or {}).get("data") or []:
        product = (item.get("price") or {}).get("product")
        product_id = product.get("id") if isinstance(product, dict) else product
        if product_id:
            products.append(product_id)
    return products


def _current_subscriptions(user) -> list[Subscription]:
    now = timezone.now()
    subscriptions = Subscription.objects.filter(
        customer__subscriber=user,
        customer__date_purged__isnull=True,
        stripe_data__status__in=PLAN_GIVING_STATUSES,
    ).order_by("-created")
    current = []
    for subscription in subscriptions:
        _, end = subscription_period(subscription)
        if end is None or end > now:
            current.append(subscription)
    return current


def _current_complimentary_plans(user) -> list[ComplimentaryPlan]:
    now = timezone.now()
    return list(
        ComplimentaryPlan.objects.filter(user=user, created__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .select_related("plan")
    )


def has_subscription_to_manage(user) -> bool:
    """Whether ``user`` has a subscription Stripe's portal can change or cancel, also when a
    better complimentary plan is the one that counts now."""
    return Subscription.objects.filter(
        customer__subscriber=user,
        customer__date_purged__isnull=True,
        stripe_data__status__in=PLAN_GIVING_STATUSES,
    ).exists()


def user_plan(user) -> UserPlan:
    """The plan ``user`` is on: the best of their current subscriptions and complimentary
    plans, or the free tier."""
    choices = []
    for subscription in _current_subscriptions(user):
        products = subscription_product_ids(subscription)
        limits = PlanLimits.objects.filter(stripe_product_id__in=products).first()
        if limits is None:
            logger.warning("subscription %s is for no known plan %s", subscription.id, products)
            continue
        choices.append((limits.ordering, 1, subscription, limits))
    for complimentary in _current_complimentary_plans(user):
        # On a tie the subscription wins: its page shows what the customer pays for.
        choices.append((complimentary.plan.ordering, 0, complimentary, complimentary.plan))
    month_start, month_end = calendar_month()
    if not choices:
        return UserPlan(
            limits=free_limits(), status="free", period_start=month_start, period_end=month_end
        )
    _, _, source, limits = max(choices, key=lambda choice: choice[:2])
    if isinstance(source, ComplimentaryPlan):
        return UserPlan(
            limits=limits,
            status="complimentary",
            period_start=month_start,
            period_end=month_end,
            complimentary=source,
        )
    billing_start, billing_end = subscription_period(source)
    start, end = quota_window(billing_start, billing_end)
    return UserPlan(
        limits=limits,
        status=source.status,
        period_start=start or month_start,
        period_end=end or month_end,
        renews_at=billing_end,
        subscription=source,
        cancel_at_period_end=bool(source.cancel_at_period_end),
        trial_end=source.trial_end,
    )


def trial_available(user) -> bool:
    """Whether the user's first paid plan may still start with a trial: once per user."""
    if user.trial_used:
        return False
    return not Subscription.objects.filter(
        customer__subscriber=user, stripe_data__trial_start__isnull=False
    ).exists()


# --- Usage ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """What a user used of their plan this period, and what they may use (None: unlimited)."""

    plan: UserPlan
    audits_used: int
    audits_granted: int
    ai_credits_used: int
    ai_credits_granted: int
    user: object = field(repr=False, compare=False, default=None)

    @cached_property
    def websites_used(self) -> int:
        # Counted when read: the sidebar on every page asks only for audits.
        return Website.objects.filter(user=self.user).count()

    @property
    def audits_allowed(self) -> int | None:
        base = self.plan.limits.audits_per_period
        return None if base is None else base + self.audits_granted

    @property
    def audits_left(self) -> int | None:
        allowed = self.audits_allowed
        return None if allowed is None else max(0, allowed - self.audits_used)

    @property
    def ai_credits_allowed(self) -> int | None:
        base = self.plan.limits.ai_credits_per_period
        return None if base is None else base + self.ai_credits_granted

    @property
    def websites_allowed(self) -> int | None:
        return self.plan.limits.websites


def counted_audits(user, start: datetime, end: datetime):
    """The user's audits that count against their plan in [start, end): every one started in
    the period except those given back (our failure, or cancelled before a page answered)."""
    return SEOScan.objects.filter(user=user, created__gte=start, created__lt=end, refunded=False)


def _sum_of(queryset, field_name: str):
    """A scalar subquery: the sum of ``field_name`` over ``queryset`` (0 when empty)."""
    total = queryset.order_by().values("user").annotate(total=Sum(field_name)).values("total")
    return Coalesce(Subquery(total), Value(0))


def _period_counts(user, start: datetime, end: datetime) -> dict:
    """Audits used and granted, and AI credits granted, in [start, end): one query (the
    sidebar asks on every dashboard page)."""
    scans = counted_audits(user, start, end).order_by().values("user")
    grants = UsageGrant.objects.filter(user=user, created__gte=start, created__lt=end)
    counts = {
        "audits": Coalesce(Subquery(scans.annotate(n=Count("id")).values("n")), Value(0)),
        "audits_granted": _sum_of(grants, "audits"),
        "ai_credits_granted": _sum_of(grants, "ai_credits"),
        "deleted": Value(0),
    }
    # A deleted account's audits count for a new one with its address, in the period it was
    # deleted in: only an account made in this period can be that new one.
    if user.date_joined >= start:
        deleted = deleted_account_usage(email=user.email, start=start, end=end)
        counts["deleted"] = Coalesce(Subquery(deleted[:1]), Value(0))
    values = get_user_model().objects.filter(pk=user.pk).values(**counts).get()
    values["audits_used"] = values.pop("audits") + values.pop("deleted")
    return values


def audits_used_this_month(*, user) -> int:
    """The audits ``user`` used this calendar month (what a deleted account leaves behind)."""
    return _period_counts(user, *calendar_month())["audits_used"]


def usage_this_period(user, *, plan: UserPlan | None = None) -> Usage:
    plan = plan or user_plan(user)
    counts = _period_counts(user, plan.period_start, plan.period_end)
    return Usage(
        plan=plan,
        audits_used=counts["audits_used"],
        audits_granted=counts["audits_granted"],
        # AI suggestions have not shipped yet (their own issue): nothing spends credits so far.
        ai_credits_used=0,
        ai_credits_granted=counts["ai_credits_granted"],
        user=user,
    )


# --- What a user may do ----------------------------------------------------------------------


class LimitReached(PermissionDenied):
    """Raised by callers for a refused `Decision`; its message names the limit."""

    def __init__(self, decision: Decision):
        super().__init__(decision.message)
        self.decision = decision


@dataclass(frozen=True)
class Decision:
    allowed: bool
    action: str
    message: str = ""  # translated, naming the limit; empty when allowed
    limit: int | str | None = None
    upgrade_url: str = ""
    details: dict = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.allowed

    def raise_if_refused(self) -> None:
        if not self.allowed:
            raise LimitReached(self)


def upgrade_url() -> str:
    """Where a refused customer can upgrade: the subscription page, in the active language."""
    return reverse("billing:subscription")


def _refuse(action: str, message: str, limit=None, **details) -> Decision:
    upgrade = _("Upgrade your plan to do more.")
    return Decision(
        allowed=False,
        action=action,
        message=f"{message} {upgrade}",
        limit=limit,
        upgrade_url=upgrade_url(),
        details=details,
    )


def _period_words(plan: UserPlan) -> str:
    return _("this month") if plan.counted_per_calendar_month else _("this billing period")


def _may_start_audit(user, plan: UserPlan, **kw) -> Decision:
    usage = usage_this_period(user, plan=plan)
    allowed = usage.audits_allowed
    if allowed is None or usage.audits_used < allowed:
        return Decision(True, "start_audit", limit=allowed)
    message = ngettext(
        "You have used the %(count)d audit of your %(plan)s plan %(period)s.",
        "You have used all %(count)d audits of your %(plan)s plan %(period)s.",
        allowed,
    ) % {"count": allowed, "plan": plan.limits.display_name, "period": _period_words(plan)}
    return _refuse("start_audit", message, allowed, used=usage.audits_used)


def _may_add_website(user, plan: UserPlan, **kw) -> Decision:
    allowed = plan.limits.websites
    used = Website.objects.filter(user=user).count()
    if allowed is None or used < allowed:
        return Decision(True, "add_website", limit=allowed)
    message = ngettext(
        "Your %(plan)s plan includes %(count)d website.",
        "Your %(plan)s plan includes %(count)d websites.",
        allowed,
    ) % {"count": allowed, "plan": plan.limits.display_name}
    return _refuse("add_website", message, allowed, used=used)


def _may_schedule_audits(user, plan: UserPlan, *, frequency: str = "", **kw) -> Decision:
    limits = plan.limits
    if not limits.scheduled_audits or not limits.fastest_schedule:
        message = _("Scheduled audits are not included in your %(plan)s plan.") % {
            "plan": limits.display_name
        }
        return _refuse("schedule_audits", message)
    fastest = SCHEDULE_SPEED.index(limits.fastest_schedule)
    if frequency and SCHEDULE_SPEED.index(frequency) < fastest:
        message = _("Your %(plan)s plan schedules audits at most %(frequency)s.") % {
            "plan": limits.display_name,
            "frequency": ScanConfiguration.Frequency(limits.fastest_schedule).label.lower(),
        }
        return _refuse("schedule_audits", message, limits.fastest_schedule)
    return Decision(True, "schedule_audits", limit=limits.fastest_schedule)


def _may_render_javascript(user, plan: UserPlan, **kw) -> Decision:
    if plan.limits.javascript_rendering:
        return Decision(True, "render_javascript")
    message = _("JavaScript rendering is not included in your %(plan)s plan.") % {
        "plan": plan.limits.display_name
    }
    return _refuse("render_javascript", message)


def _may_pages_per_audit(user, plan: UserPlan, *, n: int, **kw) -> Decision:
    allowed = plan.limits.pages_per_audit
    if allowed is None or n <= allowed:
        return Decision(True, "pages_per_audit", limit=allowed)
    message = ngettext(
        "Your %(plan)s plan audits up to %(count)d page per audit.",
        "Your %(plan)s plan audits up to %(count)d pages per audit.",
        allowed,
    ) % {"count": allowed, "plan": plan.limits.display_name}
    return _refuse("pages_per_audit", message, allowed, asked=n)


def _may_ai_generate(user, plan: UserPlan, *, credits: int = 1, **kw) -> Decision:
    usage = usage_this_period(user, plan=plan)
    allowed = usage.ai_credits_allowed
    if allowed is None or usage.ai_credits_used + credits <= allowed:
        return Decision(True, "ai_generate", limit=allowed)
    if not allowed:
        message = _("AI suggestions are not included in your %(plan)s plan.") % {
            "plan": plan.limits.display_name
        }
    else:
        message = ngettext(
            "You have used the %(count)d AI credit of your %(plan)s plan %(period)s.",
            "You have used all %(count)d AI credits of your %(plan)s plan %(period)s.",
            allowed,
        ) % {"count": allowed, "plan": plan.limits.display_name, "period": _period_words(plan)}
    return _refuse("ai_generate", message, allowed, used=usage.ai_credits_used)


ACTIONS = {
    "start_audit": _may_start_audit,
    "add_website": _may_add_website,
    "schedule_audits": _may_schedule_audits,
    "render_javascript": _may_render_javascript,
    "pages_per_audit": _may_pages_per_audit,
    "ai_generate": _may_ai_generate,
}


def may(user, action: str, *, plan: UserPlan | None = None, **kw) -> Decision:
    """Whether ``user`` may do ``action`` now; a refusal carries the translated reason and the
    upgrade URL. ``pages_per_audit`` takes ``n``, ``schedule_audits`` an optional
    ``frequency``, ``ai_generate`` an optional number of ``credits``."""
    try:
        check = ACTIONS[action]
    except KeyError:
        raise ValueError(f"unknown billing action {action!r}") from None
    return check(user, plan or user_plan(user), **kw)


# --- Plans for the pricing and subscription pages -----------------------------------------


@dataclass(frozen=True)
class PlanPrice:
    interval: str  # "month" or "year"
    amount: Decimal
    currency: str
    stripe_price_id: str = ""


@dataclass(frozen=True)
class PlanForDisplay:
    limits: PlanLimits
    prices: tuple[PlanPrice, ...]

    @property
    def name(self) -> str:
        return self.limits.display_name

    @property
    def recommended(self) -> bool:
        return self.limits.recommended

    def price(self, interval: str) -> PlanPrice | None:
        return next((price for price in self.prices if price.interval == interval), None)


def _stripe_prices(limits: PlanLimits) -> tuple[PlanPrice, ...]:
    prices = Price.objects.filter(product_id=limits.stripe_product_id, active=True)
    found = {}
    for price in prices.order_by("-created"):
        interval = (price.recurring or {}).get("interval")
        if interval in ("month", "year") and interval not in found and price.unit_amount:
            found[interval] = PlanPrice(
                interval=interval,
                amount=Decimal(price.unit_amount) / 100,
                currency=price.currency,
                stripe_price_id=price.id,
            )
    return tuple(found[interval] for interval in ("month", "year") if interval in found)


def _local_prices(limits: PlanLimits) -> tuple[PlanPrice, ...]:
    pairs = (("month", limits.price_monthly), ("year", limits.price_yearly))
    return tuple(
        PlanPrice(interval=interval, amount=amount, currency=limits.currency)
        for interval, amount in pairs
        if amount is not None
    )


def plans_for_display() -> list[PlanForDisplay]:
    """The plans to show, in order: Stripe's prices when payments are configured and the
    plan's product is synced, the local display prices otherwise."""
    plans = []
    for limits in PlanLimits.objects.filter(active=True):
        prices = ()
        if payments_configured() and limits.stripe_product_id:
            prices = _stripe_prices(limits)
        plans.append(PlanForDisplay(limits=limits, prices=prices or _local_prices(limits)))
    return plans


def plan_price(*, plan_slug: str, interval: str) -> PlanPrice | None:
    """The Stripe price a customer subscribes to for ``plan_slug`` billed per ``interval``."""
    limits = PlanLimits.objects.filter(slug=plan_slug, active=True, is_free=False).first()
    if limits is None or not limits.stripe_product_id:
        return None
    return next((p for p in _stripe_prices(limits) if p.interval == interval), None)


@dataclass(frozen=True)
class InvoiceRow:
    created: datetime | None
    number: str
    amount: Decimal
    currency: str
    status: str
    hosted_url: str
    pdf_url: str


def invoices_for_user(user, *, limit: int = 24) -> list[InvoiceRow]:
    """The user's latest invoices with Stripe's hosted page and PDF links."""
    invoices = Invoice.objects.filter(customer__subscriber=user).order_by("-created")[:limit]
    return [
        InvoiceRow(
            created=invoice.created,
            number=invoice.stripe_data.get("number") or "",
            amount=Decimal(invoice.stripe_data.get("total") or 0) / 100,
            currency=(invoice.stripe_data.get("currency") or "").upper(),
            status=invoice.stripe_data.get("status") or "",
            hosted_url=invoice.stripe_data.get("hosted_invoice_url") or "",
            pdf_url=invoice.stripe_data.get("invoice_pdf") or "",
        )
        for invoice in invoices
    ]
