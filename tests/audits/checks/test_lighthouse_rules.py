"""The Lighthouse-id checks follow Lighthouse 12's pass/fail rules, edge cases included."""

from __future__ import annotations

import pytest

from audits.checks.registry import all_checks
from audits.storage import ALL_ROBOTS_BOTS
from tests.audits.checks.helpers import SITE, clean_page, failed_checks, finding_details

PAGE = f"{SITE}/shop/tables"
LIGHTHOUSE_SEO_AUDITS = {
    "is-crawlable",
    "http-status-code",
    "document-title",
    "meta-description",
    "link-text",
    "crawlable-anchors",
    "hreflang",
    "canonical",
    "robots-txt",
    "image-alt",
}


def test_lighthouse_checks_are_exactly_the_lighthouse_12_seo_audits():
    assert {check.id for check in all_checks() if check.lighthouse} == LIGHTHOUSE_SEO_AUDITS


def verdict(build_page, check_id: str, html: str | None = None, **options) -> bool:
    """True when the page passes the check."""
    return check_id not in failed_checks(build_page(html, url=PAGE, **options))


# --- is-crawlable -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "meta", "passes"),
    [
        ({"x-robots-tag": "noindex"}, "", False),
        ({"x-robots-tag": "noarchive, NoIndex"}, "", False),
        ({"x-robots-tag": "none"}, "", False),
        ({"x-robots-tag": "nofollow"}, "", True),
        # Addressed to one crawler: the others may still index the page.
        ({"x-robots-tag": "googlebot: noindex"}, "", True),
        ({"x-robots-tag": "unavailable_after: 2001-01-01"}, "", False),
        ({"x-robots-tag": "unavailable_after: 2999-01-01"}, "", True),
        ({}, '<meta name="robots" content="none">', False),
        ({}, '<meta name="robots" content="unavailable_after: 25 Jun 2010 15:00:00 PST">', False),
        ({}, '<meta name="robots" content="index, nofollow">', True),
        ({}, '<meta name="bingbot" content="noindex">', True),
        # A generic noindex and a Googlebot-only noindex: every crawler is still blocked.
        (
            {},
            '<meta name="robots" content="noindex"><meta name="googlebot" content="noindex">',
            False,
        ),
    ],
)
def test_is_crawlable_directives(build_page, headers, meta, passes):
    html = clean_page(extra=meta)
    assert verdict(build_page, "is-crawlable", html, headers=headers) is passes


@pytest.mark.django_db
def test_is_crawlable_fails_only_when_robots_txt_blocks_every_crawler(build_page):
    all_blocked = build_page(clean_page(), url=PAGE, robots_blocked_bots=ALL_ROBOTS_BOTS)
    googlebot_allowed = build_page(
        clean_page(),
        url=PAGE,
        robots_blocked_bots=[bot for bot in ALL_ROBOTS_BOTS if bot != "Googlebot"],
    )

    assert finding_details(all_blocked, "is-crawlable") == "robots.txt"
    assert "is-crawlable" not in failed_checks(googlebot_allowed)


@pytest.mark.django_db
def test_is_crawlable_fails_for_url_never_fetched_because_robots_txt_blocks_it(build_page):
    page = build_page(url=PAGE, fetched=False, blocked_by_robots=True)

    assert failed_checks(page) == {"is-crawlable"}
    assert not page.indexable


# --- canonical --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("head", "headers", "expected"),
    [
        ('<link rel="canonical" href="/shop/tables">', {}, "Invalid URL (/shop/tables)"),
        ('<link rel="canonical" href="http://">', {}, "Invalid URL (http://)"),
        (
            '<link rel="canonical" href="mailto:shop@example.com">',
            {},
            "Is not an absolute URL (mailto:shop@example.com)",
        ),
        (
            f'<link rel="canonical" href="{PAGE}">',
            {"link": f'<{SITE}/other>; rel="canonical"'},
            f"Multiple conflicting URLs ({PAGE}, {SITE}/other)",
        ),
        (
            f'<link rel="canonical" href="{SITE}/">',
            {},
            "Points to the domain's root URL (the homepage), instead of an equivalent page",
        ),
        (
            f'<link rel="canonical" href="{SITE}/nl/tafels">'
            f'<link rel="alternate" hreflang="nl" href="{SITE}/nl/tafels">'
            f'<link rel="alternate" hreflang="en" href="{PAGE}">',
            {},
            f"Points to another hreflang location ({PAGE})",
        ),
    ],
)
def test_canonical_failures(build_page, head, headers, expected):
    page = build_page(clean_page(extra=head), url=PAGE, headers=headers)
    assert finding_details(page, "canonical") == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("head", "headers", "body"),
    [
        ("", {}, ""),  # no canonical: not applicable, passes
        (f'<link rel="canonical" href="{PAGE}">', {"link": f'<{PAGE}>; rel="canonical"'}, ""),
        (f'<link rel="canonical" href="{SITE}/shop/all-tables">', {}, ""),
        ('<link rel="canonical" href="">', {}, ""),  # an empty href is skipped
        # Links in <body> are not canonical declarations.
        ("", {}, '<link rel="canonical" href="/relative">'),
    ],
)
def test_canonical_passes(build_page, head, headers, body):
    assert verdict(build_page, "canonical", clean_page(extra=head, body=body), headers=headers)


