"""What each plan grants, and what staff granted on top.

Stripe's products and prices are the source of truth for what a plan costs; dj-stripe mirrors
them (djstripe.Product, Price, Customer, Subscription, Invoice). `PlanLimits` says what a plan
lets its customer do, keyed to the Stripe product, with one free tier for customers without a
subscription. The local prices on it are for display only, on installs without Stripe keys.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vivaseo_site.accounts.models import ScanConfiguration


class PlanLimits(models.Model):
    """The limits of one plan. A limit left empty means unlimited."""

    Frequency = ScanConfiguration.Frequency

    slug = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("display name"), max_length=80)
    is_free = models.BooleanField(
        _("free tier"),
        default=False,
        help_text=_("The plan of every customer without a subscription (only one)."),
    )
    stripe_product_id = models.CharField(
        _("Stripe product"),
        max_length=255,
        blank=True,
        help_text=_("The Stripe product (prod_...) whose subscribers get these limits."),
    )
    websites = models.PositiveIntegerField(_("websites"), null=True, blank=True)
    audits_per_period = models.PositiveIntegerField(
        _("audits per period"),
        null=True,
        blank=True,
        help_text=_("Per billing period; per calendar month on the free tier."),
    )
    pages_per_audit = models.PositiveIntegerField(_("pages per audit"), null=True, blank=True)
    javascript_rendering = models.BooleanField(_("JavaScript rendering"), default=False)
    scheduled_audits = models.BooleanField(_("scheduled audits"), default=False)
    # The most frequent schedule allowed; slower ones are allowed too.
    fastest_schedule = models.CharField(
        _("fastest schedule"),
        max_length=10,
        choices=Frequency.choices,
        blank=True,
        help_text=_("The most frequent schedule allowed (empty: no schedules)."),
    )
    ai_credits_per_period = models.PositiveIntegerField(
        _("AI credits per period"), null=True, blank=True
    )
    pdf_branding = models.BooleanField(_("PDF branding"), default=False)
    # Shown when no Stripe keys are set; with keys the Stripe prices are shown instead.
    price_monthly = models.DecimalField(
        _("monthly price"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    price_yearly = models.DecimalField(
        _("yearly price"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="eur")
    recommended = models.BooleanField(_("recommended"), default=False)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)
    active = models.BooleanField(_("shown"), default=True)

    class Meta:
        verbose_name = _("plan limits")
        verbose_name_plural = _("plan limits")
        ordering = ["ordering", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_free"], condition=Q(is_free=True), name="billing_one_free_tier"
            ),
            models.UniqueConstraint(
                fields=["stripe_product_id"],
                condition=~Q(stripe_product_id=""),
                name="billing_one_plan_per_product",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active language: the catalogue's names are translated (marked in
        billing.catalogue); a name staff typed is shown as typed."""
        return gettext(self.name)


class UsageGrant(models.Model):
    """Extra audits or AI credits staff gave a customer for the period it was granted in.

    Rows are never edited: each is an audit-trail entry saying who gave what, when and why.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="usage_grants",
        verbose_name=_("customer"),
    )
    audits = models.PositiveIntegerField(_("extra audits"), default=0)
    ai_credits = models.PositiveIntegerField(_("extra AI credits"), default=0)
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    created = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("usage grant")
        verbose_name_plural = _("usage grants")
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "created"])]

    def __str__(self):
        return f"{self.user} +{self.audits} audits +{self.ai_credits} AI credits"


class ComplimentaryPlan(models.Model):
    """A plan staff gave a customer without Stripe: a partner, a support gesture, or every
    customer of an installation that takes no payments. It counts like a subscription to that
    plan (usage per calendar month) until ``ends_at``; the better of it and a paid plan wins.

    Rows are an audit trail: who gave which plan, when and why. Ending one early sets
    ``ends_at``; nothing else is edited.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="complimentary_plans",
        verbose_name=_("customer"),
    )
    plan = models.ForeignKey(
        PlanLimits,
        on_delete=models.PROTECT,
        limit_choices_to={"is_free": False},
        related_name="+",
        verbose_name=_("plan"),
    )
    reason = models.TextField(_("reason"), max_length=2000)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    created = models.DateTimeField(_("granted at"), auto_now_add=True)
    ends_at = models.DateTimeField(
        _("ends"), null=True, blank=True, help_text=_("Empty: until staff end it.")
    )

    class Meta:
        verbose_name = _("complimentary plan")
        verbose_name_plural = _("complimentary plans")
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "ends_at"])]

    def __str__(self):
        return f"{self.user}: {self.plan}"


class CheckoutSession(models.Model):
    """A Stripe Checkout session opened for a customer, remembered until it expires.

    A customer has at most one open at a time: a second click, tab or device reuses it (same
    price) or expires it in Stripe first (another price), so two sessions can never both
    start a subscription, or both carry the one trial.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="checkout_sessions",
        verbose_name=_("customer"),
    )
    stripe_id = models.CharField(_("Stripe Checkout session"), max_length=255, unique=True)
    price_id = models.CharField(_("Stripe price"), max_length=255)
    trial = models.BooleanField(_("with trial"), default=False)
    url = models.URLField(_("address"), max_length=2000)
    expires_at = models.DateTimeField(_("expires"))
    created = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Checkout session")
        verbose_name_plural = _("Checkout sessions")
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self):
        return self.stripe_id
