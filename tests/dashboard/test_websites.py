"""Websites: the services behind the dashboard pages, and the pages themselves."""

import contextlib
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from audits.dns_resolver import nameserver_parse
from audits.models import SEOScan, Website
from audits.services.websites import (
    website_address_check,
    website_create,
    website_delete,
    website_scan_start,
    website_set_active,
    website_update,
)
from tests.dns_server import DnsServer

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
    customer.refresh_from_db()
    assert customer.free_usage == 4


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


def test_website_is_added_even_when_the_free_audits_are_used_up(customer, no_address_check):
    customer.free_usage = 0
    customer.save()
    created = website_create(user=customer, url="https://example.com/")
    assert created.scan is None
    assert "free audits" in created.audit_problem
    assert Website.objects.filter(user=customer).count() == 1
    assert not SEOScan.objects.exists()


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
    scan = website_scan_start(user=customer, website=website, max_pages=5000, render_js=True)
    assert scan.max_pages == 200
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
    customer.free_usage = 0
    customer.save()
    response = customer_client.post("/en/app/websites/add/", {"url": "example.org"}, follow=True)
    page = response.content.decode()
    website = Website.objects.get()
    assert response.redirect_chain[-1][0] == f"/en/app/websites/{website.pk}/"
    assert "You have used all your free audits." in page
    assert "The website was added" in page


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
    website = WebsiteFactory(user=customer)
    response = customer_client.post(
        f"/en/app/websites/{website.pk}/audits/start/", {"max_pages": "25", "render_js": "on"}
    )
    scan = SEOScan.objects.get()
    assert response["Location"] == f"/en/app/audits/{scan.pk}/"
    assert (scan.max_pages, scan.render_js, scan.scan_type) == (25, True, "manual")


def test_start_audit_refuses_more_than_200_pages(customer_client, customer):
    website = WebsiteFactory(user=customer)
    customer_client.post(f"/en/app/websites/{website.pk}/audits/start/", {"max_pages": "1000"})
    assert not SEOScan.objects.exists()


def test_start_audit_when_quota_is_used_up_says_so(customer_client, customer):
    customer.free_usage = 0
    customer.save()
    website = WebsiteFactory(user=customer)
    response = customer_client.post(
        f"/en/app/websites/{website.pk}/audits/start/", {"max_pages": "10"}, follow=True
    )
    assert "You have used all your free audits." in response.content.decode()
    assert not SEOScan.objects.exists()


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
