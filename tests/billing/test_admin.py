"""Billing in the Wagtail admin: plans, grants with their trail, Stripe mirrors read-only."""

import re

import pytest
from django.urls import reverse
from djstripe.models import Customer

from billing.models import ComplimentaryPlan, UsageGrant
from billing.selectors import usage_this_period, user_plan
from billing.services import complimentary_plan_grant, stripe_customer_ensure, subscription_sync
from tests.dashboard.factories import ScanFactory, WebsiteFactory


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
        "billing_complimentary:index",
        "billing_complimentary:add",
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


# --- Complimentary plans --------------------------------------------------------------------


def test_staff_give_a_complimentary_plan_with_a_reason(plans, customer, staff_client):
    response = staff_client.post(
        reverse("billing_complimentary:add"),
        {"user": customer.pk, "plan": plans["premium"].pk, "reason": "Partner agency"},
    )
    assert response.status_code == 302
    complimentary = ComplimentaryPlan.objects.get()
    assert (complimentary.user, complimentary.granted_by, complimentary.reason) == (
        customer,
        staff_client.staff,
        "Partner agency",
    )
    plan = user_plan(customer)
    assert (plan.limits.slug, plan.status) == ("premium", "complimentary")

    listing = staff_client.get(reverse("billing_complimentary:index")).content.decode()
    assert "Partner agency" in listing
    assert reverse("billing_complimentary:end", args=[complimentary.pk]) in listing


def test_a_complimentary_plan_needs_a_reason(plans, customer, staff_client):
    for reason in ("", "   "):
        response = staff_client.post(
            reverse("billing_complimentary:add"),
            {"user": customer.pk, "plan": plans["standard"].pk, "reason": reason},
        )
        assert response.status_code == 200  # the form again, with the error
    assert not ComplimentaryPlan.objects.exists()


def test_the_free_plan_cannot_be_given(plans, customer, staff_client):
    response = staff_client.post(
        reverse("billing_complimentary:add"),
        {"user": customer.pk, "plan": plans["free"].pk, "reason": "Oops"},
    )
    assert response.status_code == 200
    assert not ComplimentaryPlan.objects.exists()


def test_end_now_ends_the_plan_and_keeps_the_row(plans, customer, staff_client):
    complimentary = complimentary_plan_grant(
        user=customer, plan=plans["standard"], granted_by=None, reason="Support gesture"
    )
    url = reverse("billing_complimentary:end", args=[complimentary.pk])
    page = staff_client.get(url).content.decode()
    assert "End the Standard plan of payer@example.com now?" in page
    assert user_plan(customer).limits.slug == "standard"  # asking ends nothing

    response = staff_client.post(url)

    assert response.status_code == 302
    complimentary.refresh_from_db()
    assert complimentary.ends_at is not None
    assert user_plan(customer).is_free
    listing = staff_client.get(reverse("billing_complimentary:index")).content.decode()
    assert url not in listing and "Ended" in listing


def test_complimentary_rows_are_not_edited_or_deleted(plans, customer, staff_client):
    complimentary = complimentary_plan_grant(
        user=customer, plan=plans["standard"], granted_by=None, reason="Support gesture"
    )
    edit = staff_client.post(
        reverse("billing_complimentary:edit", args=[complimentary.pk]),
        {"user": customer.pk, "plan": plans["premium"].pk, "reason": "changed"},
    )
    delete = staff_client.post(reverse("billing_complimentary:delete", args=[complimentary.pk]))
    assert edit.status_code in (302, 403) and delete.status_code in (302, 403)
    complimentary.refresh_from_db()
    assert (complimentary.plan, complimentary.reason) == (plans["standard"], "Support gesture")


def test_customers_need_staff(plans, customer, client):
    client.force_login(customer)
    response = client.get(reverse("billing_complimentary:index"))
    assert response.status_code in (302, 403)


# --- Customers: plan, status and usage ------------------------------------------------------


def test_customer_list_shows_plan_status_and_audits_this_period(
    stripe_plans, customer, make_user, subscribe, staff_client
):
    subscribe(customer, status="active")
    subscription_sync(customer=Customer.objects.get(subscriber=customer))
    ScanFactory(website=WebsiteFactory(user=customer))
    other = make_user(email="other@example.com")
    stripe_customer_ensure(user=other)

    listing = staff_client.get(reverse("billing_customers:index")).content.decode()
    rows = {
        email: " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", listing, re.S)
        for email in ("payer@example.com", "other@example.com")
        if email in row
    }
    assert "Standard active 1 of 50" in rows["payer@example.com"]
    assert "Free free 0 of 5" in rows["other@example.com"]


def test_a_grant_of_nothing_is_refused_on_the_form(plans, customer, staff_client):
    response = staff_client.post(
        reverse("billing_grants:add"),
        {"user": customer.pk, "audits": 0, "ai_credits": 0, "reason": "Nothing"},
    )
    assert response.status_code == 200
    assert "Grant at least one audit or AI credit." in response.content.decode()
    assert not UsageGrant.objects.exists()
