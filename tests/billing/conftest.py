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


@pytest.fixture
def subscribe(fake_stripe):
    """The customer goes through Checkout and pays (Stripe's side only: no webhook yet);
    returns the session and the subscription. A trial applies unless ``user.trial_used``."""

    def _subscribe(user, plan="standard", interval="month", *, status=None):
        from .helpers import checkout

        url = checkout(user, plan, interval)
        session = fake_stripe.objects[url.rsplit("/", 1)[-1]]
        return session, fake_stripe.checkout_complete(session["id"], status=status)

    return _subscribe


@pytest.fixture
def endpoint(stripe_plans):
    """dj-stripe's webhook endpoint holding the test secret."""
    from billing.services import webhook_endpoint_ensure

    return webhook_endpoint_ensure()


@pytest.fixture
def deliver(client, endpoint, django_capture_on_commit_callbacks, eager_tasks):
    """Post an event to the real endpoint as Stripe would (signed) and run what it queued
    on commit (eager Celery); returns the response."""
    from .helpers import webhook_post

    def _deliver(event, *, secret=WEBHOOK_SECRET, timestamp=None):
        with django_capture_on_commit_callbacks(execute=True):
            return webhook_post(client, endpoint, event, secret=secret, timestamp=timestamp)

    return _deliver


@pytest.fixture
def paid_checkout(stripe_plans, customer, subscribe):
    """The customer went through Checkout for Standard (monthly, no trial left) and paid;
    the webhook is not delivered yet."""
    customer.trial_used = True
    customer.save()
    return subscribe(customer)
