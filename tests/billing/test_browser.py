"""Upgrading and cancelling in a real browser, with the fake Stripe's hosted pages and its
signed webhooks to the live server."""

import re

import pytest
from django.urls import reverse

from billing.selectors import may, user_plan
from billing.services import webhook_endpoint_ensure
from tests.conftest import screenshot
from tests.dashboard.factories import ScanFactory, WebsiteFactory

from .conftest import WEBHOOK_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", user.raw_password)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/en/app/"))


def test_free_user_upgrades_then_cancels_and_falls_back_at_period_end(
    live_server, site_tree, page, stripe_plans, fake_stripe, customer, eager_tasks, settings
):
    customer.trial_used = True
    customer.save()
    settings.SITE_URL = live_server.url
    endpoint = webhook_endpoint_ensure()
    fake_stripe.webhook_url = live_server.url + reverse(
        "djstripe:djstripe_webhook_by_uuid", kwargs={"uuid": endpoint.djstripe_uuid}
    )
    fake_stripe.webhook_secret = WEBHOOK_SECRET
    website = WebsiteFactory(user=customer)
    for _ in range(5):
        ScanFactory(website=website)
    assert not may(customer, "start_audit").allowed

    _sign_in(page, live_server, customer)
    page.goto(f"{live_server.url}/en/app/account/subscription/")
    assert "Your plan: Free" in page.inner_text("main")
    assert "5 of 5" in page.inner_text("[data-usage=audits]")
    screenshot(page, "billing-free")

    page.click("[data-plan-card=standard] button:has-text('per month')")
    page.wait_for_url(re.compile(r"/pay/cs_"))
    page.click("text=Pay")
    page.wait_for_url(re.compile(r"/en/app/account/subscription/\?checkout=done"))
    assert "Your plan: Standard" in page.inner_text("main")
    # The paid period starts with the subscription: the free month's audits stay behind.
    assert "0 of 50" in page.inner_text("[data-usage=audits]")
    assert may(customer, "start_audit").allowed
    screenshot(page, "billing-standard")

    page.click("text=Change plan, cancel or update payment method")
    page.wait_for_url(re.compile(r"/portal/cus_"))
    page.click("text=Cancel plan")
    page.wait_for_url(re.compile(r"/en/app/account/subscription/$"))
    assert "Cancelled: you return to the free plan on" in page.inner_text("main")
    assert user_plan(customer).limits.slug == "standard"

    # The period ends: Stripe cancels the subscription and says so.
    subscription = next(o for o in fake_stripe.objects.values() if o["object"] == "subscription")
    fake_stripe.subscription_change(subscription["id"], status="canceled")
    assert (
        fake_stripe.webhook_send(fake_stripe.event("customer.subscription.deleted", subscription))
        == 200
    )
    page.reload()
    assert "Your plan: Free" in page.inner_text("main")
    assert not may(customer, "start_audit").allowed
    screenshot(page, "billing-back-to-free")
