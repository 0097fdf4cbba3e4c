"""Billing services against the fake Stripe: customers, Checkout, Portal, no keys."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from djstripe.models import Customer

from billing.selectors import trial_available
from billing.services import (
    PaymentsNotConfigured,
    portal_session_create,
    stripe_customer_ensure,
    subscription_sync,
)
from tests.conftest import thread_frames, wait_for

from .helpers import checkout


def test_stripe_customer_is_created_once_and_reused(stripe_plans, fake_stripe, customer):
    first = stripe_customer_ensure(user=customer)
    second = stripe_customer_ensure(user=customer)
    assert first.pk == second.pk and first.subscriber == customer
    created = fake_stripe.requests_to("POST", "/v1/customers")
    assert len(created) == 1
    assert created[0].params["email"] == "payer@example.com"
    assert created[0].params["metadata"]["djstripe_subscriber"] == str(customer.pk)


def test_checkout_session_for_the_plan_price_with_a_trial_once(stripe_plans, fake_stripe, customer):
    url = checkout(customer, interval="year")
    assert url.startswith(fake_stripe.url)
    (request,) = fake_stripe.requests_to("POST", "/v1/checkout/sessions")
    params = request.params
    price = fake_stripe.objects[params["line_items"][0]["price"]]
    assert price["lookup_key"] == "vivaseo_standard_year"
    assert params["mode"] == "subscription"
    assert params["customer"] == Customer.objects.get(subscriber=customer).id
    assert params["subscription_data"]["trial_period_days"] == "14"
    assert params["client_reference_id"] == str(customer.pk)

    # The trial is spent once a subscription with a trial exists.
    session_id = next(
        o["id"] for o in fake_stripe.objects.values() if o["object"] == "checkout.session"
    )
    fake_stripe.checkout_complete(session_id)
    subscription_sync(customer=Customer.objects.get(subscriber=customer))
    customer.refresh_from_db()
    assert customer.trial_used and not trial_available(customer)


def test_checkout_without_trial_when_it_was_used(stripe_plans, fake_stripe, customer):
    customer.trial_used = True
    customer.save()
    checkout(customer)
    (request,) = fake_stripe.requests_to("POST", "/v1/checkout/sessions")
    assert "trial_period_days" not in request.params["subscription_data"]


def test_checkout_refuses_an_unknown_plan(stripe_plans, fake_stripe, customer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        checkout(customer, plan="free")
    assert fake_stripe.requests_to("POST", "/v1/checkout/sessions") == []


def test_portal_session(stripe_plans, fake_stripe, customer):
    url = portal_session_create(user=customer, return_url="http://testserver/back")
    (request,) = fake_stripe.requests_to("POST", "/v1/billing_portal/sessions")
    assert request.params["return_url"] == "http://testserver/back"
    assert url == f"{fake_stripe.url}/portal/{request.params['customer']}"


def test_without_keys_every_service_says_payments_are_not_configured(plans, customer):
    calls = [
        lambda: stripe_customer_ensure(user=customer),
        lambda: checkout(customer),
        lambda: portal_session_create(user=customer, return_url="/"),
    ]
    for call in calls:
        with pytest.raises(PaymentsNotConfigured) as raised:
            call()
        assert "Payments are not configured on this installation" in str(raised.value)


# --- One open Checkout session per customer ------------------------------------------------


def _sessions(fake_stripe) -> list[dict]:
    return [o for o in fake_stripe.objects.values() if o["object"] == "checkout.session"]


def test_a_second_checkout_for_the_same_price_reuses_the_open_session(
    stripe_plans, fake_stripe, customer
):
    first = checkout(customer, "premium", "month")
    second = checkout(customer, "premium", "month")
    assert second == first
    assert len(fake_stripe.requests_to("POST", "/v1/checkout/sessions")) == 1


def test_another_price_expires_the_open_session_and_keeps_the_one_trial(
    stripe_plans, fake_stripe, customer
):
    checkout(customer, "standard", "month")
    checkout(customer, "premium", "year")
    first, second = _sessions(fake_stripe)
    assert first["status"] == "expired"  # it can no longer be paid
    assert second["status"] == "open"
    assert second["subscription_data"]["trial_period_days"] == "14"
    with pytest.raises(ValueError):
        fake_stripe.checkout_complete(first["id"])


def test_a_session_paid_before_its_webhook_refuses_a_second_checkout(
    stripe_plans, fake_stripe, customer
):
    from django.core.exceptions import ValidationError

    url = checkout(customer, "standard", "month")
    fake_stripe.checkout_complete(url.rsplit("/", 1)[-1], status="active")  # no webhook yet

    with pytest.raises(ValidationError, match="You already have a plan"):
        checkout(customer, "premium", "month")
    assert len(fake_stripe.requests_to("POST", "/v1/checkout/sessions")) == 1
    assert Customer.objects.get(subscriber=customer).subscriptions.count() == 1


def test_an_expired_session_is_not_handed_out_again(stripe_plans, fake_stripe, customer):
    from billing.models import CheckoutSession

    first = checkout(customer)
    CheckoutSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    fake_stripe.objects[first.rsplit("/", 1)[-1]]["status"] = "expired"

    second = checkout(customer)

    assert second != first
    assert fake_stripe.objects[second.rsplit("/", 1)[-1]]["subscription_data"] == {
        "metadata": {"djstripe_subscriber": str(customer.pk), "plan": "standard"},
        "trial_period_days": "14",
    }


def test_a_session_about_to_expire_is_replaced(stripe_plans, fake_stripe, customer):
    from billing.models import CheckoutSession

    first = checkout(customer)
    CheckoutSession.objects.update(expires_at=timezone.now() + timedelta(minutes=5))

    second = checkout(customer)

    assert second != first
    assert fake_stripe.objects[first.rsplit("/", 1)[-1]]["status"] == "expired"


def _waiting_for_the_user_row(thread: threading.Thread) -> bool:
    """The thread is in checkout_session_create, waiting for the user row (PostgreSQL: at
    SELECT ... FOR UPDATE; SQLite: at BEGIN IMMEDIATE, entering the transaction)."""
    frames = thread_frames(thread)
    in_checkout = any(name == "checkout_session_create" for name, _ in frames)
    locking = any(name == "user_locked" for name, _ in frames) or any(
        name == "__enter__" and path.endswith("db/transaction.py") for name, path in frames
    )
    return in_checkout and locking


@pytest.mark.django_db(transaction=True)
def test_two_checkouts_at_once_open_one_session_with_one_trial(stripe_plans, fake_stripe, customer):
    """Two tabs press "Premium per month" together. The first is inside its call to Stripe
    when the second arrives; the second waits for the first, then gets the same session:
    one trial can be started, not two."""
    gate = fake_stripe.hold("POST", "/v1/checkout/sessions")
    urls: list[str] = []
    errors: list[BaseException] = []

    def open_checkout() -> None:
        try:
            urls.append(checkout(customer, "premium", "month"))
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=open_checkout)
    first.start()
    wait_for(lambda: errors or fake_stripe.arrivals("POST", "/v1/checkout/sessions") == 1)
    second = threading.Thread(target=open_checkout)
    second.start()
    # Without the lock the second would reach Stripe too (a second arrival).
    wait_for(
        lambda: (
            errors
            or fake_stripe.arrivals("POST", "/v1/checkout/sessions") == 2
            or _waiting_for_the_user_row(second)
        ),
        interval=0.02,
    )
    gate.set()
    first.join(60)
    second.join(60)

    assert not errors, errors
    assert len(urls) == 2 and urls[0] == urls[1]
    (created,) = fake_stripe.requests_to("POST", "/v1/checkout/sessions")
    assert created.params["subscription_data"]["trial_period_days"] == "14"
    assert len(_sessions(fake_stripe)) == 1
