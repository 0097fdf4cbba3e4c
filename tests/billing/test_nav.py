"""The dashboard's sidebar shows the plan and the audits left this period; the account tabs
lead to the subscription page."""

import re

from django.urls import reverse
from djstripe.models import Customer

from billing.services import complimentary_plan_grant, subscription_sync
from tests.dashboard.factories import ScanFactory, WebsiteFactory


def _plan_box(page: str) -> str:
    box = re.search(r"<p class=\"dash-plan\" data-plan-usage>(.*?)</p>", page, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", box).split())


def _sidebar(client, url=None) -> str:
    response = client.get(url or reverse("billing:subscription"))
    assert response.status_code == 200
    return response.content.decode()


def test_free_plan_shows_audits_left_this_month_and_links_to_the_subscription(
    plans, customer, client
):
    website = WebsiteFactory(user=customer)
    ScanFactory(website=website)
    ScanFactory(website=website)
    client.force_login(customer)

    page = _sidebar(client)

    assert _plan_box(page) == "Free plan 3 of 5 audits left this month"
    assert f'<a href="{reverse("billing:subscription")}" class="plain-link">' in page


def test_no_audits_left_says_zero(plans, customer, client):
    website = WebsiteFactory(user=customer)
    for _ in range(6):  # one more than allowed (a grant spent and taken back, say)
        ScanFactory(website=website)
    client.force_login(customer)
    assert _plan_box(_sidebar(client)) == "Free plan 0 of 5 audits left this month"


def test_paid_plan_counts_per_billing_period(stripe_plans, customer, subscribe, client):
    subscribe(customer, status="active")
    subscription_sync(customer=Customer.objects.get(subscriber=customer))
    client.force_login(customer)
    assert _plan_box(_sidebar(client)) == "Standard plan 50 of 50 audits left this billing period"


def test_complimentary_plan_counts_per_month(plans, customer, client):
    complimentary_plan_grant(
        user=customer, plan=plans["standard"], granted_by=None, reason="Partner"
    )
    client.force_login(customer)
    assert _plan_box(_sidebar(client)) == "Standard plan 50 of 50 audits left this month"


def test_a_plan_without_an_audit_limit_says_unlimited(plans, customer, client):
    plans["free"].audits_per_period = None
    plans["free"].save()
    client.force_login(customer)
    assert _plan_box(_sidebar(client)) == "Free plan Unlimited audits"


def test_sidebar_in_dutch_names_the_plan_in_dutch(plans, customer, client):
    customer.preferred_language = "nl"
    customer.save()
    ScanFactory(website=WebsiteFactory(user=customer))
    client.force_login(customer)

    page = _sidebar(client, "/nl/app/account/subscription/")

    assert _plan_box(page) == "Gratis-abonnement Nog 4 van 5 audits deze maand"


def test_allauth_account_pages_show_the_plan_and_the_subscription_tab(plans, customer, client):
    client.force_login(customer)

    page = _sidebar(client, reverse("account_email"))

    assert _plan_box(page) == "Free plan 5 of 5 audits left this month"
    tab = f'<a href="{reverse("billing:subscription")}" class="tab">Subscription</a>'
    assert tab in page


def test_subscription_tab_sits_between_schedules_and_delete_and_is_current(plans, customer, client):
    client.force_login(customer)
    page = _sidebar(client)
    tabs = re.findall(r'<a href="[^"]*" class="tab[^"]*"[^>]*>([^<]+)</a>', page)
    assert tabs == [
        "Profile",
        "Email address",
        "Password",
        "Scheduled audits",
        "Subscription",
        "Delete account",
    ]
    current = (
        f'<a href="{reverse("billing:subscription")}" class="tab is-current" aria-current="page">'
    )
    assert current in page


def test_usage_is_counted_once_per_page(plans, customer, client):
    """The subscription page's view counts the usage; the sidebar reuses it. On allauth's
    pages the sidebar counts it itself, once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(customer)
    for url in (reverse("billing:subscription"), reverse("account_email")):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        grants = [q for q in queries.captured_queries if "billing_usagegrant" in q["sql"]]
        assert len(grants) == 1, url
