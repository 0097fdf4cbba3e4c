"""The plans VivaSEO sells, as billing_bootstrap creates them (the one place they are typed).

After bootstrap, the rows in `PlanLimits` (editable by staff) and the prices in Stripe are the
truth; this table only seeds them, and gives the free tier's limits before bootstrap ran.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class PlanSeed:
    slug: str
    name: str
    ordering: int
    limits: dict = field(default_factory=dict)
    price_monthly: Decimal = Decimal("0")
    price_yearly: Decimal = Decimal("0")
    currency: str = "eur"
    is_free: bool = False
    recommended: bool = False


FREE = PlanSeed(
    slug="free",
    name=gettext_noop("Free"),
    ordering=0,
    is_free=True,
    limits={
        "websites": 1,
        "audits_per_period": 5,
        "pages_per_audit": 100,
        "javascript_rendering": False,
        "scheduled_audits": False,
        "fastest_schedule": "",
        "ai_credits_per_period": 0,
        "pdf_branding": False,
    },
)

CATALOGUE = (
    FREE,
    PlanSeed(
        slug="standard",
        name=gettext_noop("Standard"),
        ordering=10,
        recommended=True,
        price_monthly=Decimal("19.00"),
        price_yearly=Decimal("190.00"),
        limits={
            "websites": 5,
            "audits_per_period": 50,
            "pages_per_audit": 1000,
            "javascript_rendering": True,
            "scheduled_audits": True,
            "fastest_schedule": "weekly",
            "ai_credits_per_period": 50,
            "pdf_branding": False,
        },
    ),
    PlanSeed(
        slug="premium",
        name=gettext_noop("Premium"),
        ordering=20,
        price_monthly=Decimal("49.00"),
        price_yearly=Decimal("490.00"),
        limits={
            "websites": 25,
            "audits_per_period": 300,
            "pages_per_audit": 10000,
            "javascript_rendering": True,
            "scheduled_audits": True,
            "fastest_schedule": "daily",
            "ai_credits_per_period": 300,
            "pdf_branding": True,
        },
    ),
)

# A 14-day trial on the first paid plan, once per customer.
TRIAL_DAYS = 14
