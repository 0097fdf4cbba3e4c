"""Websites: the services behind the dashboard pages, and the pages themselves."""

import contextlib
import importlib
import threading
import time

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.utils import translation

from audits.dns_resolver import nameserver_parse
from audits.engine.safety import ALLOW_NETWORKS_ENV
from audits.forms import WebsiteAddForm
from audits.models import SEOScan, Website
from audits.services.scans import scan_run
from audits.services.websites import (
    website_address_check,
    website_create,
    website_delete,
    website_scan_start,
    website_set_active,
    website_update,
)
from billing.selectors import LimitReached, free_limits
from tests.dns_server import DnsServer
from tests.plans import audits_left, plan_give

from .factories import ReportFactory, ScanFactory, WebsiteFactory

pytestmark = pytest.mark.django_db


def test_website_create_normalises_the_url_and_starts_the_initial_audit(customer, no_address_check):
    created = website_create(user=customer, url="  Example.COM/shop  ")
    website = created.website
    assert website.url == "https://example.com/shop"
    assert website.name == "example.com"
    assert created.scan.scan_type == SEOScan.ScanType.INITIAL
    assert created.scan.status == SEOScan.Status.PENDING
    assert created.audit_problem == ""
    assert audits_left(customer) == 4


def test_the_free_plan_adds_one_website_and_a_plan_more(customer, no_address_check):
    website_create(user=customer, url="https://example.com/")
    with pytest.raises(LimitReached, match="Your Free plan includes 1 website."):
        website_create(user=customer, url="https://example.org/")
    assert Website.objects.filter(user=customer).count() == 1
    plan_give(customer, "standard")
    website_create(user=customer, url="https://example.org/")
    assert Website.objects.filter(user=customer).count() == 2


def test_website_create_refuses_a_duplicate_of_the_same_user(customer, intruder, no_address_check):
    website_create(user=customer, url="https://example.com/")
    with pytest.raises(ValidationError) as error:
        website_create(user=customer, url="example.com")
    assert error.value.code == "duplicate"
    assert "already in your websites" in error.value.messages[0]
    # Another account may add the same address.
    assert website_create(user=intruder, url="https://example.com/").website.user == intruder


def test_website_create_refuses_something_that_is_not_an_address(customer):
    with pytest.raises(ValidationError) as error:
        website_create(user=customer, url="not a url at all")
    assert "is not a web address" in error.value.messages[0]
    assert not Website.objects.exists()


def test_website_create_refuses_a_private_address_with_a_clear_message(customer):
    with pytest.raises(ValidationError) as error:
        website_create(user=customer, url="http://10.0.0.5/")
    assert error.value.code == "unsafe_address"
    assert "10.0.0.5" in error.value.messages[0]
    assert "only audits public websites" in error.value.messages[0]
    assert not Website.objects.exists()


def test_website_create_refuses_a_cloud_metadata_address(customer):
    with pytest.raises(ValidationError) as error:
        website_create(user=customer, url="http://169.254.169.254/latest/")
    assert error.value.code == "unsafe_address"


@pytest.fixture
def dns_server(settings):
    """Website lookups go to a DNS server the test runs on 127.0.0.1 (real UDP queries)."""
    with contextlib.ExitStack() as servers:

        def _serve(records=None, *, silent=False) -> DnsServer:
            server = servers.enter_context(DnsServer(records, silent=silent))
            settings.VIVASEO_DNS_NAMESERVERS = [server.address]
            return server

        yield _serve


def test_address_check_vets_the_addresses_dns_answers(dns_server):
    server = dns_server(
        {
            "shop.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
            "intranet.example": ["10.0.0.5"],
            "metadata.example": ["169.254.169.254"],
            "testsite.example": ["127.0.0.1"],
        }
    )
    website_address_check(url="https://shop.example/")
    # Test settings allow 127.0.0.0/8 (VIVASEO_CRAWL_ALLOW_NETWORKS), as the crawler does.
    website_address_check(url="http://testsite.example:8123/")
    with pytest.raises(ValidationError) as error:
        website_address_check(url="https://intranet.example/")
    assert error.value.code == "unsafe_address"
    assert "intranet.example leads to 10.0.0.5" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        website_address_check(url="https://metadata.example/")
    assert error.value.code == "unsafe_address"
    assert "shop.example AAAA" in server.queries and "shop.example A" in server.queries


