"""The customer dashboard in a real browser, with a real Celery worker running the audit."""

import re

import pytest

from audits.models import SEOScan, Website
from audits.services.announcements import scan_finished_announce
from tests.conftest import screenshot
from tests.plans import plan_give
from tests.sites import Page, SiteServer, html
from vivaseo_site.notifications.services import notification_create

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def bakery_site() -> dict[str, Page]:
    nav = '<nav><a href="/">Home</a> <a href="/bread">Bread</a> <a href="/cakes">Cakes</a> ' \
          '<a href="/contact">Contact</a></nav>'  # fmt: skip
    products = "".join(f'<a href="/bread/{i}">Loaf {i}</a> ' for i in range(6))
    site = {
        "/": Page(
            html(
                "Bakery de Vries", body=f'{nav}<h1>Fresh bread</h1>{products}<img src="/logo.png">'
            )
        ),  # fmt: skip
        "/bread": Page(html("Bread", body=f"{nav}<h1>Bread</h1>{products}"), delay=0.3),
        "/cakes": Page(html("Cakes", body=f"{nav}<p>No heading here</p>"), delay=0.3),
        "/contact": Page(html(None, body=f"{nav}<h1>Contact</h1>"), delay=0.3),
    }
    site |= {
        f"/bread/{i}": Page(html(f"Loaf {i}", body=f"{nav}<h1>Loaf {i}</h1>"), delay=0.3)
        for i in range(6)
    }
    return site


