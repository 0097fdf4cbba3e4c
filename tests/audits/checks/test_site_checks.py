"""Site checks: database queries over stored pages and links, each with a near miss."""

from __future__ import annotations

import pytest

from audits.checks import run_site_checks
from audits.checks import runner as runner_module
from audits.checks.registry import site_checks
from audits.models import Finding
from tests.audits.checks.helpers import SITE, clean_page, site_facts

pytestmark = pytest.mark.django_db

HOME = f"{SITE}/"


def findings_by_url(scan, check_id: str) -> dict[str | None, str]:
    rows = Finding.objects.filter(scan=scan, check_id=check_id).order_by("id")
    return {row.page.url if row.page else None: row.detail for row in rows}


def run(scan, **site_overrides) -> int:
    return run_site_checks(scan=scan, site=site_facts(**site_overrides))


def test_healthy_site_has_no_site_findings(scan, store_page):
    store_page(clean_page(body='<a href="/tables">Tables</a>'), url=HOME, depth=0, in_sitemap=True)
    store_page(
        clean_page(
            title="Oak tables made to measure",
            description="Every oak table we make is measured, cut, joined and oiled by hand, "
            "then delivered by our own team.",
            text="Our tables. " * 120,
            body='<a href="/">Home</a>',
        ),
        url=f"{SITE}/tables",
        in_sitemap=True,
    )

    assert run(scan) == 0


def test_duplicate_title_flags_only_indexable_self_canonical_pages(scan, store_page):
    title = "Oak tables made to measure"
    store_page(clean_page(title=title), url=f"{SITE}/a")
    store_page(clean_page(title=title, text="Other words entirely."), url=f"{SITE}/b")
    store_page(clean_page(title="A different title for chairs"), url=f"{SITE}/c")
    store_page(
        clean_page(title=title, extra='<meta name="robots" content="noindex">'), url=f"{SITE}/d"
    )
    store_page(
        clean_page(title=title, extra=f'<link rel="canonical" href="{SITE}/a">'), url=f"{SITE}/e"
    )

    run(scan)

    assert findings_by_url(scan, "duplicate-title") == {
        f"{SITE}/a": f"2 pages: {title}",
        f"{SITE}/b": f"2 pages: {title}",
    }


def test_duplicate_description(scan, store_page):
    store_page(clean_page(), url=f"{SITE}/a")
    store_page(clean_page(text="Chairs."), url=f"{SITE}/b")
    store_page(clean_page(description="Oak chairs " * 10), url=f"{SITE}/c")

    run(scan)

    assert set(findings_by_url(scan, "duplicate-description")) == {f"{SITE}/a", f"{SITE}/b"}


def test_duplicate_content(scan, store_page):
    store_page(clean_page(title="First page about oak tables"), url=f"{SITE}/a")
    store_page(clean_page(title="Second page about oak tables"), url=f"{SITE}/b")
    store_page(clean_page(text="Entirely different text about chairs."), url=f"{SITE}/c")

    run(scan)

    assert findings_by_url(scan, "duplicate-content") == {
        f"{SITE}/a": "same text as 1 other page",
        f"{SITE}/b": "same text as 1 other page",
    }


def test_broken_internal_links_are_reported_on_the_linking_page(scan, store_page):
    store_page(
        clean_page(body='<a href="/gone">Gone</a><a href="/ok">Ok</a><a href="/slow">S</a>'),
        url=f"{SITE}/a",
    )
    store_page(clean_page(body='<a href="/ok">Ok</a>'), url=f"{SITE}/b")
    store_page(clean_page(), url=f"{SITE}/gone", status_code=404)
    store_page(clean_page(), url=f"{SITE}/ok")
    store_page(url=f"{SITE}/slow", status_code=None, error="timeout")

    run(scan)

    assert findings_by_url(scan, "broken-internal-links") == {
        f"{SITE}/a": f"{SITE}/gone (HTTP 404)\n{SITE}/slow (no answer in time)"
    }


