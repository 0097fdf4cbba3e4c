import pytest
import stripe

from .fake_stripe import FakeStripe

WEBHOOK_SECRET = "whsec_test_vivaseo"


@pytest.fixture
def fake_stripe(settings):
    """The fake Stripe API, with this installation's keys pointing at it."""
    fake = FakeStripe().serve()
    previous_base = stripe.api_base
    stripe.api_base = fake.url
    settings.STRIPE_SECRET_KEY = "sk_test_" + "vivaseo0fake0secret0key00"
    settings.STRIPE_PUBLIC_KEY = "pk_test_" + "vivaseo0fake0public0key00"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    yield fake
    stripe.api_base = previous_base
    fake.stop()


@pytest.fixture
def no_stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLIC_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


@pytest.fixture
def eager_tasks():
    """Celery tasks queued with .delay() run at once in this process."""
    from vivaseo_site.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def customer(make_user):
    return make_user(email="payer@example.com", first_name="Pat")


@pytest.fixture
def plans(db, no_stripe_keys):
    """The catalogue's plans without Stripe (local display prices)."""
    from billing.services import billing_bootstrap

    billing_bootstrap()
    from billing.models import PlanLimits

    return {limits.slug: limits for limits in PlanLimits.objects.all()}


@pytest.fixture
def stripe_plans(db, fake_stripe):
    """The catalogue's plans created in (fake) Stripe and synced, as billing_bootstrap does."""
    from billing.models import PlanLimits
    from billing.services import billing_bootstrap

    billing_bootstrap()
    return {limits.slug: limits for limits in PlanLimits.objects.all()}
