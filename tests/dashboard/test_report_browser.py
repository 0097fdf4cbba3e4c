"""The customer's journey through a report in a real browser, with a real Celery worker:
add a site, watch the audit, read the report, open a finding's pages and one page, download
the PDF and the CSV, read it in Dutch, audit again and compare, schedule weekly audits."""

import csv
import io
import re
import subprocess
import time

import pytest
from playwright.sync_api import Error as PlaywrightError

from audits.models import SEOReport, SEOScan
from audits.selectors.websites import report_recommendations
from tests.conftest import ARTIFACTS_DIR, screenshot
from tests.plans import plan_give
from tests.sites import SiteServer
from vivaseo_site.accounts.models import ScanConfiguration

from .report_site import shop_site

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


def shoot(page, name: str) -> None:
    """Screenshots at desktop and phone width, after checking nothing sticks out sideways."""
    for viewport, suffix in ((DESKTOP, ""), (PHONE, "-phone")):
        page.set_viewport_size(viewport)
        width = viewport["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        tabs_overflow = page.evaluate(
            "(() => { const tabs = document.querySelector('.report-tabs');"
            " return tabs ? tabs.scrollWidth - tabs.clientWidth : 0; })()"
        )
        assert tabs_overflow <= 1, (name, width, "the report tabs do not fit")
        screenshot(page, name + suffix)
    page.set_viewport_size(DESKTOP)


def slow_shop(base_url: str, **kwargs):
    """The shop, with product pages slow enough that the progress visibly moves."""
    pages = shop_site(base_url, products=16, **kwargs)
    pages["/products"].delay = 1.0
    for path, served in pages.items():
        if path.startswith("/products/"):
            served.delay = 2.0
    return pages


