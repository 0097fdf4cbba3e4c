"""Billing in the Wagtail admin: plans, grants with their trail, Stripe mirrors read-only."""

import pytest
from django.urls import reverse
from djstripe.models import Customer

from billing.models import UsageGrant
from billing.selectors import usage_this_period
from billing.services import stripe_customer_ensure


@pytest.fixture
def staff_client(client, make_user):
    staff = make_user(email="staff@example.com", is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.staff = staff
    return client


def test_staff_grant_records_who_and_why(plans, customer, staff_client):
    response = staff_client.post(
        reverse("billing_grants:add"),
        {"user": customer.pk, "audits": 3, "ai_credits": 0, "reason": "Support ticket 42"},
    )
    assert response.status_code == 302
    grant = UsageGrant.objects.get()
    assert (grant.user, grant.granted_by, grant.reason) == (
        customer,
        staff_client.staff,
        "Support ticket 42",
    )
    assert usage_this_period(customer).audits_allowed == 8
    # A grant is a trail row: it cannot be edited or deleted.
    assert staff_client.get(reverse("billing_grants:edit", args=[grant.pk])).status_code in (
        302,
        403,
    )
    assert staff_client.post(reverse("billing_grants:delete", args=[grant.pk])).status_code in (
        302,
        403,
    )
    assert UsageGrant.objects.filter(pk=grant.pk, audits=3).exists()


def test_admin_lists_load(plans, staff_client):
    for name in (
        "billing_plans:index",
        "billing_grants:index",
        "billing_customers:index",
        "billing_subscriptions:index",
        "billing_invoices:index",
        "billing_webhook_calls:index",
    ):
        assert staff_client.get(reverse(name)).status_code == 200, name


def test_sync_customer_from_stripe(stripe_plans, fake_stripe, customer, staff_client):
    stripe_customer = stripe_customer_ensure(user=customer)
    listing = staff_client.get(reverse("billing_customers:index")).content.decode()
    sync_url = reverse("billing_customer_sync", args=[stripe_customer.pk])
    assert sync_url in listing
    assert staff_client.get(sync_url).status_code == 200
    before = len(fake_stripe.requests_to("GET", "/v1/subscriptions"))
    response = staff_client.post(sync_url)
    assert response.status_code == 302
    assert len(fake_stripe.requests_to("GET", "/v1/subscriptions")) == before + 1
    assert fake_stripe.requests_to("GET", "/v1/invoices")
    assert Customer.objects.filter(pk=stripe_customer.pk).exists()
