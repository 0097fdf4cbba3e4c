"""Rate limits: our own write actions per user, and allauth's per-IP limits behind a proxy."""

import pytest

from audits.models import SEOScan, Website
from tests.dashboard.factories import WebsiteFactory
from tests.plans import plan_give
from vivaseo_site.accounts.models import ScanConfiguration
from vivaseo_site.support.models import SupportTicket

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit(settings):
    """Set one action's rate for this test."""

    def _limit(action: str, rate: str) -> None:
        settings.VIVASEO_RATE_LIMITS = {**settings.VIVASEO_RATE_LIMITS, action: rate}

    return _limit


@pytest.fixture
def signed_in(client, make_user):
    def _signed_in(email: str, **extra):
        user = make_user(email=email, **extra)
        client.force_login(user)
        return user

    return _signed_in


def test_adding_websites_is_limited_per_user(client, signed_in, limit):
    limit("website_add", "2/h")
    owner = signed_in("adder@example.com")
    plan_give(owner)  # a plan with room for more websites than the rate allows
    # Literal addresses need no DNS; test settings allow 127.0.0.0/8 as the crawler does.
    for port in (8101, 8102):
        response = client.post("/en/app/websites/add/", {"url": f"http://127.0.0.1:{port}/"})
        assert response.status_code == 302
    refused = client.post("/en/app/websites/add/", {"url": "http://127.0.0.1:8103/"})
    page = refused.content.decode()
    assert refused.status_code == 429
    assert "You added many websites in a short time. Wait" in page
    assert 'value="http://127.0.0.1:8103/"' in page  # the form comes back as typed
    assert Website.objects.filter(user=owner).count() == 2

    # The count is the user's, not everyone's.
    other = signed_in("neighbour@example.com")
    assert (
        client.post("/en/app/websites/add/", {"url": "http://127.0.0.1:8103/"}).status_code == 302
    )
    assert Website.objects.filter(user=other).count() == 1


def test_starting_audits_is_limited_per_user(client, signed_in, limit):
    limit("scan_start", "2/h")
    owner = signed_in("starter@example.com")
    websites = WebsiteFactory.create_batch(3, user=owner)
    for website in websites[:2]:
        response = client.post(f"/en/app/websites/{website.pk}/audits/start/", {"max_pages": "10"})
        assert response["Location"].startswith("/en/app/audits/")
    refused = client.post(
        f"/en/app/websites/{websites[2].pk}/audits/start/", {"max_pages": "10"}, follow=True
    )
    assert refused.redirect_chain[-1][0] == f"/en/app/websites/{websites[2].pk}/"
    assert "You started many audits in a short time. Wait" in refused.content.decode()
    assert SEOScan.objects.count() == 2


def test_opening_tickets_is_limited_per_user_and_keeps_the_question(client, signed_in, limit):
    limit("ticket_create", "2/h")
    owner = signed_in("asker@example.com", preferred_language="nl")
    question = {"subject": "Score?", "category": "technical", "message": "Why 40?"}
    for _ in range(2):
        assert client.post("/nl/app/support/new/", question).status_code == 302
    refused = client.post(
        "/nl/app/support/new/", question | {"message": "My third question, typed with care."}
    )
    page = refused.content.decode()
    assert refused.status_code == 429
    assert "Je hebt in korte tijd veel tickets geopend. Wacht" in page
    assert "My third question, typed with care." in page
    assert SupportTicket.objects.filter(user=owner).count() == 2


def test_changing_the_notification_address_is_limited_but_the_schedule_still_saves(
    client, signed_in, limit
):
    limit("notification_email_change", "2/h")
    owner = signed_in("scheduler@example.com")

    def save(email: str):
        return client.post(
            "/en/app/account/schedule/",
            {"frequency": "weekly", "time_of_day": "07:30", "timezone": "Europe/Amsterdam",
             "notification_email": email},
        )  # fmt: skip

    assert save("first@example.com").status_code == 302
    assert save("second@example.com").status_code == 302
    refused = save("third@example.com")
    assert refused.status_code == 429
    assert "You changed the notification address several times in a short time." in (
        refused.content.decode()
    )
    assert ScanConfiguration.objects.get(user=owner).notification_email == "second@example.com"
    # Saving the schedule without touching the address is not a change, and is not refused.
    assert save("second@example.com").status_code == 302


@pytest.fixture
def allauth_login_limit(settings, site_tree, make_user):
    """allauth's limit on login attempts, one per minute per client address."""
    settings.ACCOUNT_RATE_LIMITS = {"login": "1/m/ip"}
    make_user(email="member@example.com")

    def _attempt(client, *, proxy: str, forwarded_for: str):
        # The proxy of docs/deploy.md connects from its own address and appends the client's.
        return client.post(
            "/en/accounts/login/",
            {"login": "member@example.com", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    return _attempt


def test_behind_one_trusted_proxy_each_client_is_limited_on_its_own(
    client, settings, allauth_login_limit
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    def attempt(forwarded_for: str):
        return allauth_login_limit(client, proxy="10.0.0.2", forwarded_for=forwarded_for)

    assert attempt("198.51.100.7").status_code == 200
    limited = attempt("198.51.100.7")
    assert limited.status_code == 429
    assert "Too many attempts" in limited.content.decode()  # our page, in our layout
    # Another client behind the same proxy still gets its own attempt.
    assert attempt("198.51.100.8").status_code == 200
    # A client cannot pick its address by sending its own X-Forwarded-For first: the proxy
    # appends the real one, and that is the one counted.
    assert attempt("203.0.113.99, 198.51.100.7").status_code == 429


def test_without_a_trusted_proxy_count_every_client_shares_the_proxy_address(
    client, settings, allauth_login_limit
):
    # What went wrong before ALLAUTH_TRUSTED_PROXY_COUNT: one limit for everyone.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0

    def attempt(forwarded_for: str):
        return allauth_login_limit(client, proxy="10.0.0.3", forwarded_for=forwarded_for)

    assert attempt("198.51.100.17").status_code == 200
    assert attempt("198.51.100.18").status_code == 429
