"""page_result_build fills the columns and facts; page_links_build keeps one link per target."""

from __future__ import annotations

import pytest

from audits.models import PageLink, PageResult, url_digest
from audits.storage import FACTS_LIST_CAP, facts_count, page_inlinks_update
from tests.audits.checks.helpers import SITE, clean_page, html_page

PAGE = f"{SITE}/tables"


@pytest.mark.django_db
def test_columns_are_filled_from_fetch_and_facts(build_page):
    html = clean_page(
        extra=f'<link rel="canonical" href="{PAGE}">'
        '<link rel="alternate" hreflang="nl" href="/nl/tafels">',
        body='<h2>Wood</h2><a href="/chairs">Chairs</a><a href="https://other.org/">Other</a>'
        '<img src="/t.jpg"><img src="/d.png" alt="">',
    )

    page = build_page(html, url=PAGE, depth=2, in_sitemap=True, ttfb_ms=95)
    page.save()
    page.refresh_from_db()

    assert page.url_hash == url_digest(PAGE)
    assert page.final_url_hash == url_digest(PAGE)
    assert page.status_code == 200
    assert page.is_html and page.indexable and not page.noindex
    assert (page.depth, page.in_sitemap, page.ttfb_ms) == (2, True, 95)
    assert page.title == "Handmade oak dining tables"
    assert page.meta_description.startswith("Solid oak")
    assert page.h1 == ["Oak dining tables"]
    assert page.h2_count == 1
    assert page.canonical == PAGE
    assert page.canonical_hash == url_digest(PAGE)
    assert page.lang == "en"
    assert page.hreflang == [
        {"lang": "nl", "href": f"{SITE}/nl/tafels", "raw_href": "/nl/tafels", "source": "head"}
    ]
    assert page.og["title"] == "Oak tables"
    assert page.twitter == {"card": "summary_large_image"}
    assert (page.images_total, page.images_without_alt) == (2, 2)
    assert (page.internal_links, page.external_links) == (1, 1)
    assert page.word_count > 200
    assert len(page.content_hash) == 40
    assert page.facts["heading_levels"] == "12"
    assert page.facts["images_missing_alt_attr"] == 1
    assert page.facts["images_empty_alt"] == 1
    assert "parse_error" not in page.facts


@pytest.mark.django_db
def test_noindex_header_makes_the_page_not_indexable(build_page):
    page = build_page(clean_page(), url=PAGE, headers={"x-robots-tag": "noindex"})

    assert page.noindex and not page.indexable
    assert page.x_robots_tag == "noindex"
    assert page.facts["x_robots_tags"] == ["noindex"]


@pytest.mark.django_db
def test_redirect_row_as_the_crawler_stores_it(build_page):
    page = build_page(
        url=PAGE,
        status_code=301,
        redirect_chain=[(PAGE, 301)],
        final_url=f"{PAGE}/",
        content_type=None,
    )

    assert page.redirect_chain == [{"url": PAGE, "status_code": 301}]
    assert page.redirect_count == 1
    assert page.final_url_hash == url_digest(f"{PAGE}/")
    assert not page.indexable and not page.is_html


@pytest.mark.django_db
def test_url_not_fetched(build_page):
    page = build_page(url=PAGE, fetched=False, blocked_by_robots=True, depth=None)

    assert page.status_code is None
    assert page.blocked_by_robots and not page.indexable
    assert page.facts["robots_blocked_bots"] == [
        "*",
        "Googlebot",
        "bingbot",
        "DuckDuckBot",
        "archive.org_bot",
    ]


@pytest.mark.django_db
def test_long_lists_are_capped_and_counted(build_page):
    images = "".join(f'<img src="/i{n}.jpg">' for n in range(FACTS_LIST_CAP + 10))
    page = build_page(clean_page(body=images), url=PAGE)

    assert len(page.facts["images"]) == FACTS_LIST_CAP
    assert facts_count(page, "images") == FACTS_LIST_CAP + 10
    assert page.images_total == FACTS_LIST_CAP + 10


@pytest.mark.django_db
def test_http_links_only_listed_for_https_pages(build_page):
    body = '<a href="http://partner.org/">Partner</a>'

    https_page = build_page(clean_page(body=body), url=PAGE)
    http_page = build_page(clean_page(body=body), url="http://example.com/tables")

    assert https_page.facts["http_links"] == ["http://partner.org/"]
    assert "http_links" not in http_page.facts


@pytest.mark.django_db
def test_page_links_build_keeps_one_internal_link_per_target(scan, store_page):
    page = store_page(
        html_page(
            '<a href="/chairs" rel="nofollow">Chairs</a>'
            '<a href="/chairs#colours">Chairs in colour</a>'
            '<a href="/lamps" rel="nofollow"></a><a href="/lamps" rel="nofollow">Lamps</a>'
            f'<a href="{PAGE}">This page</a>'
            '<a href="https://other.org/">Elsewhere</a>'
        ),
        url=PAGE,
    )

    links = {
        link.target_url: (link.anchor_text, link.nofollow)
        for link in PageLink.objects.filter(source=page)
    }

    assert links == {
        f"{SITE}/chairs": ("Chairs", False),  # one followed link is enough
        f"{SITE}/lamps": ("Lamps", True),
    }
    assert PageLink.objects.get(target_url=f"{SITE}/chairs").target_hash == url_digest(
        f"{SITE}/chairs"
    )


@pytest.mark.django_db
def test_page_inlinks_update_counts_other_pages_linking_in(scan, store_page):
    store_page(html_page('<a href="/b">B</a><a href="/c">C</a>'), url=f"{SITE}/a")
    store_page(html_page('<a href="/c">C</a>'), url=f"{SITE}/b")
    store_page(html_page("<p>no links</p>"), url=f"{SITE}/c")

    page_inlinks_update(scan=scan)

    inlinks = dict(PageResult.objects.filter(scan=scan).values_list("url", "inlinks"))
    assert inlinks == {f"{SITE}/a": 0, f"{SITE}/b": 1, f"{SITE}/c": 2}
