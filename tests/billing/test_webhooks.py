"""Stripe events posted to dj-stripe's real endpoint, signed as Stripe signs them."""

import time

import pytest
from django.core import mail
from django.urls import reverse
from djstripe.models import Customer, Event, Subscription, WebhookEventTrigger

from billing.selectors import user_plan
from vivaseo_site.notifications.models import Notification


def _notices(user):
    return list(
        Notification.objects.filter(user=user, kind=Notification.Kind.SUBSCRIPTION)
        .order_by("pk")
        .values_list("metadata__notice", flat=True)
    )


def test_checkout_completed_grants_the_plan_and_welcomes_once(
    fake_stripe, customer, paid_checkout, deliver
):
    session, subscription = paid_checkout
    assert user_plan(customer).is_free
    event = fake_stripe.event("checkout.session.completed", session)

    response = deliver(event)

    assert response.status_code == 200
    plan = user_plan(customer)
    assert (plan.limits.slug, plan.status) == ("standard", "active")
    assert plan.subscription.id == subscription["id"]
    assert _notices(customer) == ["welcome"]
    (email,) = mail.outbox
    assert email.to == ["payer@example.com"]
    assert "Welcome to your Standard plan" in email.subject

    # Stripe delivers the same event again: 200, nothing new.
    again = deliver(event)
    assert again.status_code == 200
    assert Event.objects.filter(id=event["id"]).count() == 1
    assert _notices(customer) == ["welcome"]
    assert len(mail.outbox) == 1

    # subscription.created for the same subscription says nothing new either.
    deliver(fake_stripe.event("customer.subscription.created", subscription))
    assert _notices(customer) == ["welcome"]


def test_trial_checkout_starts_the_trial(fake_stripe, stripe_plans, customer, subscribe, deliver):
    session, _ = subscribe(customer, "premium", "year")
    deliver(fake_stripe.event("checkout.session.completed", session))
    plan = user_plan(customer)
    assert (plan.limits.slug, plan.status) == ("premium", "trialing")
    assert plan.trial_end is not None
    customer.refresh_from_db()
    assert customer.trial_used
    assert _notices(customer) == ["trial_started"]


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param({"secret": "whsec_wrong"}, id="bad-signature"),
        pytest.param({"timestamp": int(time.time()) - 3600}, id="stale-timestamp"),
    ],
)
def test_unverified_event_gets_400_and_changes_nothing(
    fake_stripe, customer, paid_checkout, deliver, signature
):
    session, _ = paid_checkout
    event = fake_stripe.event("checkout.session.completed", session)

    response = deliver(event, **signature)

    assert response.status_code == 400
    assert not Event.objects.filter(id=event["id"]).exists()
    assert not Subscription.objects.exists()
    assert user_plan(customer).is_free
    assert _notices(customer) == []
    trigger = WebhookEventTrigger.objects.get()
    assert not trigger.valid and not trigger.processed


def test_missing_signature_gets_400(client, endpoint, fake_stripe):
    url = reverse("djstripe:djstripe_webhook_by_uuid", kwargs={"uuid": endpoint.djstripe_uuid})
    response = client.post(url, data="{}", content_type="application/json")
    assert response.status_code == 400


def test_deleted_before_updated_ends_cancelled(fake_stripe, customer, paid_checkout, deliver):
    session, subscription = paid_checkout
    deliver(fake_stripe.event("checkout.session.completed", session))
    assert user_plan(customer).limits.slug == "standard"
    # The customer first set the plan to end at the period end (an update), then it ended;
    # Stripe delivers the deletion first and the older update afterwards.
    updated = fake_stripe.event(
        "customer.subscription.updated",
        fake_stripe.subscription_change(subscription["id"], cancel_at_period_end=True),
    )
    deleted = fake_stripe.event(
        "customer.subscription.deleted",
        fake_stripe.subscription_change(subscription["id"], status="canceled"),
    )

    assert deliver(deleted).status_code == 200
    assert deliver(updated).status_code == 200

    plan = user_plan(customer)
    assert plan.is_free and plan.limits.slug == "free"
    assert Subscription.objects.get(id=subscription["id"]).status == "canceled"
    assert _notices(customer) == ["welcome", "cancelled"]


def test_cancel_at_period_end_keeps_the_plan_until_then(
    fake_stripe, customer, paid_checkout, deliver
):
    session, subscription = paid_checkout
    deliver(fake_stripe.event("checkout.session.completed", session))
    changed = fake_stripe.subscription_change(subscription["id"], cancel_at_period_end=True)
    deliver(fake_stripe.event("customer.subscription.updated", changed))
    plan = user_plan(customer)
    assert plan.limits.slug == "standard" and plan.cancel_at_period_end
    assert _notices(customer) == ["welcome"]


def test_payment_failed_then_renewed(fake_stripe, customer, paid_checkout, deliver):
    session, subscription = paid_checkout
    deliver(fake_stripe.event("checkout.session.completed", session))

    failed = fake_stripe.invoice_create(
        subscription["id"], status="open", billing_reason="subscription_cycle"
    )
    fake_stripe.subscription_change(subscription["id"], status="past_due")
    deliver(fake_stripe.event("invoice.payment_failed", failed))
    plan = user_plan(customer)
    assert (plan.limits.slug, plan.status) == ("standard", "past_due")
    assert _notices(customer) == ["welcome", "payment_failed"]
    notice = Notification.objects.get(metadata__notice="payment_failed")
    assert notice.priority == Notification.Priority.HIGH
    assert notice.action_url == "/en/app/account/subscription/"

    # The customer fixed the card: the invoice is paid and the plan active again.
    failed["status"] = "paid"
    fake_stripe.subscription_change(subscription["id"], status="active")
    deliver(fake_stripe.event("invoice.paid", failed))
    assert user_plan(customer).status == "active"
    assert _notices(customer) == ["welcome", "payment_failed", "renewed"]


def test_payment_failed_event_for_an_invoice_paid_since_notifies_nothing(
    fake_stripe, customer, paid_checkout, deliver
):
    session, subscription = paid_checkout
    deliver(fake_stripe.event("checkout.session.completed", session))
    invoice = fake_stripe.invoice_create(
        subscription["id"], status="open", billing_reason="subscription_cycle"
    )
    event = fake_stripe.event("invoice.payment_failed", invoice)
    invoice["status"] = "paid"  # paid on the retry before the failure was handled
    deliver(event)
    assert _notices(customer) == ["welcome"]


def test_trial_will_end_notifies_once(fake_stripe, stripe_plans, customer, subscribe, deliver):
    _, subscription = subscribe(customer)
    deliver(fake_stripe.event("customer.subscription.trial_will_end", subscription))
    deliver(fake_stripe.event("customer.subscription.trial_will_end", subscription))
    assert _notices(customer) == ["trial_ending"]
    assert Customer.objects.get(subscriber=customer).subscriptions.count() == 1
