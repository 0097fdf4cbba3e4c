"""Plans in tests: what a customer has left this period, and a paid plan without Stripe.

Customers start on the free tier (5 audits a calendar month, 1 website, 100 pages, no
schedules, no rendering). A test that needs more gives its customer a plan the way staff do
(a complimentary plan), so the quota code runs for real in every test.
"""

from billing.models import PlanLimits
from billing.selectors import usage_this_period
from billing.services import billing_bootstrap, complimentary_plan_grant


def audits_left(user) -> int | None:
    return usage_this_period(user).audits_left


def plan_give(user, slug: str = "standard", **limits):
    """Put ``user`` on the catalogue plan ``slug`` (its local row, made if missing), with
    ``limits`` changed on it the way staff can edit a plan."""
    if not PlanLimits.objects.filter(slug=slug).exists():
        billing_bootstrap()  # without Stripe keys: the local rows only
    if limits:
        PlanLimits.objects.filter(slug=slug).update(**limits)
    plan = PlanLimits.objects.get(slug=slug)
    return complimentary_plan_grant(user=user, plan=plan, granted_by=None, reason="tests")
