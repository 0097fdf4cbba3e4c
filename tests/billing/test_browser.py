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
    # The free audits are used up: starting another says so, and where to get more.
    page.goto(f"{live_server.url}/en/app/websites/{website.pk}/")
    page.click("main form button:has-text('Start audit')")
    page.wait_for_url(re.compile(rf"/en/app/websites/{website.pk}/$"))
    alert = page.locator(".alert-error")
    assert "You have used all 5 audits of your Free plan this month." in alert.inner_text()
    assert "0 of 5 audits left this month" in page.inner_text(".dash-nav")
    assert not page.locator("input[name=render_js]").is_enabled()  # not on the free plan
    screenshot(page, "billing-limit-reached")
    alert.locator("a[data-upgrade-link]").click()
    page.wait_for_url(re.compile(r"/en/app/account/subscription/$"))
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
    # The limits lift on the dashboard: audits left, bigger audits, rendering.
    page.goto(f"{live_server.url}/en/app/websites/{website.pk}/")
    assert "50 of 50 audits left this billing period" in page.inner_text(".dash-nav")
    assert page.locator("select[name=max_pages] option[value='1000']").count() == 1
    assert page.locator("input[name=render_js]").is_enabled()
    page.goto(f"{live_server.url}/en/app/account/subscription/")

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


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 860, "desktop"), (390, 844, "phone")])
def test_subscription_page_fits_desktop_and_phone(
    live_server, site_tree, browser, plans, customer, width, height, name
):
    """A complimentary plan, and the free plan's plan cards, at both widths: nothing wider
    than the screen, the sidebar box (desktop) links to the page."""
    from datetime import datetime

    from django.utils import timezone

    from billing.services import complimentary_plan_grant

    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        _sign_in(page, live_server, customer)
        page.goto(f"{live_server.url}/en/app/account/subscription/")
        assert "Your plan: Free" in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"billing-free-{name}")

        complimentary_plan_grant(
            user=customer,
            plan=plans["premium"],
            granted_by=None,
            reason="Partner agency",
            ends_at=timezone.make_aware(datetime(2027, 3, 31, 12)),
        )
        page.reload()
        main = page.inner_text("main")
        assert "Your plan: Premium" in main
        assert "Given to you by VivaSEO until 31 March 2027." in main
        assert page.locator("form[action$='/portal/']").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if name == "desktop":
            box = page.locator("[data-plan-usage]")
            words = box.inner_text().split()  # the label is in capitals (CSS)
            assert words == [
                "PREMIUM",
                "PLAN",
                "300",
                "of",
                "300",
                "audits",
                "left",
                "this",
                "month",
            ]
            assert box.locator("a").get_attribute("href") == "/en/app/account/subscription/"
        else:
            assert not page.locator("[data-plan-usage]").is_visible()  # the phone's top bar
        screenshot(page, f"billing-complimentary-{name}")
    finally:
        context.close()
