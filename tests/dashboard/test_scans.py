"""One audit's page: live progress, cancel, failure and retry, headline results."""

import re
import threading

import pytest
from django.db import connection

from audits.models import SEOScan
from audits.services.scans import scan_cancel, scan_run, scan_start
from tests.conftest import wait_for
from tests.plans import audits_left
from tests.sites import Page, SiteServer, html

from .factories import ReportFactory, ScanFactory, WebsiteFactory

pytestmark = pytest.mark.django_db


def test_running_audit_shows_progress_step_and_refreshes_without_js(customer_client, customer):
    scan = ScanFactory(
        website__user=customer,
        status=SEOScan.Status.PROCESSING,
        progress=42,
        progress_step="Crawling pages (17 found)",
        pages_crawled=15,
    )
    page = customer_client.get(f"/en/app/audits/{scan.pk}/").content.decode()
    assert 'aria-valuenow="42"' in page and "width: 42%" in page
    assert "Crawling pages (17 found)" in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "js/scan-progress" in page
    assert f'data-status-url="/en/app/audits/{scan.pk}/status.json"' in page
    assert "Cancel audit" in page


def test_status_json_reports_progress_and_is_not_cached(customer_client, customer):
    scan = ScanFactory(
        website__user=customer, status=SEOScan.Status.PROCESSING, progress=60,
        progress_step="Scoring", pages_crawled=30,
    )  # fmt: skip
    response = customer_client.get(f"/en/app/audits/{scan.pk}/status.json")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {
        "id": scan.pk,
        "status": "processing",
        "status_label": "Running",
        "active": True,
        "progress": 60,
        "step": "Scoring",
        "pages_crawled": 30,
        "cancel_requested": False,
    }


def test_status_json_labels_follow_the_language(customer_client, customer):
    scan = ScanFactory(website__user=customer, status=SEOScan.Status.PENDING)
    data = customer_client.get(f"/nl/app/audits/{scan.pk}/status.json").json()
    assert data["status_label"] == "Wachtend"


def test_finished_audit_page_does_not_refresh(customer_client, customer):
    report = ReportFactory(scan__website__user=customer)
    page = customer_client.get(f"/en/app/audits/{report.scan_id}/").content.decode()
    assert "http-equiv" not in page
    assert "scan-progress.js" not in page


def test_completed_audit_shows_the_headline_results(customer_client, customer):
    report = ReportFactory(scan__website__user=customer, scan__pages_crawled=12)
    page = customer_client.get(f"/en/app/audits/{report.scan_id}/").content.decode()
    assert 'data-score="72"' in page and "Overall score" in page
    for label, score in [("On-page", 64), ("Technical", 91), ("Links", 100), ("Social", 40)]:
        assert f"{label}: {score}" in page  # the category bars' accessible name
    assert "Performance: not measured" in page
    assert "is not measured by the crawl" in page
    assert 'class="segment segment-notice" data-count="16"' in page
    assert "12 pages audited" in page
    assert "Page has no H1 heading" in page and "7 pages" in page
    assert page.index("Page has no H1 heading") < page.index("Document doesn&#x27;t have a")


def test_completed_audit_shows_recommendations_in_dutch(customer_client, customer):
    report = ReportFactory(scan__website__user=customer)
    page = customer_client.get(f"/nl/app/audits/{report.scan_id}/").content.decode()
    assert "Pagina heeft geen H1-kop" in page
    assert "Page has no H1 heading" not in page


def test_failed_audit_says_why_and_offers_a_retry(customer_client, customer):
    scan = ScanFactory(
        website__user=customer,
        status=SEOScan.Status.FAILED,
        error_message="We could not load https://x.example/: connection refused",
        max_pages=50,
    )
    page = customer_client.get(f"/en/app/audits/{scan.pk}/").content.decode()
    assert "This audit failed" in page
    assert "connection refused" in page
    assert f'action="/en/app/websites/{scan.website_id}/audits/start/"' in page
    assert '<option value="50" selected>' in page
    response = customer_client.post(
        f"/en/app/websites/{scan.website_id}/audits/start/", {"max_pages": "50"}
    )
    retry = SEOScan.objects.exclude(pk=scan.pk).get()
    assert response["Location"] == f"/en/app/audits/{retry.pk}/"


def test_cancel_a_pending_audit(customer_client, customer):
    scan = ScanFactory(website__user=customer, status=SEOScan.Status.PENDING, progress=0)
    response = customer_client.post(f"/en/app/audits/{scan.pk}/cancel/", follow=True)
    scan.refresh_from_db()
    assert scan.status == SEOScan.Status.CANCELLED
    assert "The audit was cancelled." in response.content.decode()
    assert "This audit was cancelled" in response.content.decode()


