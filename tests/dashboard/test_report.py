"""Reading a completed audit: the overview, findings by check, the pages and one page, the
site facts, in English and Dutch. The rows come from the real engine auditing a shop with
known defects (tests/dashboard/report_site.py) on 127.0.0.1."""

import re

import pytest
from django.utils.html import escape

from audits.checks.registry import get_check
from audits.models import Finding, PageResult, SEOScan
from audits.selectors.websites import report_recommendations

from .factories import ScanFactory

pytestmark = pytest.mark.django_db


def path_of(scan, url_path):
    return PageResult.objects.get(scan=scan, url=scan.url.rstrip("/") + url_path)


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def text_of(page):
    """The visible text of an HTML page, whitespace collapsed (for phrases split by markup)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def audited(shop, run_audit):
    return run_audit(shop)


def test_overview_shows_the_scores_numbers_and_how_the_audit_ended(customer_client, audited):
    report = audited.report
    page = html_of(customer_client.get(f"/en/app/audits/{audited.pk}/"))
    assert f'data-score="{report.overall_score}"' in page  # the gauge
    assert 'class="chart category-bars"' in page and "Performance: not measured" in page
    assert "is not measured by the crawl" in page
    critical = report.summary["by_severity"]["critical"]
    assert f'class="segment segment-critical" data-count="{critical}"' in page  # the donut
    assert f"{audited.pages_crawled} pages audited" in page
    assert 'data-finished-because="completed"' in page
    assert "Every page we could reach from the start page was audited" in page
    # Downloads and tabs.
    for suffix in ("report.pdf", "findings.csv", "pages.csv", "findings/", "pages/", "site/"):
        assert f'href="/en/app/audits/{audited.pk}/{suffix}"' in page
    assert "Compare with previous" not in page  # the first audit of the site


def test_overview_recommendations_link_to_their_findings_and_pages(customer_client, audited):
    page = html_of(customer_client.get(f"/en/app/audits/{audited.pk}/"))
    recommendations = report_recommendations(audited.report, language="en")
    first = recommendations[0]
    assert first["severity"] == "critical"
    assert f"/findings/?check={first['check']}" in page
    assert "/pages/?check=image-alt" in page
    assert escape(get_check("image-alt").text("how_to_fix", "en")) in page
    titles = [item["title"] for item in recommendations[:10]]
    positions = [page.index(escape(title)) for title in titles]
    assert positions == sorted(positions)


def test_overview_explains_an_audit_stopped_by_the_page_limit(customer_client, shop, run_audit):
    whole = run_audit(shop)
    scan = run_audit(shop, max_pages=3)
    # The limit is exact (a redirect and its target are two pages), and what the crawl found
    # beyond it is counted: with the pages it did crawl, every URL of the whole site.
    assert scan.finished_because == "max_pages" and scan.pages_crawled == 3
    left = scan.report.site["urls_not_crawled"]
    assert left == whole.pages_crawled - 3
    assert whole.report.site["urls_not_crawled"] == 0
    page = html_of(customer_client.get(f"/en/app/audits/{scan.pk}/"))
    assert (
        f"The audit stopped at the 3-page limit: {left} more URLs were found but not checked."
        in text_of(page)
    )
    assert f"{left} more URLs found but not crawled" in text_of(page)
    assert "callout-warning" in page


def test_findings_are_grouped_by_check_with_why_and_how_to_fix(customer_client, audited):
    page = html_of(customer_client.get(f"/en/app/audits/{audited.pk}/findings/"))
    failing = set(Finding.objects.filter(scan=audited).values_list("check_id", flat=True))
    assert re.findall(r'data-check="([a-z0-9-]+)"', page).__len__() == len(failing)
    for check_id in ("image-alt", "missing-h1", "document-title", "robots-txt"):
        check = get_check(check_id)
        block = page[page.index(f'id="check-{check_id}"') :]
        block = block[: block.index("</details>")]
        assert escape(check.text("failure_title", "en")) in block
        assert escape(check.text("why", "en")) in block
        assert f"badge-{check.severity}" in block
    # A 404 page is not judged on what it says: /missing (the server's 404 page, which has no
    # meta description) is not one of the pages "without a meta description"; /about is.
    assert path_of(audited, "/missing").status_code == 404
    description = page[page.index('id="check-meta-description"') :]
    assert re.search(r"\b1 page\b", text_of(description[: description.index("</summary>")]))
    assert set(
        Finding.objects.filter(scan=audited, check_id="meta-description").values_list(
            "page__url", flat=True
        )
    ) == {audited.url.rstrip("/") + "/about"}
    image_alt = page[page.index('id="check-image-alt"') :]
    assert "4 pages" in image_alt[: image_alt.index("</summary>")]
    assert f"/en/app/audits/{audited.pk}/pages/?check=image-alt" in image_alt
    # A problem of the whole site shows what was found.
    robots = page[page.index('id="check-robots-txt"') :]
    robots = robots[: robots.index("</details>")]
    assert "Whole site" in robots and "line 2: Unknown directive" in robots
    # Critical checks come first.
    severities = re.findall(r'<details class="issue issue-(\w+)"', page)
    assert severities == sorted(severities, key=["critical", "warning", "notice"].index)


def test_findings_filter_by_severity_and_category(customer_client, audited):
    url = f"/en/app/audits/{audited.pk}/findings/"
    critical = html_of(customer_client.get(url, {"severity": "critical"}))
    shown = set(re.findall(r'data-check="([a-z0-9-]+)"', critical))
    assert shown == set(
        Finding.objects.filter(scan=audited, severity="critical").values_list("check_id", flat=True)
    )
    social = html_of(customer_client.get(url, {"category": "social"}))
    assert set(re.findall(r'data-check="([a-z0-9-]+)"', social)) == {
        "open-graph-missing",
        "twitter-card-missing",
    }
    assert "Clear filters" in social
    # Each chip keeps the other filter.
    assert 'href="?category=social&amp;severity=notice"' in social
    nothing = html_of(customer_client.get(url, {"severity": "critical", "category": "social"}))
    assert "No findings match these filters." in nothing
    # Unknown values are ignored, not errors.
    assert customer_client.get(url, {"severity": "bogus", "check": "<x>"}).status_code == 200


def test_a_findings_pages_list_shows_exactly_the_affected_pages(customer_client, audited):
    page = html_of(customer_client.get(f"/en/app/audits/{audited.pk}/pages/?check=image-alt"))
    listed = set(re.findall(r'class="page-path" href="[^"]+" title="([^"]+)"', page))
    assert listed == {audited.url + f"products/teak-{i}" for i in range(4)}
    assert "4 pages" in page
    assert escape(get_check("image-alt").text("failure_title", "en")) in page
    assert "teak-0.jpg" in page  # each page's finding detail: the image without alt


def test_pages_paginate_by_25_and_keep_filters(customer_client, make_user, run_audit):
    from tests.sites import SiteServer

    from .report_site import shop_site

    with SiteServer({}) as server:
        server.pages.update(shop_site(server.url, products=30))
        scan = run_audit(server)
    total = PageResult.objects.filter(scan=scan).count()
    assert total > 25
    url = f"/en/app/audits/{scan.pk}/pages/"
    first = html_of(customer_client.get(url))
    assert first.count('class="page-path"') == 25
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    second = html_of(customer_client.get(url, {"page": 2}))
    assert second.count('class="page-path"') == total - 25
    # Filters survive paging.
    filtered = html_of(customer_client.get(url, {"category": "content"}))
    assert 'href="?category=content&amp;page=2"' in filtered


def test_pages_search_by_url_or_title_and_filter_by_status(customer_client, audited):
    url = f"/en/app/audits/{audited.pk}/pages/"

    def listed(**query):
        page = html_of(customer_client.get(url, query))
        return {
            found.removeprefix(audited.url.rstrip("/"))
            for found in re.findall(r'class="page-path" href="[^"]+" title="([^"]+)"', page)
        }

    assert listed(q="teak-2") == {"/products/teak-2"}
    assert listed(q="workshop") == {"/about", "/products"}  # titles match too
    assert listed(status="error") == {"/missing"}
    assert listed(status="redirect") == {"/old-offers"}
    assert listed(severity="critical", q="teak-1") == {"/products/teak-1"}
    assert listed(category="social", q="missing") == set()
    assert "No pages match these filters." in html_of(customer_client.get(url, {"q": "nowhere"}))


def test_page_detail_shows_what_the_engine_stored(customer_client, audited):
    product = path_of(audited, "/products/teak-1")
    page = html_of(customer_client.get(f"/en/app/audits/{audited.pk}/pages/{product.pk}/"))
    text = text_of(page)
    assert "Teak table 1, hand-made in Utrecht" in page
    assert "A solid teak garden table" in page
    assert "Time to first byte" in page and "Click depth" in page
    assert "Indexable Yes" in text and "In the sitemap No" in text
    assert "H1 Missing" in text
    for check_id in ("image-alt", "missing-h1", "duplicate-description"):
        check = get_check(check_id)
        assert escape(check.text("how_to_fix", "en")) in page
    assert "teak-1.jpg" in page  # the finding's detail
    assert "Linked from" in page and 'title="' + audited.url + 'products"' in page


def test_page_detail_shows_a_redirect_chain_and_a_404(customer_client, audited):
    moved = path_of(audited, "/old-offers")
    page = html_of(customer_client.get(f"/en/app/audits/{audited.pk}/pages/{moved.pk}/"))
    assert 'class="redirect-chain"' in page and audited.url + "products" in page
    missing = path_of(audited, "/missing")
    page = html_of(customer_client.get(f"/en/app/audits/{audited.pk}/pages/{missing.pk}/"))
    assert '<span class="http http-error">404</span>' in page
    assert "not a 2xx answer" in page


def test_a_page_of_another_audit_is_a_404(customer_client, shop, run_audit):
    first = run_audit(shop)
    second = run_audit(shop)
    other_page = PageResult.objects.filter(scan=first).first()
    response = customer_client.get(f"/en/app/audits/{second.pk}/pages/{other_page.pk}/")
    assert response.status_code == 404


def test_site_facts_show_robots_txt_sitemaps_and_https(customer_client, audited):
    page = html_of(customer_client.get(f"/en/app/audits/{audited.pk}/site/"))
    text = text_of(page)
    assert "Served over HTTPS No" in text
    assert "None (no HTTPS)" in page
    assert "Disalow: /tmp" in page and "Unknown directive" in page
    assert "Invalid sitemap URL" in page
    assert '<span class="badge badge-warning">2</span>' in page
    assert audited.url + "sitemap.xml" in page and "Default location" in page
    assert "4 URLs listed" in page


def test_the_report_reads_in_dutch(customer_client, audited):
    base = f"/nl/app/audits/{audited.pk}/"
    overview = html_of(customer_client.get(base))
    assert "Totaalscore" in overview and "Wat je het eerst moet verbeteren" in overview
    assert "Hoe de audit eindigde:" in overview
    assert escape(report_recommendations(audited.report, language="nl")[0]["title"]) in overview
    findings = html_of(customer_client.get(base + "findings/"))
    check = get_check("image-alt")
    assert escape(check.text("failure_title", "nl")) in findings
    assert escape(check.text("failure_title", "en")) not in findings
    assert "Waarom het ertoe doet" in findings and "Zo los je het op" in findings
    assert "Hele site" in findings
    pages = html_of(customer_client.get(base + "pages/"))
    assert "Zoeken" in pages and "URL of titel" in pages
    site = html_of(customer_client.get(base + "site/"))
    assert "Onbekende instructie" in site and "Standaardlocatie" in site
    product = path_of(audited, "/products/teak-0")
    detail = html_of(customer_client.get(f"{base}pages/{product.pk}/"))
    assert "Tijd tot eerste byte" in detail and "Gelinkt vanaf" in detail


def test_tabs_of_an_unfinished_audit_lead_back_to_its_progress(customer_client, customer):
    scan = ScanFactory(website__user=customer, status=SEOScan.Status.PROCESSING, progress=40)
    for suffix in ("findings/", "pages/", "site/", "pages/1/"):
        response = customer_client.get(f"/en/app/audits/{scan.pk}/{suffix}")
        assert response.status_code == 302
        assert response["Location"] == f"/en/app/audits/{scan.pk}/"
    for suffix in ("findings.csv", "pages.csv", "report.pdf"):
        assert customer_client.get(f"/en/app/audits/{scan.pk}/{suffix}").status_code == 404


def test_report_pages_answer_get_only(customer_client, audited):
    for suffix in ("findings/", "pages/", "site/"):
        assert customer_client.post(f"/en/app/audits/{audited.pk}/{suffix}").status_code == 405
