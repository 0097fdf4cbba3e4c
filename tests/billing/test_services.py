"""Billing services against the fake Stripe: customers, Checkout, Portal, no keys."""

import pytest
from djstripe.models import Customer

from billing.selectors import trial_available
from billing.services import (
    PaymentsNotConfigured,
    checkout_session_create,
    portal_session_create,
    stripe_customer_ensure,
    subscription_sync,
)


def _checkout(user, plan="standard", interval="month"):
    return checkout_session_create(
        user=user,
        plan_slug=plan,
        interval=interval,
        success_url="http://testserver/done",
        cancel_url="http://testserver/back",
    )


def test_stripe_customer_is_created_once_and_reused(stripe_plans, fake_stripe, customer):
    first = stripe_customer_ensure(user=customer)
    second = stripe_customer_ensure(user=customer)
    assert first.pk == second.pk and first.subscriber == customer
    created = fake_stripe.requests_to("POST", "/v1/customers")
    assert len(created) == 1
    assert created[0].params["email"] == "payer@example.com"
    assert created[0].params["metadata"]["djstripe_subscriber"] == str(customer.pk)


def test_checkout_session_for_the_plan_price_with_a_trial_once(stripe_plans, fake_stripe, customer):
    url = _checkout(customer, interval="year")
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
    _checkout(customer)
    (request,) = fake_stripe.requests_to("POST", "/v1/checkout/sessions")
    assert "trial_period_days" not in request.params["subscription_data"]


def test_checkout_refuses_an_unknown_plan(stripe_plans, fake_stripe, customer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _checkout(customer, plan="free")
    assert fake_stripe.requests_to("POST", "/v1/checkout/sessions") == []


def test_portal_session(stripe_plans, fake_stripe, customer):
    url = portal_session_create(user=customer, return_url="http://testserver/back")
    (request,) = fake_stripe.requests_to("POST", "/v1/billing_portal/sessions")
    assert request.params["return_url"] == "http://testserver/back"
    assert url == f"{fake_stripe.url}/portal/{request.params['customer']}"


def test_without_keys_every_service_says_payments_are_not_configured(plans, customer):
    calls = [
        lambda: stripe_customer_ensure(user=customer),
        lambda: _checkout(customer),
        lambda: portal_session_create(user=customer, return_url="/"),
    ]
    for call in calls:
        with pytest.raises(PaymentsNotConfigured) as raised:
            call()
        assert "Payments are not configured on this installation" in str(raised.value)
