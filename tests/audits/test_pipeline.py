"""The audit pipeline end to end: start, crawl a site on 127.0.0.1, check, score, report."""

import json
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from audits import crawl_settings
from audits.models import Finding, PageResult, SEOReport, SEOScan, Website
from audits.selectors.websites import report_recommendations
from audits.services.scans import (
    scan_cancel,
    scan_run,
    scan_start,
    scans_recover_stuck,
)
from billing.selectors import LimitReached
from tests.dashboard.factories import ScanFactory
from tests.plans import audits_left
from tests.sites import Page, SiteServer, html, redirect

pytestmark = pytest.mark.django_db


def defect_site() -> dict[str, Page]:
    """A small site with one known defect per page, and pages that are fine."""
    nav = '<a href="/">Home</a><a href="/about">About us</a><a href="/no-title">Untitled</a>'
    nav += '<a href="/gone">Gone</a><a href="/moved">Moved</a><a href="/images">Images</a>'
    good_head = '<meta name="description" content="A page that describes itself well enough.">'
    text = "<p>" + "Words that make a page worth reading. " * 60 + "</p>"
    return {
        "/": Page(html("Home of the test shop", head=good_head, body=f"<h1>Home</h1>{nav}{text}")),
        "/about": Page(
            html("About the test shop", head=good_head, body=f"<h1>About</h1>{nav}{text}")
        ),
        "/no-title": Page(html(None, head=good_head, body=f"<h1>No title</h1>{nav}{text}")),
        "/moved": redirect("/about"),
        "/images": Page(
            html(
                "Images of the test shop",
                head=good_head,
                body=f'<h1>Images</h1>{nav}<img src="/a.png">{text}',
            )
        ),  # fmt: skip
        "/robots.txt": Page("User-agent: *\nAllow: /\n", content_type="text/plain"),
    }


@pytest.fixture
def customer(make_user):
    return make_user(email="owner@example.com")


@pytest.fixture
def site():
    with SiteServer(defect_site()) as server:
        yield server


def website_for(user, url) -> Website:
    return Website.objects.create(user=user, url=url + "/", name="Test shop")


def test_scan_start_counts_an_audit_of_the_plan_and_queues_on_commit(
    customer, site, django_capture_on_commit_callbacks
):
    website = website_for(customer, site.url)
    with django_capture_on_commit_callbacks() as callbacks:
        scan = scan_start(user=customer, website=website)
    assert scan.status == SEOScan.Status.PENDING
    assert len(callbacks) == 1
    assert audits_left(customer) == 4
    # No page limit asked: the usual one, within the free plan's 100 pages.
    assert scan.max_pages == 100


def test_scan_start_refuses_another_users_website_and_an_empty_quota(customer, make_user, site):
    website = website_for(customer, site.url)
    with pytest.raises(PermissionDenied):
        scan_start(user=make_user(email="intruder@example.com"), website=website)
    ScanFactory.create_batch(5, website=website, status=SEOScan.Status.COMPLETED)
    with pytest.raises(LimitReached, match="You have used all 5 audits of your Free plan"):
        scan_start(user=customer, website=website)
    assert SEOScan.objects.count() == 5


