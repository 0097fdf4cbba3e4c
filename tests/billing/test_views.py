"""The subscription page and its hops to Stripe Checkout and the Portal."""

from django.urls import reverse
from djstripe.models import Customer

from billing.services import invoices_sync, subscription_sync
from tests.dashboard.factories import ScanFactory, WebsiteFactory


def test_subscription_page_without_keys_shows_plans_and_says_payments_are_off(
    plans, customer, client
):
    client.force_login(customer)
    ScanFactory(website=WebsiteFactory(user=customer))
    response = client.get(reverse("billing:subscription"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your plan: Free" in page
    assert "1 of 5" in page  # audits used this month
    assert 'data-plan-card="standard"' in page and 'data-plan-card="premium"' in page
    assert "EUR 19.00 per month" in page
    assert "Payments are not configured on this installation" in page

    response = client.post(
        reverse("billing:checkout"), {"plan": "standard", "interval": "month"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("billing:subscription")
    assert "Payments are not configured on this installation" in response.content.decode()


def test_subscription_page_in_dutch(plans, customer, client):
    customer.preferred_language = "nl"
    customer.save()
    client.force_login(customer)
    response = client.get("/nl/app/account/subscription/")
    page = response.content.decode()
    assert "Je abonnement: Gratis" in page
    assert "Verbruik deze maand" in page
    assert 'aria-current="page">Abonnement</a>' in page


def test_checkout_button_redirects_to_stripe(stripe_plans, fake_stripe, customer, client):
    client.force_login(customer)
    response = client.post(reverse("billing:checkout"), {"plan": "premium", "interval": "year"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{fake_stripe.url}/pay/cs_")
    (request,) = fake_stripe.requests_to("POST", "/v1/checkout/sessions")
    assert request.params["success_url"].endswith("/en/app/account/subscription/?checkout=done")


def test_paid_plan_page_shows_usage_portal_and_invoices(
    stripe_plans, fake_stripe, customer, subscribe, client
):
    _, subscription = subscribe(customer, status="active")
    fake_stripe.invoice_create(
        subscription["id"], status="paid", billing_reason="subscription_create"
    )
    stripe_customer = Customer.objects.get(subscriber=customer)
    subscription_sync(customer=stripe_customer)
    assert invoices_sync(customer=stripe_customer) == 1

    client.force_login(customer)
    page = client.get(reverse("billing:subscription")).content.decode()
    assert "Your plan: Standard" in page
    assert "0 of 50" in page
    assert "Renews on" in page
    assert "EUR 19.00" in page and f"{fake_stripe.url}/invoice/pdf" in page

    response = client.post(reverse("billing:portal"))
    assert response["Location"] == f"{fake_stripe.url}/portal/{stripe_customer.id}"


def test_refresh_reads_a_plan_whose_webhook_is_late(stripe_plans, fake_stripe, customer, client):
    client.force_login(customer)
    client.post(reverse("billing:checkout"), {"plan": "standard", "interval": "month"})
    session = next(o for o in fake_stripe.objects.values() if o["object"] == "checkout.session")
    fake_stripe.checkout_complete(session["id"])  # paid, but no webhook yet

    response = client.post(reverse("billing:sync"), follow=True)

    page = response.content.decode()
    assert "Your subscription is up to date." in page
    assert "Your plan: Standard" in page


def _complimentary(customer, plans, **fields):
    from billing.services import complimentary_plan_grant

    return complimentary_plan_grant(
        user=customer,
        plan=plans["premium"],
        granted_by=None,
        reason="Partner agency",
        **fields,
    )


def test_complimentary_plan_says_who_gave_it_until_when_and_offers_no_portal(
    plans, customer, client
):
    from datetime import datetime

    from django.utils import timezone

    ends = timezone.make_aware(datetime(2027, 3, 31, 12))
    _complimentary(customer, plans, ends_at=ends)
    client.force_login(customer)

    page = client.get(reverse("billing:subscription")).content.decode()

    assert "Your plan: Premium" in page
    assert "Given to you by VivaSEO until 31 March 2027." in page
    assert "0 of 300" in page
    assert "Usage this month" in page
    assert reverse("billing:portal") not in page  # nothing to manage in Stripe
    assert reverse("billing:sync") not in page  # and no Stripe keys to refresh with
    assert "data-plan-card" not in page  # no plans for sale to someone on Premium


def test_complimentary_plan_without_end_in_dutch(plans, customer, client):
    _complimentary(customer, plans)
    customer.preferred_language = "nl"
    customer.save()
    client.force_login(customer)

    page = client.get("/nl/app/account/subscription/").content.decode()

    assert "Je abonnement: Premium" in page
    assert "Van VivaSEO gekregen." in page
    assert "tot " not in page.split('data-status="complimentary"')[1].split("</p>")[0]


def test_portal_button_with_a_subscription_beside_a_complimentary_plan(
    stripe_plans, fake_stripe, customer, subscribe, client
):
    """A customer paying for Standard who was also given Premium: Premium counts, and the
    subscription they pay for can still be managed."""
    _, subscription = subscribe(customer, status="active")
    subscription_sync(customer=Customer.objects.get(subscriber=customer))
    _complimentary(customer, stripe_plans)
    client.force_login(customer)

    page = client.get(reverse("billing:subscription")).content.decode()

    assert "Your plan: Premium" in page and "Given to you by VivaSEO." in page
    assert reverse("billing:portal") in page