def test_links_to_redirects_and_nofollow_links(scan, store_page):
    store_page(
        clean_page(body='<a href="/old">Old</a><a href="/new" rel="nofollow">New</a>'),
        url=f"{SITE}/a",
    )
    store_page(clean_page(body='<a href="/new">New</a>'), url=f"{SITE}/b")
    store_page(
        url=f"{SITE}/old",
        status_code=301,
        redirect_chain=[(f"{SITE}/old", 301)],
        final_url=f"{SITE}/new",
        content_type=None,
    )
    store_page(clean_page(), url=f"{SITE}/new")

    run(scan)

    assert findings_by_url(scan, "redirecting-internal-links") == {
        f"{SITE}/a": f"{SITE}/old -> {SITE}/new"
    }
    assert findings_by_url(scan, "internal-nofollow-links") == {f"{SITE}/a": f"{SITE}/new"}


def test_orphan_pages(scan, store_page):
    store_page(
        clean_page(body='<a href="/linked">L</a><a href="/moved">M</a>'),
        url=HOME,
        depth=0,
        in_sitemap=True,
    )
    store_page(clean_page(), url=f"{SITE}/linked", in_sitemap=True)
    store_page(clean_page(), url=f"{SITE}/orphan", in_sitemap=True, depth=None)
    store_page(clean_page(), url=f"{SITE}/not-in-sitemap", depth=None)
    store_page(
        url=f"{SITE}/moved",
        status_code=301,
        redirect_chain=[(f"{SITE}/moved", 301)],
        final_url=f"{SITE}/moved-here",
        content_type=None,
    )
    store_page(clean_page(), url=f"{SITE}/moved-here", in_sitemap=True)

    run(scan)

    assert set(findings_by_url(scan, "orphan-pages")) == {f"{SITE}/orphan"}


def test_canonical_targets(scan, store_page):
    def canonical_to(path: str) -> str:
        return clean_page(extra=f'<link rel="canonical" href="{SITE}{path}">')

    store_page(canonical_to("/redirecting"), url=f"{SITE}/p1")
    store_page(canonical_to("/gone"), url=f"{SITE}/p2")
    store_page(canonical_to("/copy"), url=f"{SITE}/p3")
    store_page(canonical_to("/hidden"), url=f"{SITE}/p4")
    store_page(canonical_to("/main"), url=f"{SITE}/p5")
    store_page(canonical_to("/not-crawled"), url=f"{SITE}/p6")
    store_page(
        url=f"{SITE}/redirecting",
        status_code=308,
        redirect_chain=[(f"{SITE}/redirecting", 308)],
        final_url=f"{SITE}/main",
        content_type=None,
    )
    store_page(clean_page(), url=f"{SITE}/gone", status_code=410)
    store_page(canonical_to("/main"), url=f"{SITE}/copy")
    store_page(clean_page(extra='<meta name="robots" content="noindex">'), url=f"{SITE}/hidden")
    store_page(canonical_to("/main"), url=f"{SITE}/main")

    run(scan)

    assert findings_by_url(scan, "canonical-to-redirect") == {
        f"{SITE}/p1": f"{SITE}/redirecting -> {SITE}/main"
    }
    assert findings_by_url(scan, "canonical-to-error") == {f"{SITE}/p2": f"{SITE}/gone: HTTP 410"}
    assert findings_by_url(scan, "canonical-to-non-canonical") == {
        f"{SITE}/p3": f"{SITE}/copy -> {SITE}/main"
    }
    assert findings_by_url(scan, "canonical-to-noindex") == {
        f"{SITE}/p4": f"{SITE}/hidden: noindex"
    }


