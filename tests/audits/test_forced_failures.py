"""A site cannot make its own audit fail (and so free): whatever it serves is stored cleaned.

Found on PostgreSQL, which refuses what SQLite stores: a `Sitemap:` URL longer than its
column, and JSON-LD holding ``\\u0000`` (jsonb has no NUL). Lone surrogates (``\\ud800`` in
JSON-LD) cannot be encoded as UTF-8 by either database driver. CI runs these on both.
"""

import pytest

from audits.models import Finding, PageResult, SEOReport, SEOScan, Website
from audits.services.scans import scan_run, scan_start
from tests.plans import audits_left
from tests.sites import Page, SiteServer, html

pytestmark = pytest.mark.django_db

TEXT = "<p>" + "Words that make a page worth reading. " * 60 + "</p>"
DESCRIPTION = '<meta name="description" content="A page that describes itself well enough.">'


@pytest.fixture
def customer(make_user):
    return make_user(email="owner@example.com")


def audit(user, pages: dict[str, Page], *, base_pages=None) -> SEOScan:
    with SiteServer(pages) as server:
        if base_pages:
            server.pages.update(base_pages(server.url))
        website = Website.objects.create(user=user, url=server.url + "/", name="Hostile")
        scan = scan_run(scan_id=scan_start(user=user, website=website, queue=False).pk)
    return scan


def test_a_sitemap_url_longer_than_its_column_still_makes_a_report(customer):
    token = "a" * 700

    def pages(base):
        sitemap = f"/sitemap.xml?token={token}"
        return {
            "/robots.txt": Page(
                f"User-agent: *\nAllow: /\nSitemap: {base}{sitemap}\n", content_type="text/plain"
            ),
            sitemap: Page(
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{base}/</loc></url><url><loc>{base}/about</loc></url></urlset>",
                content_type="application/xml",
            ),
        }

    site = {
        "/": Page(html("Home of the test shop", head=DESCRIPTION,
                       body=f'<h1>Home</h1><a href="/about">About</a><img src="/a.png">{TEXT}')),
        "/about": Page(html(None, body=f'<h1>About</h1><a href="/">Home</a>{TEXT}')),
    }  # fmt: skip
    scan = audit(customer, site, base_pages=pages)

    assert scan.status == SEOScan.Status.COMPLETED, scan.error_message
    report = SEOReport.objects.get(scan=scan)
    assert report.has_sitemap
    limit = SEOReport._meta.get_field("sitemap_url").max_length
    assert len(report.sitemap_url) == limit and report.sitemap_url.endswith("a" * 10)
    assert Finding.objects.filter(scan=scan, check_id="document-title").exists()
    assert Finding.objects.filter(scan=scan, check_id="image-alt").exists()
    assert audits_left(customer) == 4  # a completed audit is spent


def test_json_ld_with_nul_and_lone_surrogates_still_makes_a_report(customer):
    jsonld = (
        '<script type="application/ld+json">'
        '{"@context": "https://schema.org", "@type": "Organi\\u0000zation", "name": "A\\u0000B"}'
        '</script><script type="application/ld+json">{"@type": ["Product\\ud800", "\\udfffOffer"]}'
        "</script>"
    )
    site = {
        "/": Page(html("Home of the test shop", head=DESCRIPTION + jsonld,
                       body=f'<h1>Home</h1><a href="/about">About</a><img src="/a.png">{TEXT}')),
        "/about": Page(html("About the test shop", head=jsonld,
                            body=f'<a href="/">Home</a>{TEXT}')),
    }  # fmt: skip
    scan = audit(customer, site)

    assert scan.status == SEOScan.Status.COMPLETED, scan.error_message
    home = PageResult.objects.get(scan=scan, depth=0)
    assert home.jsonld_types == ["Organization", "Product", "Offer"]
    assert SEOReport.objects.get(scan=scan).structured_data == home.jsonld_types
    assert Finding.objects.filter(scan=scan, check_id="image-alt", page=home).exists()
    assert Finding.objects.filter(
        scan=scan, check_id="missing-h1", page__url__endswith="/about"
    ).exists()
    assert audits_left(customer) == 4