def watch_progress(page, *, timeout: float = 120) -> list[int]:
    """The percentages the progress card showed until the report replaced it."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if page.locator("#overall-heading").count():
                return seen
            percent = page.locator("[data-progress-percent]")
            if percent.count():
                value = int(percent.inner_text(timeout=1000))
                if not seen or seen[-1] != value:
                    seen.append(value)
        except (PlaywrightError, ValueError):
            pass  # the page reloaded under us
        page.wait_for_timeout(150)
    pytest.fail(f"the audit did not finish within {timeout} s (progress seen: {seen})")


def test_reading_a_report_from_first_audit_to_comparison(
    live_server, site_tree, page, make_user, celery_worker_process
):
    user = make_user(email="eva@example.com", first_name="Eva")
    plan_give(user, "standard")  # weekly audits at the end
    base = live_server.url
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/en/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", user.raw_password)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/en/app/$"))

    with SiteServer({}) as shop:
        shop.pages.update(slow_shop(shop.url))

        # Add the website; its first audit starts and the page follows the progress live.
        page.click("text=Add a website >> nth=0")
        page.fill("input[name=url]", shop.url)
        page.fill("input[name=name]", "Teak & Co")
        page.click("main form button[type=submit]")
        page.wait_for_url(re.compile(r"/en/app/audits/\d+/$"))
        seen = watch_progress(page)
        assert len(seen) >= 2 and seen == sorted(seen), seen
        scan = SEOScan.objects.get(website__user=user)
        assert scan.status == SEOScan.Status.COMPLETED, scan.error_message
        report = SEOReport.objects.get(scan=scan)

        # The overview.
        gauge = page.locator("svg.score-gauge")
        assert gauge.get_attribute("data-score") == str(report.overall_score)
        assert page.locator(".recommendation").count() >= 5
        assert "Every page we could reach" in page.locator(".callout").inner_text()
        shoot(page, "report-overview")

        # Findings, then the pages one finding affects, then one of those pages.
        page.click(".report-tabs >> text=Findings")
        page.wait_for_url(re.compile(r"/findings/$"))
        assert page.locator("details.issue").count() >= 8
        shoot(page, "report-findings")
        page.click("#check-image-alt summary")
        page.click("#check-image-alt [data-affected-pages]")
        page.wait_for_url(re.compile(r"/pages/\?check=image-alt$"))
        assert page.locator(".page-path").count() == 16
        shoot(page, "report-pages")
        page.click(".page-path >> nth=0")
        page.wait_for_url(re.compile(r"/pages/\d+/$"))
        assert "teak-" in page.locator("h1").inner_text()
        issues = page.locator(".page-issue-title").all_inner_texts()
        assert any("alt" in title for title in issues), issues
        shoot(page, "page-detail")
        page.click(".report-tabs >> text=Site facts")
        page.wait_for_url(re.compile(r"/site/$"))
        assert "Unknown directive" in page.locator("main").inner_text()
        shoot(page, "report-site")

        # Download the PDF and the findings CSV.
        page.click(".breadcrumbs >> text=Audit")
        with page.expect_download() as pdf_download:
            page.click("[data-download=pdf]")
        download = pdf_download.value
        assert download.suggested_filename.endswith(".pdf")
        assert "-seo-report-" in download.suggested_filename
        pdf_path = ARTIFACTS_DIR / "journey-report.pdf"
        download.save_as(pdf_path)
        assert pdf_path.read_bytes().startswith(b"%PDF")
        report.refresh_from_db()
        assert report.pdf_download_count == 1
        png = ARTIFACTS_DIR / "screenshots" / "journey-pdf-page1"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
             str(pdf_path), str(png)],
            check=True, timeout=60,
        )  # fmt: skip
        assert png.with_suffix(".png").stat().st_size > 10_000

        page.click(".menu summary")
        with page.expect_download() as csv_download:
            page.click("[data-download=findings-csv]")
        content = csv_download.value.path().read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(content)))
        assert rows[0][:3] == ["Check", "Issue", "Severity"]
        assert any(row[0] == "image-alt" for row in rows[1:])

        # The same report in Dutch.
        page.click("button.lang-button[value=nl]")
        page.wait_for_url(re.compile(rf"/nl/app/audits/{scan.pk}/$"))
        body = page.locator("main").text_content()
        assert "Totaalscore" in body and "Bevindingen" in body
        assert report_recommendations(report, language="nl")[0]["title"] in body
        assert report_recommendations(report, language="en")[0]["title"] not in body
        shoot(page, "report-overview-nl")
        page.click(".report-tabs >> text=Bevindingen")
        shoot(page, "report-findings-nl")
        page.click("button.lang-button[value=en]")
        page.wait_for_url(re.compile(r"/en/app/audits/\d+/findings/$"))

        # The shop adds alt text to its images; a second audit, then the comparison.
        fixed = slow_shop(shop.url)
        for path, served in fixed.items():
            if path.startswith("/products/"):
                served.body = served.body.replace('.jpg">', '.jpg" alt="A teak garden table">')
        shop.pages.clear()
        shop.pages.update(fixed)
        page.click(".breadcrumbs >> text=Teak & Co")
        page.wait_for_url(re.compile(r"/en/app/websites/\d+/$"))
        page.click("form.start-form button[type=submit]")
        page.wait_for_url(re.compile(r"/en/app/audits/\d+/$"))
        watch_progress(page)
        second = SEOScan.objects.filter(website__user=user).order_by("-pk").first()
        assert second.pk != scan.pk and second.status == SEOScan.Status.COMPLETED

    page.click("[data-compare-previous]")
    page.wait_for_url(re.compile(rf"/compare/\?old={scan.pk}&new={second.pk}$"))
    fixed_checks = page.locator("[data-compare=fixed] details").evaluate_all(
        "nodes => nodes.map(node => node.dataset.check)"
    )
    assert "image-alt" in fixed_checks
    assert page.locator("[data-compare=new] details[data-check=image-alt]").count() == 0
    shoot(page, "comparison")

    page.click(".breadcrumbs >> text=Teak & Co")
    page.wait_for_url(re.compile(r"/en/app/websites/\d+/$"))  # count() does not wait
    assert page.locator(".trend-chart-wide svg .point").count() == 2
    shoot(page, "website-history")

    # Weekly audits from now on.
    page.goto(f"{base}/en/app/account/schedule/")
    page.check("input[name=scheduled_scans_enabled]")
    page.select_option("select[name=frequency]", "weekly")
    page.click("main form button[type=submit]")
    assert "Your audit schedule was saved." in page.content()
    configuration = ScanConfiguration.objects.get(user=user)
    assert configuration.scheduled_scans_enabled and configuration.frequency == "weekly"

    page.goto(f"{base}/en/app/")
    shoot(page, "dashboard-home")