def test_an_address_that_does_not_exist_is_not_found(dns_server):
    dns_server({"shop.example": ["93.184.215.14"]})
    with pytest.raises(ValidationError) as error:
        website_address_check(url="https://no-such-site.example/")
    assert error.value.code == "not_found"
    assert "could not find that address" in error.value.messages[0]


def test_the_address_check_gives_up_at_its_deadline_when_dns_never_answers(dns_server):
    server = dns_server(silent=True)
    threads_before = set(threading.enumerate())
    started = time.monotonic()
    with translation.override("nl"), pytest.raises(ValidationError) as error:
        website_address_check(url="https://slow.example/", timeout=0.5)
    # Wall time on purpose: the deadline is about DNS not answering, not about our CPU.
    assert time.monotonic() - started < 2.5
    # And nothing is left behind still waiting for DNS (getaddrinfo in a thread was).
    assert set(threading.enumerate()) <= threads_before
    assert error.value.code == "dns_timeout"
    assert "slow.example" in error.value.messages[0]
    assert "naamservers antwoordden niet" in error.value.messages[0]
    assert server.queries  # it was asked, and said nothing


def test_add_website_page_answers_by_the_dns_deadline_when_dns_never_answers(
    customer_client, customer, dns_server, settings
):
    dns_server(silent=True)
    settings.VIVASEO_DNS_TIMEOUT = 1.0
    # The first request of a test run imports the URLconfs and views (over a second on a
    # busy machine): that is not what this test times.
    customer_client.get("/en/app/websites/add/")
    started = time.monotonic()
    response = customer_client.post("/en/app/websites/add/", {"url": "https://slow.example/"})
    assert time.monotonic() - started < 3.0
    page = response.content.decode()
    assert response.status_code == 200
    assert "We could not look up slow.example in time" in page
    assert 'value="https://slow.example/"' in page  # the form comes back as typed
    assert not Website.objects.exists()


def test_dns_nameserver_setting_takes_addresses_with_or_without_a_port():
    assert nameserver_parse("9.9.9.9").address == "9.9.9.9"
    assert nameserver_parse("9.9.9.9").port == 53
    assert nameserver_parse("127.0.0.1:5353").port == 5353
    assert nameserver_parse("2620:fe::fe").address == "2620:fe::fe"
    assert (nameserver_parse("[::1]:5353").address, nameserver_parse("[::1]:5353").port) == (
        "::1",
        5353,
    )
    with pytest.raises(ValueError, match="not a name server address"):
        nameserver_parse("dns.example:53")


def test_loopback_is_allowed_where_the_operator_allows_it(customer):
    # Test settings allow 127.0.0.0/8 (VIVASEO_CRAWL_ALLOW_NETWORKS) for the test sites.
    website_address_check(url="http://127.0.0.1:8123/")


def test_website_is_added_even_when_the_plans_audits_are_used_up(customer, no_address_check):
    plan_give(customer, "standard", audits_per_period=1)
    ScanFactory(website=WebsiteFactory(user=customer))
    created = website_create(user=customer, url="https://example.com/")
    assert created.scan is None
    assert created.audit_problem.startswith(
        "You have used the 1 audit of your Standard plan this month."
    )
    assert "The website was added" in created.audit_problem
    assert Website.objects.filter(user=customer).count() == 2
    assert SEOScan.objects.count() == 1


def test_website_update_set_active_and_delete(customer):
    website = WebsiteFactory(user=customer)
    ReportFactory(scan__website=website)
    website_update(website=website, name="  Shop  ", description="Main shop")
    website.refresh_from_db()
    assert (website.name, website.description) == ("Shop", "Main shop")
    website_set_active(website=website, is_active=False)
    assert Website.objects.get(pk=website.pk).is_active is False
    website_delete(website=website)
    assert not Website.objects.exists()
    assert not SEOScan.objects.exists()


