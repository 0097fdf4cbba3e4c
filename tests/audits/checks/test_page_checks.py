"""Every page check: a page that fails it, and a near miss that must pass.

Each case builds real rows: an HTML snippet becomes a FetchResult, parse_page reads it and
page_result_build stores it, exactly as the crawler does; then run_page_checks decides.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from audits.checks import run_page_checks
from audits.checks.registry import page_checks
from audits.engine.facts import MAX_ELEMENTS
from tests.audits.checks.helpers import (
    CLEAN_TEXT,
    SITE,
    clean_page,
    failed_checks,
    finding_details,
    html_page,
)

PAGE = f"{SITE}/tables"


def words(count: int) -> str:
    return " ".join(["oak"] * count)


def anchor(href: str, text: str = "Oak dining tables", extra: str = "") -> str:
    return f'<a href="{href}"{extra}>{text}</a>'


def hreflang_links(*pairs: tuple[str, str]) -> str:
    return "".join(
        f'<link rel="alternate" hreflang="{lang}" href="{href}">' for lang, href in pairs
    )


# check id -> (options that make the page fail, options of a near miss that must pass)
CASES: dict[str, tuple[dict, dict]] = {
    # indexing
    "is-crawlable": (
        {"html": clean_page(extra='<meta name="robots" content="noindex">')},
        # Googlebot has its own meta tag that lets it in: Lighthouse passes the page.
        {
            "html": clean_page(
                extra='<meta name="robots" content="noindex">'
                '<meta name="googlebot" content="index, follow">'
            )
        },
    ),
    "http-status-code": (
        {"html": clean_page(), "status_code": 404},
        {"html": clean_page(), "status_code": 399},
    ),
    "redirect": (
        {
            "status_code": 301,
            "redirect_chain": [(PAGE, 301)],
            "final_url": f"{PAGE}/",
            "content_type": None,
        },
        {"html": clean_page()},
    ),
    "redirect-chain": (
        {
            "status_code": 301,
            "redirect_chain": [(PAGE, 301), (f"{SITE}/x", 302)],
            "final_url": f"{PAGE}/",
            "content_type": None,
        },
        {
            "status_code": 301,
            "redirect_chain": [(PAGE, 301)],
            "final_url": f"{PAGE}/",
            "content_type": None,
        },
    ),
    "redirect-loop": (
        {"status_code": None, "error": "redirect_loop", "error_detail": "back to /tables"},
        {"status_code": None, "error": "timeout"},
    ),
    "timeout": (
        {"status_code": None, "error": "timeout", "error_detail": "no answer in 20 s"},
        {"status_code": None, "error": "connection"},
    ),
    "fetch-failed": (
        {"status_code": None, "error": "dns", "error_detail": "NXDOMAIN"},
        {"status_code": None, "error": "timeout"},
    ),
    # canonical
    "canonical": (
        {"html": clean_page(extra='<link rel="canonical" href="/tables">')},
        {"html": clean_page(extra=f'<link rel="canonical" href="{PAGE}">')},
    ),
    "multiple-canonicals": (
        {"html": clean_page(extra=f'<link rel="canonical" href="{PAGE}">' * 2)},
        {"html": clean_page(extra=f'<link rel="canonical" href="{PAGE}">')},
    ),
    # content
    "document-title": (
        {"html": clean_page(title=None)},
        {"html": clean_page(title="A")},
    ),
    "title-too-short": (
        {"html": clean_page(title="x" * 19)},
        {"html": clean_page(title="x" * 20)},
    ),
    "title-too-long": (
        {"html": clean_page(title="x" * 61)},
        {"html": clean_page(title="x" * 60)},
    ),
    "multiple-titles": (
        {"html": clean_page(extra="<title>Another title for the page</title>")},
        # An SVG <title> in the body is not a second document title.
        {"html": clean_page(body="<svg><title>Chart of oak prices</title></svg>")},
    ),
    "meta-description": (
        {"html": clean_page(description="   ")},
        {"html": clean_page(description="Oak.")},
    ),
    "description-too-short": (
        {"html": clean_page(description="d" * 79)},
        {"html": clean_page(description="d" * 80)},
    ),
    "description-too-long": (
        {"html": clean_page(description="d" * 161)},
        {"html": clean_page(description="d" * 160)},
    ),
    "multiple-descriptions": (
        {"html": clean_page(extra='<meta name="description" content="A second description">')},
        {"html": clean_page(extra='<meta name="keywords" content="oak, tables">')},
    ),
    "missing-h1": (
        {"html": clean_page(h1=None, body="<h2>Our tables</h2>")},
        {"html": clean_page(h1="Tables")},
    ),
    "skipped-heading-levels": (
        {"html": clean_page(body="<h2>Wood</h2><h4>Drying</h4>")},
        {"html": clean_page(body="<h2>Wood</h2><h3>Drying</h3><h2>Finish</h2><h3>Oil</h3>")},
    ),
    "thin-content": (
        {"html": clean_page(text=words(196))},  # + the three words of the <h1>: 199
        {"html": clean_page(text=words(197))},
    ),
    "image-alt": (
        {"html": clean_page(body='<img src="/table.jpg">')},
        {"html": clean_page(body='<img src="/divider.png" alt="">')},  # decorative: passes
    ),
    "image-alt-empty": (
        {"html": clean_page(body='<img src="/table.jpg" alt="">')},
        {"html": clean_page(body='<img src="/table.jpg" alt="Oak table in a kitchen">')},
    ),
    # links
    "link-text": (
        {"html": clean_page(body=anchor("/chairs", "click here"))},
        {"html": clean_page(body=anchor("/chairs", "click here", ' rel="nofollow"'))},
    ),
    "crawlable-anchors": (
        {"html": clean_page(body=anchor("javascript:void(0)", "Open menu"))},
        {"html": clean_page(body='<a id="top">Back to top</a>')},
    ),
    "page-depth": (
        {"html": clean_page(), "depth": 5},
        {"html": clean_page(), "depth": 4},
    ),
    "http-links": (
        {"html": clean_page(body=anchor("http://partner.example.org/", "Our partner"))},
        {"html": clean_page(body=anchor("https://partner.example.org/", "Our partner"))},
    ),
    # i18n
    "hreflang": (
        {"html": clean_page(extra=hreflang_links(("english", PAGE)))},
        {"html": clean_page(extra=hreflang_links(("en-GB", PAGE), ("x-default", PAGE)))},
    ),
    "hreflang-x-default-missing": (
        {"html": clean_page(extra=hreflang_links(("en", PAGE), ("nl", f"{SITE}/nl/tafels")))},
        {"html": clean_page(extra=hreflang_links(("en", PAGE), ("x-default", PAGE)))},
    ),
    "hreflang-self-reference-missing": (
        {"html": clean_page(extra=hreflang_links(("nl", f"{SITE}/nl/tafels")))},
        {"html": clean_page(extra=hreflang_links(("nl", f"{SITE}/nl/tafels"), ("en", PAGE)))},
    ),
    "hreflang-lang-mismatch": (
        {"html": clean_page(lang="nl", extra=hreflang_links(("en", PAGE)))},
        {"html": clean_page(lang="en", extra=hreflang_links(("en-GB", PAGE)))},
    ),
    "missing-lang": (
        {"html": clean_page(lang=None)},
        {"html": clean_page(lang="nl")},
    ),
    "invalid-lang": (
        {"html": clean_page(lang="english")},
        {"html": clean_page(lang="en-GB")},
    ),
    # social
    "open-graph-missing": (
        {"html": clean_page(social=False)},
        {
            "html": clean_page(
                social=False,
                extra='<meta property="og:title" content="Oak tables">'
                '<meta property="og:description" content="Made by hand">'
                '<meta property="og:image" content="https://example.com/t.jpg">'
                '<meta name="twitter:card" content="summary">',
            )
        },
    ),
    "twitter-card-missing": (
        {
            "html": clean_page(
                social=False,
                extra='<meta property="og:title" content="Oak tables">'
                '<meta property="og:description" content="Made by hand">'
                '<meta property="og:image" content="https://example.com/t.jpg">',
            )
        },
        {"html": clean_page()},
    ),
    # security
    "http-scheme": (
        {"html": clean_page(), "url": "http://example.com/tables", "site_is_https": True},
        {"html": clean_page(), "url": "http://example.com/tables", "site_is_https": False},
    ),
    "mixed-content": (
        {"html": clean_page(body='<script src="http://cdn.example.net/app.js"></script>')},
        {"html": clean_page(body='<script src="https://cdn.example.net/app.js"></script>')},
    ),
    "insecure-forms": (
        {"html": clean_page(body='<form action="http://example.com/order"></form>')},
        {"html": clean_page(body='<form action="/order"></form>')},
    ),
    # technical
    "missing-viewport": (
        {"html": clean_page(viewport=False)},
        {"html": clean_page(extra='<meta name="viewport" content="width=device-width">')},
    ),
    "missing-charset": (
        {"html": clean_page(), "charset": None},
        {"html": clean_page(extra='<meta charset="utf-8">'), "charset": None},
    ),
    "slow-ttfb": (
        {"html": clean_page(), "ttfb_ms": 801},
        {"html": clean_page(), "ttfb_ms": 800},
    ),
    "page-too-large": (
        {"html": clean_page(), "truncated": True, "error": "too_large"},
        {"html": clean_page()},
    ),
    "invalid-structured-data": (
        {"html": clean_page(body='<script type="application/ld+json">{"@type": </script>')},
        {
            "html": clean_page(
                body='<script type="application/ld+json">{"@type": "Product"}</script>'
            )
        },
    ),
    # More elements than the parser takes on, and just under the limit.
    "page-too-complex": (
        {"html": clean_page(body="<i></i>" * MAX_ELEMENTS)},
        {"html": clean_page(body="<i></i>" * (MAX_ELEMENTS - 100))},
    ),
    # Rendered with JavaScript: a third-party script that never answered, and all loaded.
    "resources-not-loaded": (
        {"html": clean_page(), "resources_not_loaded": 1},
        {"html": clean_page(), "resources_not_loaded": 0},
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("check_id", CASES)
def test_page_check_fails_and_its_near_miss_passes(check_id, build_page):
    failing, near_miss = CASES[check_id]
    failing_page = build_page(url=failing.pop("url", PAGE), **failing)
    passing_page = build_page(url=near_miss.pop("url", PAGE), **near_miss)

    assert check_id in failed_checks(failing_page)
    assert finding_details(failing_page, check_id).strip()
    assert check_id not in failed_checks(passing_page)


def test_every_page_check_has_a_case():
    assert {check.id for check in page_checks()} == set(CASES)


@pytest.mark.django_db
def test_clean_page_fails_no_check(build_page):
    assert failed_checks(build_page(clean_page(), url=PAGE)) == set()


@pytest.mark.django_db
def test_error_page_gets_its_status_verdict_but_no_content_checks(build_page):
    page = build_page(html_page("<p>Not found</p>"), url=PAGE, status_code=404)

    failed = failed_checks(page)

    assert "http-status-code" in failed
    # What a page says is judged on indexable 2xx HTML pages only: a site with 100 broken
    # links must not read as 100 pages without a description.
    assert not failed & {
        "document-title",
        "meta-description",
        "missing-h1",
        "thin-content",
        "missing-viewport",
        "open-graph-missing",
    }


@pytest.mark.django_db
def test_noindex_page_skips_content_checks(build_page):
    page = build_page(
        html_page(
            "<p>Thank you</p>",
            head='<title>Thanks</title><meta name="robots" content="noindex">',
        ),
        url=PAGE,
    )

    assert failed_checks(page) == {"is-crawlable"}


@pytest.mark.django_db
def test_redirect_row_reports_only_the_redirect(build_page):
    # The crawler stores the redirecting URL without a body, its target as a row of its own.
    page = build_page(
        url=PAGE,
        status_code=301,
        redirect_chain=[(PAGE, 301)],
        final_url=f"{PAGE}/",
        content_type=None,
    )

    assert failed_checks(page) == {"redirect"}
    assert finding_details(page, "redirect") == f"301 -> {PAGE}/"


@pytest.mark.django_db
def test_unparsable_page_skips_html_checks(build_page):
    page = build_page(clean_page(), url=PAGE)
    page.facts["parse_error"] = "RuntimeError: broken"
    page.title = None

    assert "document-title" not in failed_checks(page)


@pytest.mark.django_db
def test_long_detail_lists_are_capped(build_page):
    links = "".join(anchor(f"/p{n}", "read more") for n in range(30))
    page = build_page(clean_page(body=links), url=PAGE)

    lines = finding_details(page, "link-text").splitlines()

    assert len(lines) == 11
    assert lines[-1] == "(+20)"


def test_clean_text_is_long_enough_for_thin_content():
    assert len(CLEAN_TEXT.split()) >= 200


@pytest.mark.django_db
def test_details_are_stored_as_message_ids_and_rendered_in_the_readers_language(build_page):
    """A finding keeps msgids and parameters: whoever reads it reads their own language,
    whatever language the audit ran under."""
    page = build_page(html_page("<p>Kort verhaal</p>"), url=PAGE)
    with translation.override("en"):  # the owner's language while the crawl runs
        findings = {finding.check_id: finding for finding in run_page_checks(page)}

    assert findings["thin-content"].detail_items == [
        {
            "msgid": "%(count)d word",
            "plural": "%(count)d words",
            "count": 2,
            "params": {"count": 2},
        }
    ]
    with translation.override("nl"):
        assert findings["document-title"].detail == "geen <title>-element"
        assert findings["thin-content"].detail == "2 woorden"
    with translation.override("en"):
        assert findings["document-title"].detail == "no <title> element"
        assert findings["thin-content"].detail == "2 words"