def test_scan_run_crawls_checks_scores_and_reports(customer, site):
    website = website_for(customer, site.url)
    scan = scan_start(user=customer, website=website)
    scan = scan_run(scan_id=scan.pk)

    assert scan.status == SEOScan.Status.COMPLETED, scan.error_message
    assert scan.progress == 100 and scan.finished_because == "completed"
    urls = {page.url.removeprefix(site.url): page for page in PageResult.objects.filter(scan=scan)}
    assert {"/", "/about", "/no-title", "/moved", "/gone", "/images"} <= set(urls)
    assert urls["/gone"].status_code == 404
    assert urls["/moved"].status_code == 301
    assert urls["/"].depth == 0 and urls["/about"].depth == 1
    assert urls["/"].inlinks >= 3  # every other page links home (self-links do not count)

    def flagged(check_id):
        return {
            f.page.url.removeprefix(site.url)
            for f in Finding.objects.filter(scan=scan, check_id=check_id, page__isnull=False)
        }

    assert flagged("document-title") == {"/no-title"}
    assert "/gone" in flagged("http-status-code")
    assert flagged("image-alt") == {"/images"}
    assert "/about" not in flagged("document-title") | flagged("meta-description")

    report = SEOReport.objects.get(scan=scan)
    assert 0 < report.overall_score < 100
    assert set(report.category_scores) >= {"onpage", "technical", "content", "links", "social"}
    assert report.title == "Home of the test shop" and report.h1_tags == ["Home"]
    assert report.summary["performance"] == "not_measured"
    english = report_recommendations(report, language="en")
    dutch = report_recommendations(report, language="nl")
    assert [r["check"] for r in english] == [r["check"] for r in dutch]
    assert english[0]["title"] != dutch[0]["title"]
    assert any(r["check"] == "document-title" for r in english)


def test_scan_run_is_idempotent(customer, site):
    scan = scan_start(user=customer, website=website_for(customer, site.url))
    scan_run(scan_id=scan.pk)
    pages = PageResult.objects.filter(scan=scan).count()
    requests = len(site.requests)
    assert scan_run(scan_id=scan.pk) is None  # a re-delivered task does nothing
    assert PageResult.objects.filter(scan=scan).count() == pages
    assert len(site.requests) == requests


def test_oversized_social_tags_on_the_start_page_still_make_a_report(customer):
    """A 3 KB og:image (a signed CDN link) must not break the report's URL columns."""
    image = "https://cdn.example.com/i.jpg?sig=" + "a" * 3000
    head = (
        f'<meta property="og:image" content="{image}">'
        f'<meta name="twitter:image" content="{image}">'
        f'<meta name="twitter:card" content="{"summary_large_image" * 10}">'
    )
    with SiteServer({"/": Page(html("Home", head=head, body="<h1>Home</h1>"))}) as server:
        scan = scan_start(user=customer, website=website_for(customer, server.url))
        scan = scan_run(scan_id=scan.pk)
    assert scan.status == SEOScan.Status.COMPLETED, scan.error_message
    assert scan.report.og_image == image[:2048] and len(scan.report.twitter_card) == 50


def test_unreachable_site_fails_with_a_clear_message_and_is_not_refunded(customer):
    """The site's doing, not ours: the free audit is spent (else a site could make itself
    free to audit by refusing the first request)."""
    website = Website.objects.create(user=customer, url="http://127.0.0.1:9/", name="Down")
    scan = scan_start(user=customer, website=website)
    scan = scan_run(scan_id=scan.pk)
    assert scan.status == SEOScan.Status.FAILED
    assert scan.failure == SEOScan.Failure.SITE
    assert "We could not load http://127.0.0.1:9/" in scan.error_message
    assert not scan.refunded and audits_left(customer) == 4


def test_a_failure_on_our_side_fails_the_audit_and_refunds(customer, site, monkeypatch):
    """Our bug (here: scoring raises after a real crawl) costs the customer nothing."""

    def broken_scoring(**kwargs):
        raise ZeroDivisionError("a bug of ours")

    monkeypatch.setattr("audits.services.scans.scan_scores", broken_scoring)
    scan = scan_start(user=customer, website=website_for(customer, site.url))
    scan = scan_run(scan_id=scan.pk)
    assert scan.status == SEOScan.Status.FAILED
    assert scan.failure == SEOScan.Failure.INTERNAL
    assert "on our side" in scan.error_message and "ZeroDivisionError" in scan.error_message
    assert PageResult.objects.filter(scan=scan).count() >= 5  # it crawled before it broke
    assert scan.refunded and audits_left(customer) == 5