def test_website_scan_start_allows_one_audit_at_a_time_and_caps_pages(customer):
    website = WebsiteFactory(user=customer)
    with pytest.raises(LimitReached, match="Your Free plan audits up to 100 pages per audit."):
        website_scan_start(user=customer, website=website, max_pages=200)
    with pytest.raises(LimitReached, match="JavaScript rendering is not included"):
        website_scan_start(user=customer, website=website, render_js=True)
    assert not SEOScan.objects.exists()
    plan_give(customer, "premium")  # unlimited pages: still no more than the engine's cap
    scan = website_scan_start(user=customer, website=website, max_pages=50_000, render_js=True)
    assert scan.max_pages == 10_000
    assert scan.render_js is True
    assert scan.scan_type == SEOScan.ScanType.MANUAL
    with pytest.raises(ValidationError) as error:
        website_scan_start(user=customer, website=website)
    assert error.value.code == "already_running"


# --- Pages -----------------------------------------------------------------------------------


def test_website_list_shows_latest_score_and_trend(customer_client, customer):
    website = WebsiteFactory(user=customer, name="Bakery")
    ReportFactory(scan__website=website, overall_score=60)
    ReportFactory(scan__website=website, overall_score=81)
    WebsiteFactory(user=customer, name="Never audited")
    page = customer_client.get("/en/app/websites/").content.decode()
    assert "Bakery" in page and "Never audited" in page
    assert '<span class="score score-fair">81</span>' in page
    assert "trend-up" in page
    assert "Not audited yet" in page


def test_website_list_paginates_by_25(customer_client, customer):
    WebsiteFactory.create_batch(27, user=customer)
    first = customer_client.get("/en/app/websites/")
    assert len(first.context["websites"]) == 25
    assert "Page 1 of 2" in first.content.decode()
    second = customer_client.get("/en/app/websites/?page=2")
    assert len(second.context["websites"]) == 2


def test_add_website_page_starts_the_audit_and_shows_its_progress(
    customer_client, customer, no_address_check
):
    response = customer_client.post(
        "/en/app/websites/add/", {"url": "example.org", "name": "", "description": ""}
    )
    scan = SEOScan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/app/audits/{scan.pk}/"
    page = customer_client.get(response["Location"]).content.decode()
    assert "Its first audit has started" in page
    assert "Audit in progress" in page


def test_add_website_page_explains_a_duplicate(customer_client, customer, no_address_check):
    plan_give(customer)
    WebsiteFactory(user=customer, url="https://example.org/")
    response = customer_client.post("/en/app/websites/add/", {"url": "https://example.org"})
    assert response.status_code == 200
    assert "https://example.org/ is already in your websites." in response.content.decode()