@pytest.mark.django_db
def test_canonical_to_root_is_fine_on_the_home_page(build_page):
    page = build_page(clean_page(extra=f'<link rel="canonical" href="{SITE}/">'), url=f"{SITE}/")
    assert "canonical" not in failed_checks(page)


# --- hreflang ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "href", "passes"),
    [
        ("en-GB", PAGE, True),
        ("EN", PAGE, True),
        ("zh-Hant-TW", PAGE, True),
        ("x-default", PAGE, True),
        ("iw", PAGE, True),  # deprecated, still registered
        ("en_GB", PAGE, False),
        ("eng", PAGE, False),  # ISO 639-2 code of a language the registry lists as "en"
        ("english", PAGE, False),
        ("en", "/shop/tables", False),
        ("en", "//example.com/shop/tables", False),
        ("en", "HTTPS://example.com/shop/tables", True),
    ],
)
def test_hreflang_values(build_page, lang, href, passes):
    head = f'<link rel="alternate" hreflang="{lang}" href="{href}">'
    assert verdict(build_page, "hreflang", clean_page(extra=head)) is passes


@pytest.mark.django_db
def test_hreflang_in_link_header_is_audited_and_in_body_is_not(build_page):
    header = {"link": f'<{PAGE}>; rel="alternate"; hreflang="xx-invalid-"'}
    in_body = clean_page(body='<link rel="alternate" hreflang="nope" href="/x">')

    assert not verdict(build_page, "hreflang", clean_page(), headers=header)
    assert verdict(build_page, "hreflang", in_body)


# --- document-title, meta-description ------------------------------------------------------


@pytest.mark.django_db
def test_document_title_rules(build_page):
    assert not verdict(build_page, "document-title", clean_page(title="\u00a0 "))
    # document.title is the first <title> anywhere, even one a browser moves into <body>.
    assert verdict(build_page, "document-title", clean_page(title=None, body="<title>Oak</title>"))


@pytest.mark.django_db
def test_meta_description_uses_the_first_tag(build_page):
    html = clean_page(
        description=None,
        extra='<meta name="description" content=""><meta name="description" content="Oak.">',
    )
    assert not verdict(build_page, "meta-description", html)


# --- link-text, crawlable-anchors, image-alt ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "link", "passes"),
    [
        ("en", '<a href="/chairs">Read more</a>', False),
        ("de", '<a href="/chairs">click here</a>', True),  # not on the German list
        ("de", '<a href="/chairs">hier klicken</a>', False),
        ("en", '<a href="#reviews">click here</a>', True),  # a link to the page itself
        ("en", '<a href="mailto:shop@example.com">here</a>', True),
        ("en", f'<a href="{SITE}/chairs">{SITE}/chairs</a>', True),  # URLs are not blocklisted
    ],
)
def test_link_text_rules(build_page, lang, link, passes):
    assert verdict(build_page, "link-text", clean_page(lang=lang, body=link)) is passes


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("link", "passes"),
    [
        ('<a onclick="openMenu()">Menu</a>', False),
        ("<a>Menu</a>", True),  # a placeholder without a script: not a link
        ('<a href="file:///C:/prices.pdf">Prices</a>', False),
        ('<a href="javascript:void(0)" role="button">Menu</a>', True),
        ('<a target="_blank">Menu</a>', False),
        ('<a href="https://exa mple.com/">Spaced</a>', True),  # whitespace is dropped first
        ('<a href="https://[oops/">Broken</a>', False),
        ('<a href="/chairs?page=2">Next</a>', True),
    ],
)
def test_crawlable_anchor_rules(build_page, link, passes):
    assert verdict(build_page, "crawlable-anchors", clean_page(body=link)) is passes


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("image", "passes"),
    [
        ('<img src="/a.jpg" alt="Oak table">', True),
        ('<img src="/a.jpg" alt="">', True),
        ('<img src="/a.jpg" alt="  ">', False),
        ('<img src="/a.jpg">', False),
        # axe-core also accepts another accessible name or a presentational role...
        ('<img src="/a.jpg" role="presentation">', True),
        ('<img src="/a.jpg" role="none">', True),
        ('<img src="/a.jpg" aria-label="Oak table">', True),
        ('<img src="/a.jpg" aria-labelledby="caption">', True),
        ('<img src="/a.jpg" title="Oak table">', True),
        ('<img src="/a.jpg" aria-label="  ">', False),
        ('<img src="/a.jpg" role="img">', False),
        # ...and skips images hidden from assistive technology.
        ('<div aria-hidden="true"><img src="/a.jpg"></div>', True),
        ('<img src="/a.jpg" hidden>', True),
        ('<p style="display: none"><img src="/a.jpg"></p>', True),
        ('<div aria-hidden="false"><img src="/a.jpg"></div>', False),
    ],
)
def test_image_alt_rules(build_page, image, passes):
    assert verdict(build_page, "image-alt", clean_page(body=image)) is passes


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "passes"), [(400, False), (599, False), (302, True)])
def test_http_status_code_range(build_page, status, passes):
    assert verdict(build_page, "http-status-code", clean_page(), status_code=status) is passes