@pytest.mark.django_db(transaction=True)
def test_cancel_request_stops_a_running_crawl(customer):
    pages = {"/": Page(html("Home", body="".join(f'<a href="/p{i}">p</a>' for i in range(60))))}
    pages |= {f"/p{i}": Page(html(f"Slow {i}"), delay=0.2) for i in range(60)}
    with SiteServer(pages) as server:
        website = website_for(customer, server.url)
        scan = scan_start(user=customer, website=website, crawl_options={"concurrency": 2})
        # The customer cancels (from a web request) while the crawl runs; the pipeline reads
        # it at its next progress beat.
        threading.Timer(1.5, lambda: scan_cancel(scan=scan, user=customer)).start()
        scan = scan_run(scan_id=scan.pk)
    assert scan.status == SEOScan.Status.CANCELLED
    assert 1 <= scan.pages_crawled < 40


def test_stuck_scans_are_retried_once_then_failed_with_a_message(
    customer, site, django_capture_on_commit_callbacks
):
    scan = scan_start(user=customer, website=website_for(customer, site.url))
    stale = timezone.now() - timedelta(seconds=crawl_settings.STUCK_AFTER_SECONDS + 5)
    SEOScan.objects.filter(pk=scan.pk).update(
        status=SEOScan.Status.PROCESSING, heartbeat_at=stale, attempts=1
    )
    with django_capture_on_commit_callbacks() as callbacks:
        assert scans_recover_stuck() == {"retried": 1, "failed": 0, "requeued": 0}
    assert len(callbacks) == 1
    # The retry claims it again and finishes it.
    assert scan_run(scan_id=scan.pk).status == SEOScan.Status.COMPLETED

    second = scan_start(user=customer, website=Website.objects.get(pk=scan.website_id))
    SEOScan.objects.filter(pk=second.pk).update(
        status=SEOScan.Status.PROCESSING, heartbeat_at=stale, attempts=2
    )
    assert audits_left(customer) == 3
    assert scans_recover_stuck() == {"retried": 0, "failed": 1, "requeued": 0}
    second.refresh_from_db()
    assert second.status == SEOScan.Status.FAILED
    assert second.failure == SEOScan.Failure.WORKER_LOST
    assert "stopped responding" in second.error_message
    assert audits_left(customer) == 4  # our worker died: the second audit is given back


def test_audit_command_writes_the_json_report(site, tmp_path):
    out = tmp_path / "report.json"
    call_command("audit", site.url + "/", "--max-pages", "20", "--json", str(out))
    report = json.loads(out.read_text())
    assert report["start_url"] == site.url + "/"
    assert report["finished_because"] == "completed"
    assert {"score", "category_scores", "site", "pages", "findings", "recommendations"} <= set(
        report
    )
    page = next(p for p in report["pages"] if p["url"] == site.url + "/no-title")
    assert page["title"] is None and "document-title" in page["findings"]
    assert {"robots_txt", "sitemaps", "https"} <= set(report["site"])
    # The throwaway scan is gone afterwards.
    assert not SEOScan.objects.exists()


def test_audit_command_writes_the_report_in_the_language_asked_for(site, tmp_path):
    out = tmp_path / "report.json"
    call_command("audit", site.url + "/", "--language", "nl", "--json", str(out))
    details = {
        finding["check"]: finding["detail"] for finding in json.loads(out.read_text())["findings"]
    }
    assert details["document-title"] == "geen <title>-element"


def test_a_pending_audit_whose_message_was_lost_is_queued_again_once_per_interval(
    customer, site, django_capture_on_commit_callbacks
):
    scan = scan_start(user=customer, website=website_for(customer, site.url))
    # The broker lost the message: nothing claimed the scan for longer than a worker may take.
    lost = timezone.now() - timedelta(seconds=crawl_settings.STUCK_AFTER_SECONDS + 5)
    SEOScan.objects.filter(pk=scan.pk).update(created=lost)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert scans_recover_stuck() == {"retried": 0, "failed": 0, "requeued": 1}
        # The next beat tick does not flood the queue with the same scan.
        assert scans_recover_stuck() == {"retried": 0, "failed": 0, "requeued": 0}
    assert len(callbacks) == 1
    assert scan_run(scan_id=scan.pk).status == SEOScan.Status.COMPLETED