def test_add_website_page_explains_a_refused_address_in_dutch(client, make_user):
    user = make_user(email="nl@example.com", preferred_language="nl")
    client.force_login(user)
    response = client.post("/nl/app/websites/add/", {"url": "http://192.168.1.10/"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "192.168.1.10" in page
    assert "VivaSEO controleert alleen openbare websites" in page


def test_add_website_without_audits_left_still_adds_it_and_says_so(
    customer_client, customer, no_address_check
):
    plan_give(customer, "standard", audits_per_period=1)
    ScanFactory(website=WebsiteFactory(user=customer))
    response = customer_client.post("/en/app/websites/add/", {"url": "example.org"}, follow=True)
    page = response.content.decode()
    website = Website.objects.get(url__contains="example.org")
    assert response.redirect_chain[-1][0] == f"/en/app/websites/{website.pk}/"
    assert "You have used the 1 audit of your Standard plan this month." in page
    assert "The website was added" in page
    assert 'href="/en/app/account/subscription/" data-upgrade-link' in page


def test_add_website_page_says_when_the_plans_websites_are_in_use(customer_client, customer):
    WebsiteFactory(user=customer)
    response = customer_client.get("/en/app/websites/add/")
    page = response.content.decode()
    assert "websites are all in use" in page
    assert "Your Free plan includes 1 website. Upgrade your plan to do more." in page
    assert 'name="url"' not in page
    response = customer_client.post("/en/app/websites/add/", {"url": "example.org"})
    assert Website.objects.count() == 1


def test_website_detail_lists_audits_and_offers_to_start_one(customer_client, customer):
    website = WebsiteFactory(user=customer)
    report = ReportFactory(scan__website=website, overall_score=93)
    ScanFactory(website=website, status=SEOScan.Status.FAILED, pages_crawled=0)
    page = customer_client.get(f"/en/app/websites/{website.pk}/").content.decode()
    assert f"/en/app/audits/{report.scan_id}/" in page
    assert "Failed" in page and "Completed" in page
    assert 'name="max_pages"' in page and 'name="render_js"' in page
    assert "Start audit" in page


def test_start_audit_from_the_website_page(customer_client, customer):
    plan_give(customer)
    website = WebsiteFactory(user=customer)
    response = customer_client.post(
        f"/en/app/websites/{website.pk}/audits/start/", {"max_pages": "25", "render_js": "on"}
    )
    scan = SEOScan.objects.get()
    assert response["Location"] == f"/en/app/audits/{scan.pk}/"
    assert (scan.max_pages, scan.render_js, scan.scan_type) == (25, True, "manual")


def test_start_audit_refuses_more_pages_than_the_plan_allows(customer_client, customer):
    website = WebsiteFactory(user=customer)
    response = customer_client.post(
        f"/en/app/websites/{website.pk}/audits/start/", {"max_pages": "200"}, follow=True
    )
    assert "Your Free plan audits up to 100 pages." in response.content.decode()
    assert not SEOScan.objects.exists()


def test_start_audit_when_quota_is_used_up_says_so(customer_client, customer):
    website = WebsiteFactory(user=customer)
    ScanFactory.create_batch(5, website=website)
    response = customer_client.post(
        f"/en/app/websites/{website.pk}/audits/start/", {"max_pages": "10"}, follow=True
    )
    page = response.content.decode()
    assert "You have used all 5 audits of your Free plan this month." in page
    assert 'href="/en/app/account/subscription/" data-upgrade-link' in page
    assert SEOScan.objects.count() == 5


def test_start_audit_of_a_deactivated_website_says_so(customer_client, customer):
    website = WebsiteFactory(user=customer, is_active=False)
    response = customer_client.post(
        f"/en/app/websites/{website.pk}/audits/start/", {"max_pages": "10"}, follow=True
    )
    assert "deactivated" in response.content.decode()
    assert not SEOScan.objects.exists()


def test_edit_deactivate_activate_and_delete_pages(customer_client, customer):
    website = WebsiteFactory(user=customer, name="Old")
    assert customer_client.get(f"/en/app/websites/{website.pk}/edit/").status_code == 200
    customer_client.post(
        f"/en/app/websites/{website.pk}/edit/", {"name": "New", "description": "Notes"}
    )
    website.refresh_from_db()
    assert website.name == "New"
    customer_client.post(f"/en/app/websites/{website.pk}/active/", {"active": "0"})
    website.refresh_from_db()
    assert website.is_active is False
    customer_client.post(f"/en/app/websites/{website.pk}/active/", {"active": "1"})
    website.refresh_from_db()
    assert website.is_active is True
    confirm = customer_client.get(f"/en/app/websites/{website.pk}/delete/")
    assert "This cannot be undone" in confirm.content.decode()
    assert Website.objects.filter(pk=website.pk).exists()
    response = customer_client.post(f"/en/app/websites/{website.pk}/delete/")
    assert response["Location"] == "/en/app/websites/"
    assert not Website.objects.filter(pk=website.pk).exists()


def test_post_only_actions_refuse_get(customer_client, customer):
    website = WebsiteFactory(user=customer)
    assert customer_client.get(f"/en/app/websites/{website.pk}/active/").status_code == 405
    assert customer_client.get(f"/en/app/websites/{website.pk}/audits/start/").status_code == 405


def test_website_page_with_a_running_audit_links_to_it_instead_of_a_start_button(
    customer_client, customer
):
    website = WebsiteFactory(user=customer)
    running = ScanFactory(website=website, status=SEOScan.Status.PROCESSING, progress=10)
    ScanFactory(website=website, status=SEOScan.Status.FAILED)  # newer, finished
    page = customer_client.get(f"/en/app/websites/{website.pk}/").content.decode()
    assert "An audit is running." in page
    assert f'href="/en/app/audits/{running.pk}/">Follow its progress' in page
    assert "Start audit" not in page


def test_deleting_a_website_deletes_its_pdf_files(customer, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    report = ReportFactory(scan__website__user=customer)
    report.pdf_file.save("report.pdf", ContentFile(b"%PDF-1.7"), save=True)
    name = report.pdf_file.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        website_delete(website=report.scan.website)
    assert not default_storage.exists(name)


# --- Input that is accepted must work (issue 10) ------------------------------------------------


def _add_through_the_form(user, **data) -> Website:
    """What the add-website page does: the form, then the service with what the form kept."""
    form = WebsiteAddForm(data, limits=free_limits())
    assert form.is_valid(), form.errors
    return website_create(user=user, **form.cleaned_data).website


@pytest.mark.parametrize(
    "typed",
    [
        "http://2130706433:{port}/",  # 127.0.0.1 as one decimal number
        "HTTP://127.0.0.1:{port}",  # upper case, no path
        "  http://127.0.0.1:{port}/./  ",  # spaces and a dot segment
    ],
)
def test_an_address_the_add_form_accepts_is_one_the_audit_crawls(customer, shop, typed):
    port = shop.url.rsplit(":", 1)[1]
    website = _add_through_the_form(customer, url=typed.format(port=port))
    assert website.url == f"http://127.0.0.1:{port}/"
    scan = scan_run(scan_id=website.scans.get().pk)
    assert scan.status == SEOScan.Status.COMPLETED, scan.error_message
    assert scan.url == website.url
    assert scan.pages_crawled > 1


def test_loopback_is_refused_by_the_form_and_the_crawler_without_the_operators_allowance(
    customer, shop, monkeypatch
):
    # Production settings allow no network; test settings allow 127.0.0.0/8 for test sites.
    monkeypatch.delenv(ALLOW_NETWORKS_ENV)
    port = shop.url.rsplit(":", 1)[1]
    with pytest.raises(ValidationError) as error:
        _add_through_the_form(customer, url=f"http://2130706433:{port}/")
    assert error.value.code == "unsafe_address"
    assert error.value.messages[0] == (
        "127.0.0.1 is not a public internet address. VivaSEO only audits public websites."
    )
    assert not Website.objects.exists()
    # A website stored before (or a changed setting) does not get past the crawler either.
    website = WebsiteFactory(user=customer, url=f"http://127.0.0.1:{port}/")
    scan = scan_run(scan_id=website_scan_start(user=customer, website=website).pk)
    assert scan.status == SEOScan.Status.FAILED
    assert "127.0.0.1 is a loopback address" in scan.error_message, scan.error_message
    assert not scan.pages.filter(status_code__isnull=False).exists()  # nothing was fetched


@pytest.mark.parametrize(
    "typed",
    [
        "http://user:s3cret-pw@example.com/",
        "https://admin@example.com/",
        "user:s3cret-pw@example.com",
    ],
)
def test_an_address_with_a_user_name_or_password_is_refused_and_nothing_is_stored(
    customer, typed, no_address_check
):
    form = WebsiteAddForm({"url": typed}, limits=free_limits())
    assert not form.is_valid()
    assert form.errors.as_data()["url"][0].code == "credentials"
    message = form.errors["url"][0]
    assert "Remove the user name and password" in message and "s3cret" not in message
    with pytest.raises(ValidationError) as error:
        website_create(user=customer, url=typed)  # the service checks it too
    assert error.value.code == "credentials"
    assert not Website.objects.exists() and not SEOScan.objects.exists()


def test_add_website_page_refuses_a_password_in_the_address(customer_client, no_address_check):
    response = customer_client.post(
        "/en/app/websites/add/", {"url": "http://user:s3cret-pw@example.com/"}
    )
    assert response.status_code == 200
    assert "Remove the user name and password from the address" in response.content.decode()
    assert not Website.objects.exists()


def test_stored_passwords_are_removed_from_website_and_audit_addresses(customer, intruder):
    migration = importlib.import_module("audits.migrations.0008_website_urls_without_passwords")
    with_password = WebsiteFactory(user=customer, url="http://user:pw@shop.example/")
    scan = ScanFactory(website=with_password, url="http://user:pw@shop.example/")
    WebsiteFactory(user=intruder, url="http://blog.example/")
    taken = WebsiteFactory(user=intruder, url="http://u:pw@blog.example/")
    at_in_path = WebsiteFactory(user=customer, url="https://example.com/@team")
    migration.passwords_remove(django_apps, None)
    assert Website.objects.get(pk=with_password.pk).url == "http://shop.example/"
    assert SEOScan.objects.get(pk=scan.pk).url == "http://shop.example/"
    assert Website.objects.get(pk=taken.pk).url == "http://u@blog.example/"
    assert Website.objects.get(pk=at_in_path.pk).url == "https://example.com/@team"


@pytest.mark.parametrize(
    "typed",
    [
        "http://example.com/",
        "HTTP://Example.COM/index.html",
        "http://example.com:80/shop/?page=2",
        "example.com:443",  # no scheme means https, whose default port is 443
    ],
)
def test_the_same_scheme_host_and_port_is_the_same_website(customer, typed, no_address_check):
    plan_give(customer)
    website_create(user=customer, url="http://example.com/")
    website_create(user=customer, url="https://example.com/")
    with pytest.raises(ValidationError) as error:
        website_create(user=customer, url=typed)
    assert error.value.code == "duplicate"
    assert Website.objects.filter(user=customer).count() == 2


def test_a_duplicate_at_another_start_page_names_the_website_it_belongs_to(
    customer, no_address_check
):
    website_create(user=customer, url="http://example.com/", name="Shop")
    with pytest.raises(ValidationError) as error:
        website_create(user=customer, url="HTTP://example.com/index.html")
    assert error.value.messages[0] == (
        "http://example.com/index.html belongs to a website you already added: Shop "
        "(http://example.com/). One website is one address: the same scheme, host and port."
    )


@pytest.mark.parametrize(
    "other",
    [
        "https://example.com/",  # another scheme
        "http://www.example.com/",  # another host
        "http://shop.example.com/",
        "http://example.com:8080/",  # another port
        "http://example.co/",  # a host the first one starts with
    ],
)
def test_another_scheme_host_or_port_is_another_website(customer, other, no_address_check):
    plan_give(customer)
    website_create(user=customer, url="http://example.com/")
    assert website_create(user=customer, url=other).website.url == other


def test_unicode_domains_are_shown_as_typed(customer, dns_server):
    dns_server({"xn--bcher-kva.example": ["10.0.0.5"]})
    with pytest.raises(ValidationError) as error:
        website_create(user=customer, url="https://Bücher.example/")
    assert error.value.messages[0].startswith("bücher.example leads to 10.0.0.5, which is not")
    with pytest.raises(ValidationError) as error:
        website_create(user=customer, url="https://bücher-nirgends.example/")
    assert error.value.code == "not_found"
    assert "bücher-nirgends.example does not exist" in error.value.messages[0]
    assert "xn--" not in error.value.messages[0]


def test_a_unicode_website_is_named_and_refused_as_a_duplicate_as_typed(customer, no_address_check):
    website = website_create(user=customer, url="https://bücher.example/").website
    assert website.url == "https://xn--bcher-kva.example/"  # what DNS and the crawler use
    assert website.name == "bücher.example"
    with pytest.raises(ValidationError) as error:
        website_create(user=customer, url="https://BÜCHER.example")
    assert error.value.messages[0] == "https://bücher.example/ is already in your websites."


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ("http://169.254.169.254/latest/", "169.254.169.254"),
        ("http://10.0.0.5/", "10.0.0.5"),
        ("http://[fd00:ec2::254]/", "fd00:ec2::254"),
    ],
)
def test_a_literal_ip_is_refused_without_talking_of_where_it_leads(customer, typed, address):
    with pytest.raises(ValidationError) as error:
        website_create(user=customer, url=typed)
    assert error.value.code == "unsafe_address"
    assert error.value.messages[0] == (
        f"{address} is not a public internet address. VivaSEO only audits public websites."
    )


# --- The first audit can be configured (issue 10) ---------------------------------------------


def test_add_website_page_offers_the_page_limit_and_rendering_with_todays_defaults(
    customer_client, customer
):
    page = customer_client.get("/en/app/websites/add/").content.decode()
    assert "First audit" in page
    # The free plan: up to its 100 pages, no rendering.
    assert '<option value="100" selected>100</option>' in page
    for choice in (10, 25, 50):
        assert f'<option value="{choice}">{choice}</option>' in page
    assert '<option value="200">' not in page
    assert "Your Free plan audits up to 100 pages." in page
    assert "JavaScript rendering is not included in your Free plan." in page
    assert 'name="render_js"' in page and 'name="render_js" checked' not in page
    assert "you have 5 audits left this period" in page
    # A plan with more: the usual 200, up to its own limit, rendering on offer.
    plan_give(customer, "standard")
    page = customer_client.get("/en/app/websites/add/").content.decode()
    assert '<option value="200" selected>200</option>' in page
    assert '<option value="1000">1000</option>' in page and '<option value="2500">' not in page
    assert "JavaScript rendering is not included" not in page


def test_the_first_audit_uses_the_page_limit_and_rendering_chosen_when_adding(
    customer_client, customer, no_address_check
):
    plan_give(customer)
    response = customer_client.post(
        "/en/app/websites/add/", {"url": "example.org", "max_pages": "25", "render_js": "on"}
    )
    scan = SEOScan.objects.get()
    assert response["Location"] == f"/en/app/audits/{scan.pk}/"
    assert (scan.max_pages, scan.render_js, scan.scan_type) == (25, True, "initial")


def test_the_first_audit_stays_within_the_page_limits_offered(customer_client, no_address_check):
    response = customer_client.post(
        "/en/app/websites/add/", {"url": "example.org", "max_pages": "5000"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Website.objects.exists()


def test_a_website_added_without_audit_settings_gets_todays_defaults(customer, no_address_check):
    scan = website_create(user=customer, url="example.org").scan
    assert (scan.max_pages, scan.render_js) == (100, False)  # the free plan's limit
    plan_give(customer)
    scan = website_create(user=customer, url="example.net").scan
    assert (scan.max_pages, scan.render_js) == (200, False)
    with pytest.raises(LimitReached, match="Your Standard plan audits up to 1000 pages"):
        website_create(user=customer, url="example.com", max_pages=10_000)
    assert not Website.objects.filter(url="https://example.com").exists()


def test_add_website_page_speaks_dutch_about_passwords_and_the_first_audit(client, make_user):
    user = make_user(email="nl@example.com", preferred_language="nl")
    client.force_login(user)
    assert "Eerste audit" in client.get("/nl/app/websites/add/").content.decode()
    response = client.post("/nl/app/websites/add/", {"url": "http://jan:geheim@example.com/"})
    page = response.content.decode()
    assert "Haal de gebruikersnaam en het wachtwoord uit het adres" in page
    assert not Website.objects.exists()


def test_the_admins_website_form_refuses_a_password_in_the_address_too(customer):
    website = WebsiteFactory.build(user=customer, url="https://user:s3cret-pw@example.com/")
    with pytest.raises(ValidationError) as error:
        website.full_clean()  # what the admin's model form runs
    assert "Remove the user name and password" in error.value.message_dict["url"][0]
    WebsiteFactory.build(user=customer, url="https://example.com/").full_clean()