def shoot(page, name: str) -> None:
    """Screenshot, after checking nothing sticks out sideways."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    screenshot(page, name)


def log_in(page, base_url, email, password):
    page.goto(f"{base_url}/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/en/app/$"))


def test_customer_journey_through_the_dashboard(
    live_server, site_tree, page, make_user, celery_worker_process
):
    user = make_user(email="ana@example.com", first_name="Ana")
    base = live_server.url
    log_in(page, base, user.email, user.raw_password)
    assert page.locator("h1").inner_text() == "Welcome back, Ana"
    assert "5 of 5 audits left this month" in page.locator(".dash-nav").inner_text()
    shoot(page, "dashboard-home-empty")

    with SiteServer(bakery_site()) as site:
        # Add a website: its first audit starts and the page follows it live.
        page.click("text=Add a website >> nth=0")
        page.wait_for_url(re.compile(r"/en/app/websites/add/$"))
        page.fill("input[name=url]", site.url)
        page.fill("input[name=name]", "Bakery de Vries")
        shoot(page, "dashboard-website-add")
        page.click("main form button[type=submit]")
        page.wait_for_url(re.compile(r"/en/app/audits/\d+/$"))
        scan = SEOScan.objects.get(website__user=user)
        assert scan.scan_type == SEOScan.ScanType.INITIAL
        assert page.locator("[data-scan-progress]").is_visible()
        shoot(page, "dashboard-scan-progress")
        # scan-progress.js polls status.json and reloads the page when the audit is done.
        page.wait_for_selector("text=Overall score", timeout=90_000)
    scan.refresh_from_db()
    assert scan.status == SEOScan.Status.COMPLETED, scan.error_message
    gauge = page.locator("svg.score-gauge")
    assert gauge.get_attribute("data-score") == str(scan.report.overall_score)
    assert page.locator(".recommendation").count() >= 1
    shoot(page, "dashboard-scan-complete")

    # The website page lists the audit; the home page shows the score.
    page.click(".breadcrumbs >> text=Bakery de Vries")
    page.wait_for_url(re.compile(r"/en/app/websites/\d+/$"))
    assert page.locator("table.table tbody tr").count() == 1
    shoot(page, "dashboard-website")
    page.click(".dash-nav >> text=Websites")
    assert "4 of 5 audits left this month" in page.locator(".dash-nav").inner_text()
    shoot(page, "dashboard-websites")

    # The pipeline's last step announces the audit; the header badge and the centre show it.
    scan_finished_announce(scan_id=scan.pk)
    notification_create(
        user=user,
        kind="system",
        title="Scheduled audits are available",
        message="Audit your sites every week, automatically.",
        action_url="/en/app/account/schedule/",
    )
    page.click(".dash-nav >> text=Overview")
    assert page.locator(".header-badge").inner_text() == "2"
    shoot(page, "dashboard-home")
    page.click(".header-bell")
    page.wait_for_url(re.compile(r"/en/app/notifications/\?show=unread$"))
    assert page.locator(".notification").count() == 2
    shoot(page, "dashboard-notifications")
    page.click(".notification >> nth=0 >> text=Mark as read")
    assert page.locator(".header-badge").inner_text() == "1"

    # Ask support about the audit.
    page.click(".dash-nav >> text=Support")
    page.click("text=New question >> nth=0")
    page.fill("input[name=subject]", "What does the H1 finding mean?")
    page.select_option("select[name=scan]", str(scan.pk))
    page.fill("textarea[name=message]", "The cakes page is flagged. Why?")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/en/app/support/\d+/$"))
    assert "The cakes page is flagged. Why?" in page.content()
    shoot(page, "dashboard-ticket")

    # Switch to Dutch: the same page, in Dutch.
    page.click("button.lang-button[value=nl]")
    page.wait_for_url(re.compile(r"/nl/app/support/\d+/$"))
    assert page.locator("html").get_attribute("lang") == "nl"
    assert "Meldingen" in page.locator(".dash-nav").inner_text()
    shoot(page, "dashboard-ticket-nl")
    page.click(".dash-nav >> text=Overzicht")
    page.wait_for_url(re.compile(r"/nl/app/$"))
    shoot(page, "dashboard-home-nl")
    page.goto(f"{base}/nl/app/audits/{scan.pk}/")
    assert "Totaalscore" in page.content()
    shoot(page, "dashboard-scan-complete-nl")

    # Account pages.
    page.goto(f"{base}/en/app/account/")
    shoot(page, "dashboard-account")
    page.goto(f"{base}/en/app/account/schedule/")
    # The free plan has no schedules: the page says so, with the way to a plan that has.
    refused = page.locator("[data-plan-refused=schedule_audits]")
    assert "Scheduled audits are not included in your Free plan." in refused.inner_text()
    page.check("input[name=scheduled_scans_enabled]")
    page.click("main form button[type=submit]")
    assert "Your audit schedule was saved." not in page.content()
    shoot(page, "dashboard-schedule-refused")
    plan_give(user, "standard")  # as staff give a plan in the admin
    page.goto(f"{base}/en/app/account/schedule/")
    assert not page.locator("[data-plan-refused=schedule_audits]").count()
    page.check("input[name=scheduled_scans_enabled]")
    page.select_option("select[name=frequency]", "weekly")
    page.click("main form button[type=submit]")
    assert "Your audit schedule was saved." in page.content()
    shoot(page, "dashboard-schedule")

    # On a phone the sidebar is a bar above the page and tables become cards.
    page.set_viewport_size(PHONE)
    for path, name in [
        ("/en/app/", "dashboard-home-phone"),
        ("/en/app/websites/", "dashboard-websites-phone"),
        (f"/en/app/audits/{scan.pk}/", "dashboard-scan-phone"),
        ("/en/app/notifications/", "dashboard-notifications-phone"),
    ]:
        page.goto(base + path)
        nav_box = page.locator(".dash-nav").bounding_box()
        main_box = page.locator(".dash-main").bounding_box()
        assert nav_box["y"] < main_box["y"] and nav_box["width"] >= 380
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, name)
    assert Website.objects.filter(user=user).count() == 1


def test_dashboard_pages_fit_a_phone(live_server, site_tree, page, make_user):
    from .factories import (
        NotificationFactory,
        ReportFactory,
        ScanFactory,
        TicketFactory,
        WebsiteFactory,
    )

    user = make_user(email="phone@example.com", first_name="Sam")
    for name, scores in [("Bakery de Vries", (61, 74)), ("Garden centre", (88, 80)),
                         ("Bike repair shop with a long name", (95, 95))]:  # fmt: skip
        website = WebsiteFactory(user=user, name=name)
        for score in scores:
            ReportFactory(scan__website=website, overall_score=score)
    running = ScanFactory(
        website__user=user, website__name="New shop", status=SEOScan.Status.PROCESSING,
        progress=46, progress_step="Crawling pages (31 found)", pages_crawled=28,
    )  # fmt: skip
    failed = ScanFactory(
        website=running.website, status=SEOScan.Status.FAILED,
        error_message="We could not load https://new.example/: the connection timed out.",
    )  # fmt: skip
    NotificationFactory(user=user, kind="scan_complete", title="Audit of Bakery de Vries complete",
                        message="Score 74/100 across 12 pages.", action_url="/en/app/")  # fmt: skip
    NotificationFactory(user=user, kind="scan_failed", title="Audit of New shop failed",
                        message=failed.error_message, priority="high")  # fmt: skip
    TicketFactory(user=user, subject="Why is my sitemap missing?")
    log_in(page, live_server.url, user.email, user.raw_password)
    pages = [
        ("/en/app/", "home"),
        ("/en/app/websites/", "websites"),
        (f"/en/app/websites/{running.website_id}/", "website-running"),
        (f"/en/app/audits/{running.pk}/", "scan-running"),
        (f"/en/app/audits/{failed.pk}/", "scan-failed"),
        ("/en/app/notifications/", "notifications"),
        ("/en/app/support/", "support"),
        ("/en/app/support/new/", "support-new"),
        ("/en/app/account/", "account"),
        ("/en/app/account/schedule/", "schedule"),
        ("/en/app/account/delete/", "account-delete"),
    ]
    for width, suffix in [(1280, "desktop"), (PHONE["width"], "phone")]:
        page.set_viewport_size({"width": width, "height": 860})
        for path, name in pages:
            page.goto(live_server.url + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            screenshot(page, f"dashboard-{name}-{suffix}")