def test_sitemap_lists_only_indexable_canonical_200_pages(scan, store_page):
    store_page(clean_page(), url=f"{SITE}/fine", in_sitemap=True)
    store_page(
        clean_page(extra='<meta name="robots" content="noindex">'),
        url=f"{SITE}/noindex",
        in_sitemap=True,
    )
    store_page(url=f"{SITE}/private", in_sitemap=True, fetched=False, blocked_by_robots=True)
    store_page(
        clean_page(extra=f'<link rel="canonical" href="{SITE}/fine">'),
        url=f"{SITE}/copy",
        in_sitemap=True,
    )
    store_page(clean_page(), url=f"{SITE}/gone", in_sitemap=True, status_code=404)
    store_page(
        url=f"{SITE}/old",
        in_sitemap=True,
        status_code=301,
        redirect_chain=[(f"{SITE}/old", 301)],
        final_url=f"{SITE}/fine",
        content_type=None,
    )
    store_page(clean_page(), url=f"{SITE}/not-listed", status_code=404)

    run(scan)

    assert set(findings_by_url(scan, "sitemap-noindex")) == {f"{SITE}/noindex"}
    assert set(findings_by_url(scan, "sitemap-blocked")) == {f"{SITE}/private"}
    assert set(findings_by_url(scan, "sitemap-non-canonical")) == {f"{SITE}/copy"}
    assert findings_by_url(scan, "sitemap-not-200") == {
        f"{SITE}/gone": "HTTP 404",
        f"{SITE}/old": f"redirects to {SITE}/fine",
    }


@pytest.mark.parametrize(
    ("sitemaps", "fails"),
    [
        ([{"url": f"{SITE}/sitemap.xml", "status_code": 404, "ok": False}], True),
        ([], True),
        (
            [
                {"url": f"{SITE}/sitemap.xml", "status_code": 404, "ok": False},
                {"url": f"{SITE}/sitemap_index.xml", "status_code": 200, "ok": True},
            ],
            False,
        ),
        (None, False),  # the crawler did not look for sitemaps
    ],
)
def test_sitemap_missing(scan, sitemaps, fails):
    run(scan, sitemaps=sitemaps)
    assert (None in findings_by_url(scan, "sitemap-missing")) is fails


@pytest.mark.parametrize(
    ("robots", "expected"),
    [
        ({"status_code": 503}, "Request for robots.txt returned HTTP status: 503"),
        ({"status_code": 429}, "Request for robots.txt returned HTTP status: 429"),
        ({"status_code": None, "error": "timeout"}, "Fetch of robots.txt failed: timeout"),
        ({"status_code": None}, "Fetch of robots.txt failed"),
        (
            {"problems": [{"line": 3, "message": "Unknown directive"}]},
            "line 3: Unknown directive",
        ),
        ({"status_code": 404, "exists": False}, None),  # no robots.txt: not applicable
        ({}, None),
    ],
)
def test_robots_txt_follows_lighthouse(scan, robots, expected):
    run(scan, robots_txt=robots)
    assert findings_by_url(scan, "robots-txt").get(None) == expected


@pytest.mark.parametrize(("status", "fails"), [(404, True), (200, False), (503, False)])
def test_robots_txt_missing(scan, status, fails):
    run(scan, robots_txt={"status_code": status})
    assert (None in findings_by_url(scan, "robots-txt-missing")) is fails


def test_hreflang_reciprocity_and_targets(scan, store_page):
    def alternates(*pairs) -> str:
        return "".join(
            f'<link rel="alternate" hreflang="{lang}" href="{SITE}{path}">' for lang, path in pairs
        )

    store_page(
        clean_page(extra=alternates(("en", "/en"), ("nl", "/nl"), ("de", "/de"), ("fr", "/fr"))),
        url=f"{SITE}/en",
    )
    store_page(
        clean_page(lang="nl", extra=alternates(("en", "/en"), ("nl", "/nl"))), url=f"{SITE}/nl"
    )
    store_page(clean_page(lang="de", extra=alternates(("de", "/de"))), url=f"{SITE}/de")
    store_page(clean_page(lang="fr"), url=f"{SITE}/fr", status_code=404)

    run(scan)

    assert findings_by_url(scan, "hreflang-return-link") == {
        f"{SITE}/en": f"{SITE}/de (de) has no hreflang back"
    }
    assert findings_by_url(scan, "hreflang-to-non-indexable") == {
        f"{SITE}/en": f"{SITE}/fr (fr): HTTP 404"
    }