def test_cancel_a_running_audit_asks_the_worker_to_stop(customer_client, customer):
    scan = ScanFactory(website__user=customer, status=SEOScan.Status.PROCESSING)
    response = customer_client.post(f"/en/app/audits/{scan.pk}/cancel/", follow=True)
    scan.refresh_from_db()
    assert scan.cancel_requested is True
    assert scan.status == SEOScan.Status.PROCESSING
    assert "The audit will stop in a moment." in response.content.decode()


def test_cancel_refuses_get(customer_client, customer):
    scan = ScanFactory(website__user=customer, status=SEOScan.Status.PENDING)
    assert customer_client.get(f"/en/app/audits/{scan.pk}/cancel/").status_code == 405
    scan.refresh_from_db()
    assert scan.status == SEOScan.Status.PENDING


def test_scan_page_links_to_support_about_this_audit(customer_client, customer):
    scan = ScanFactory(website=WebsiteFactory(user=customer))
    page = customer_client.get(f"/en/app/audits/{scan.pk}/").content.decode()
    assert f'href="/en/app/support/new/?scan={scan.pk}"' in page


# --- Cancelling gives back an audit that crawled nothing (issue 10) ---------------------------


def _started_audit(user, url: str = "https://example.com/", **crawl_options) -> SEOScan:
    """An audit started as the dashboard starts one (it counts as one of the plan's audits),
    but not queued: the test runs it itself, and a live worker of the suite must not claim it
    first."""
    website = WebsiteFactory(user=user, url=url)
    scan = scan_start(user=user, website=website, crawl_options=crawl_options, queue=False)
    assert audits_left(user) == 4
    return scan


def _cancel_when(scan: SEOScan, user, *, status: str = "", pages_stored: int = 0) -> None:
    """The customer presses Cancel (from a web request, in a thread of its own) once the
    audit has reached ``status`` or stored ``pages_stored`` pages."""

    def reached() -> bool:
        current = SEOScan.objects.filter(pk=scan.pk)
        if status:
            current = current.filter(status=status)
        return current.exists() and scan.pages.count() >= pages_stored

    def press_cancel():
        try:
            wait_for(reached, timeout=60, interval=0.05)
            scan_cancel(scan=scan, user=user)
        finally:
            connection.close()

    threading.Thread(target=press_cancel, daemon=True).start()


def test_cancelling_a_waiting_audit_gives_its_free_audit_back(customer_client, customer):
    scan = _started_audit(customer)
    for _click in range(2):  # a second click (or a second tab) gives nothing more back
        customer_client.post(f"/en/app/audits/{scan.pk}/cancel/")
    scan.refresh_from_db()
    assert scan.status == SEOScan.Status.CANCELLED and scan.refunded
    assert audits_left(customer) == 5
    page = customer_client.get("/en/app/").content.decode()
    assert re.search(
        r'<span class="stat-value">5</span>\s*<span class="stat-label">'
        r"audits left this month \(Free plan\)",
        page,
    )


@pytest.mark.django_db(transaction=True)
def test_an_audit_cancelled_before_its_first_page_gives_its_free_audit_back(customer):
    # The home page takes longer than the customer's patience and then times out: the crawl
    # stops with nothing but that timeout to show.
    with SiteServer({"/": Page(html("Slow home"), delay=8)}) as server:
        scan = _started_audit(customer, server.url + "/", request_timeout_seconds=2)
        _cancel_when(scan, customer, status=SEOScan.Status.PROCESSING)
        scan = scan_run(scan_id=scan.pk)
    assert scan.status == SEOScan.Status.CANCELLED
    assert not scan.pages.filter(status_code__isnull=False).exists()
    assert scan.refunded and audits_left(customer) == 5


@pytest.mark.django_db(transaction=True)
def test_an_audit_cancelled_after_some_pages_is_spent(customer):
    pages = {"/": Page(html("Home", body="".join(f'<a href="/p{i}">p</a>' for i in range(60))))}
    pages |= {f"/p{i}": Page(html(f"Slow {i}"), delay=0.3) for i in range(60)}
    with SiteServer(pages) as server:
        scan = _started_audit(customer, server.url + "/", concurrency=2)  # 9 s in all
        _cancel_when(scan, customer, pages_stored=2)
        scan = scan_run(scan_id=scan.pk)
    assert scan.status == SEOScan.Status.CANCELLED and scan.pages_crawled >= 1
    # The customer has a partial crawl: that was an audit.
    assert not scan.refunded and audits_left(customer) == 4
