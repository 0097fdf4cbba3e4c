"""Build stored pages the way the crawler does: FetchResult -> parse_page -> page_result_build."""

from __future__ import annotations

import pytest

from audits.checks import run_page_checks
from audits.engine.facts import parse_page
from audits.models import SEOScan, Website
from audits.storage import page_links_build, page_result_build
from tests.audits.checks.helpers import SITE, fetch_result, is_internal


@pytest.fixture
def scan(make_user) -> SEOScan:
    user = make_user()
    website = Website.objects.create(user=user, url=f"{SITE}/", name="Example")
    return SEOScan.objects.create(website=website, user=user, url=f"{SITE}/")


@pytest.fixture
def new_scan(scan):
    """Another scan of the same website, for comparing scores (finished: a website has at
    most one running audit)."""

    def create() -> SEOScan:
        return SEOScan.objects.create(
            website=scan.website, user=scan.user, url=scan.url, status=SEOScan.Status.COMPLETED
        )

    return create


@pytest.fixture
def build_page(scan):
    """An unsaved PageResult built from real fetch and parse results."""

    def build(
        html: str | None = None,
        *,
        url: str = f"{SITE}/page",
        depth: int | None = 1,
        in_sitemap: bool = False,
        blocked_by_robots: bool = False,
        site_is_https: bool = True,
        robots_blocked_bots=None,
        fetched: bool = True,
        into=None,
        **fetch_options,
    ):
        fetch = facts = None
        if fetched:
            fetch = fetch_result(url, body=html or "", **fetch_options)
            if fetch.status_code is not None and fetch.is_html and fetch.body:
                facts = parse_page(
                    fetch.body,
                    url=fetch.final_url,
                    content_type=fetch.content_type,
                    headers=fetch.headers,
                )
        page = page_result_build(
            scan=into or scan,
            fetch=fetch,
            facts=facts,
            url=url,
            depth=depth,
            in_sitemap=in_sitemap,
            blocked_by_robots=blocked_by_robots,
            site_is_https=site_is_https,
            is_internal=is_internal,
            robots_blocked_bots=robots_blocked_bots,
        )
        page._test_facts = facts
        return page

    return build


@pytest.fixture
def store_page(scan, build_page):
    """Build, check and save a page with its links and findings, as the crawler does."""

    def store(html: str | None = None, **options):
        page = build_page(html, **options)
        findings = run_page_checks(page)
        links = page_links_build(
            scan=page.scan, page=page, facts=page._test_facts, is_internal=is_internal
        )
        page.save()
        for item in (*findings, *links):
            item.save()
        return page

    return store