@pytest.mark.parametrize(
    ("https", "check_id"),
    [
        ({"start_is_https": False}, "https-missing"),
        ({"http_redirects_to_https": False}, "http-not-redirected"),
        (
            {"certificate": {"valid": False, "error": "certificate has expired"}},
            "certificate-invalid",
        ),
        ({"certificate": {"valid": True, "days_to_expiry": 13}}, "certificate-expiring"),
        ({"hsts": None}, "hsts-missing"),
    ],
)
def test_https_site_checks_fail(scan, https, check_id):
    run(scan, https=https)
    assert None in findings_by_url(scan, check_id)


@pytest.mark.parametrize(
    "https",
    [
        {"http_redirects_to_https": None},  # not known: no verdict
        {"certificate": {"valid": True, "days_to_expiry": 14}},
        {"certificate": None},
        {"start_is_https": False, "hsts": None, "http_redirects_to_https": False},
    ],
)
def test_https_site_checks_near_misses(scan, https):
    run(scan, https=https)
    failed = set(Finding.objects.filter(scan=scan).values_list("check_id", flat=True))
    assert failed <= {"https-missing"}


def test_document_findings_of_a_redirect_whose_target_was_stored_are_dropped(scan, store_page):
    # A crawler that keeps the body on the redirecting row: its document findings repeat the
    # target's. The redirect itself stays reported.
    store_page(
        clean_page(h1=None),
        url=f"{SITE}/old",
        redirect_chain=[(f"{SITE}/old", 301)],
        final_url=f"{SITE}/new",
    )
    store_page(clean_page(h1=None), url=f"{SITE}/new")

    run(scan)

    assert set(findings_by_url(scan, "missing-h1")) == {f"{SITE}/new"}
    assert set(findings_by_url(scan, "redirect")) == {f"{SITE}/old"}


def test_url_too_long_lists_the_pages_the_crawl_counted_and_sums_up_the_rest(scan, store_page):
    store_page(clean_page(), url=HOME, depth=0)
    store_page(clean_page(), url=f"{SITE}/tables")
    store_page(clean_page(), url=f"{SITE}/chairs")
    counted = {"pages": [[f"{SITE}/tables", 20_000], [f"{SITE}/chairs", 1]], "page_count": 4}

    run(scan, urls_too_long={**counted, "total": 20_003})

    assert findings_by_url(scan, "url-too-long") == {
        f"{SITE}/tables": "20,000 URLs longer than 2,048 characters, left out",
        f"{SITE}/chairs": "1 URL longer than 2,048 characters, left out",
        None: "and 2 more pages with such links",
    }


def test_url_too_long_passes_when_the_crawl_dropped_nothing(scan, store_page):
    store_page(clean_page(), url=HOME, depth=0)

    run(scan)

    assert findings_by_url(scan, "url-too-long") == {}


def test_findings_are_created_in_batches(scan, store_page, monkeypatch):
    monkeypatch.setattr(runner_module, "BATCH_SIZE", 2)
    for number in range(5):
        store_page(clean_page(body='<a href="/gone">Gone</a>'), url=f"{SITE}/p{number}")
    store_page(clean_page(), url=f"{SITE}/gone", status_code=404)

    before = Finding.objects.filter(scan=scan).count()

    created = run(scan)

    assert created == Finding.objects.filter(scan=scan).count() - before
    assert Finding.objects.filter(scan=scan, check_id="broken-internal-links").count() == 5


def test_every_site_check_is_tested():
    tested = {
        "duplicate-title", "duplicate-description", "duplicate-content",
        "broken-internal-links", "redirecting-internal-links", "internal-nofollow-links",
        "orphan-pages", "canonical-to-redirect", "canonical-to-error",
        "canonical-to-non-canonical", "canonical-to-noindex", "sitemap-noindex",
        "sitemap-blocked", "sitemap-non-canonical", "sitemap-not-200", "sitemap-missing",
        "robots-txt", "robots-txt-missing", "hreflang-return-link",
        "hreflang-to-non-indexable", "https-missing", "http-not-redirected",
        "certificate-invalid", "certificate-expiring", "hsts-missing", "url-too-long",
    }  # fmt: skip
    assert {check.id for check in site_checks()} == tested
