from billing.models import PlanLimits
from billing.selectors import plans_for_display
from billing.services import billing_bootstrap


def test_billing_bootstrap_without_keys_creates_limits_and_local_prices(plans):
    assert [p.slug for p in PlanLimits.objects.all()] == ["free", "standard", "premium"]
    shown = plans_for_display()
    standard = next(p for p in shown if p.limits.slug == "standard")
    assert standard.recommended
    assert str(standard.price("month").amount) == "19.00"
    assert standard.price("year").currency == "eur"
    assert standard.price("month").stripe_price_id == ""


def test_billing_bootstrap_is_idempotent_and_keeps_staff_edits(plans):
    PlanLimits.objects.filter(slug="standard").update(audits_per_period=60)
    result = billing_bootstrap()
    assert result.plans_created == []
    assert PlanLimits.objects.count() == 3
    assert PlanLimits.objects.get(slug="standard").audits_per_period == 60


def test_billing_bootstrap_with_keys_creates_products_and_prices_once(stripe_plans, fake_stripe):
    products = [o for o in fake_stripe.objects.values() if o["object"] == "product"]
    prices = [o for o in fake_stripe.objects.values() if o["object"] == "price"]
    assert sorted(p["id"] for p in products) == [
        "vivaseo_free",
        "vivaseo_premium",
        "vivaseo_standard",
    ]
    assert sorted(p["lookup_key"] for p in prices) == [
        "vivaseo_premium_month",
        "vivaseo_premium_year",
        "vivaseo_standard_month",
        "vivaseo_standard_year",
    ]
    assert stripe_plans["standard"].stripe_product_id == "vivaseo_standard"

    again = billing_bootstrap()
    assert again.products_created == [] and again.prices_created == []
    assert len([o for o in fake_stripe.objects.values() if o["object"] == "price"]) == 4

    standard = next(p for p in plans_for_display() if p.limits.slug == "standard")
    monthly = standard.price("month")
    assert monthly.stripe_price_id.startswith("price_")
    assert (str(monthly.amount), monthly.currency) == ("19", "eur")
