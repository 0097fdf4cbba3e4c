"""Page facts as a browser's DOM holds them, with Lighthouse 12's rules for what counts."""

import hashlib
import time
from pathlib import Path

import pytest
from multidict import CIMultiDict

from audits.engine import facts as facts_module
from audits.engine.facts import (
    LINK_TEXT_IS_URL,
    LINK_TEXT_NON_DESCRIPTIVE,
    MAX_IMAGES,
    MAX_LINK_TEXT_CHARS,
    UNCRAWLABLE_FILE_URL,
    UNCRAWLABLE_INVALID_URL,
    UNCRAWLABLE_JAVASCRIPT_VOID,
    UNCRAWLABLE_MISSING_HREF,
    UNCRAWLABLE_SCRIPT_ONLY,
    Hreflang,
    PageFacts,
    UrlRef,
    decode_html,
    is_html_content_type,
    parse_link_header,
    parse_page,
)
from audits.engine.facts import page as facts_page

from .html5_reference import read_page

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_NAMES = sorted(path.name for path in FIXTURES.glob("*.html"))


def huge_catalog_page(*, products: int = 4000) -> bytes:
    """A ~1.3 MB listing page: thousands of links and images, sloppy markup, a giant script."""
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        "<title>All products (page 1 of 1)</title>",
        '<meta name="description" content="Every product we sell, on one page.">',
        '<link rel="canonical" href="https://big.example.com/catalog/">',
        "<style>" + ".card{margin:0;padding:0}" * 2000 + "</style></head><body>",
        '<h1>Catalog</h1><ul class="grid">',
    ]
    for i in range(products):
        alt = "" if i % 7 == 0 else f' alt="Product {i} photo"'
        parts.append(
            f'<li class="card"><a href="/p/{i}/?ref=catalog&amp;pos={i}">'
            f'<img src="/img/{i}.jpg"{alt}></a><h2>Product {i}</h2>'
            f"<p>Hand made item number {i}, with a description that goes on for a while "
            f'<b>bold {i}<i> never closed <a href="/p/{i}/reviews">reviews</a></li>'
        )
    parts.append("</ul><script>" + "var x=1;" * 20000 + "</script></body></html>")
    return "".join(parts).encode()


def page_url(name: str) -> str:
    return f"https://www.example.com/{Path(name).stem}/"


def fixture_headers(name: str) -> CIMultiDict[str] | None:
    path = FIXTURES / (Path(name).stem + ".headers")
    if not path.exists():
        return None
    pairs = [line.split(":", 1) for line in path.read_text().splitlines() if line.strip()]
    return CIMultiDict((key.strip(), value.strip()) for key, value in pairs)


def fixture_facts(name: str) -> PageFacts:
    headers = fixture_headers(name)
    return parse_page(
        (FIXTURES / name).read_bytes(),
        url=page_url(name),
        content_type=headers.get("Content-Type") if headers else None,
        headers=headers,
    )


def html(markup: str, *, url: str = "https://www.example.com/page", **kwargs) -> PageFacts:
    return parse_page(markup.encode(), url=url, content_type="text/html; charset=utf-8", **kwargs)


# --- Agreement with an independent HTML5 reading ------------------------------------------


@pytest.mark.parametrize("name", [*FIXTURE_NAMES, "huge_catalog.html"])
def test_parse_page_agrees_with_an_independent_html5lib_reading(name):
    if name == "huge_catalog.html":
        body, headers = huge_catalog_page(), None
    else:
        body, headers = (FIXTURES / name).read_bytes(), fixture_headers(name)
    content_type = headers.get("Content-Type") if headers else None
    charset = content_type.partition("charset=")[2] or None if content_type else None

    reference = read_page(body, url=page_url(name), transport_encoding=charset)
    facts = parse_page(body, url=page_url(name), content_type=content_type, headers=headers)

    assert facts.parse_error is None
    assert facts.title == reference["title"]
    assert list(facts.titles) == reference["titles"]
    assert list(facts.meta_descriptions) == reference["meta_descriptions"]
    assert list(facts.h1) == reference["h1"]
    assert [(ref.raw_href, ref.url) for ref in facts.canonicals] == reference["canonicals"]
    assert facts.lang == reference["lang"]
    head_hreflang = [(item.lang, item.href) for item in facts.hreflang if item.source == "head"]
    assert head_hreflang == reference["hreflang"]
    assert facts.images_total == reference["images_total"]
    assert facts.images_missing_alt_attr == reference["images_missing_alt_attr"]
    assert facts.images_empty_alt == reference["images_empty_alt"]
    assert [link.url for link in facts.links] == reference["link_urls"]


def test_the_fixtures_exercise_what_the_comparison_is_about():
    # Guards the comparison above against passing on pages that have nothing to compare.
    assert len(FIXTURE_NAMES) >= 12
    seen = [fixture_facts(name) for name in FIXTURE_NAMES]
    assert sum(1 for facts in seen if facts.title) >= 10
    assert sum(len(facts.links) for facts in seen) >= 100
    assert sum(len(facts.hreflang) for facts in seen) >= 8
    assert {facts.encoding for facts in seen} >= {"utf-8", "cp1252", "cp932"}


# --- Where the DOM differs from the source -------------------------------------------------


def test_title_moved_into_body_is_still_the_document_title():
    facts = fixture_facts("title_in_body.html")

    # document.title: first <title> in tree order, not the SVG one, whitespace collapsed.
    assert facts.title == "Spring sale | Acme Garden"
    assert facts.titles == ()  # none of them is in <head>


def test_head_elements_after_stray_text_are_in_body_and_do_not_count():
    facts = fixture_facts("meta_after_body_content.html")

    assert facts.titles == ("Stray text in head",)
    assert facts.meta_descriptions == ()
    assert facts.canonicals == ()
    assert facts.meta_robots is None
    assert [item.lang for item in facts.hreflang] == ["en"]
    assert facts.viewport == "width=device-width, initial-scale=1"
    # Social crawlers do not build a DOM: an og: tag anywhere still counts.
    assert facts.og["title"] == "Open Graph still reads this"


def test_noscript_in_head_is_text_as_in_chrome_so_the_head_goes_on():
    facts = fixture_facts("noscript_in_head.html")

    assert facts.canonicals == (
        UrlRef(
            raw_href="https://shop.example.co.uk/products/kettle",
            url="https://shop.example.co.uk/products/kettle",
            is_absolute=True,
        ),
    )
    assert facts.meta_robots == "max-snippet:50"
    assert facts.robots_metas == (("robots", "max-snippet:50"), ("googlebot", "noindex"))
    assert facts.images_total == 0  # the tracking pixel is noscript text, not an <img>
    assert "https://www.example.com/no-js-fallback" not in [link.url for link in facts.links]


def test_html_lang_written_late_in_the_source_is_the_root_lang():
    assert fixture_facts("late_html_lang_and_hreflang.html").lang == "de"
    assert html("<p>no lang</p>").lang is None
    assert html("<html lang><p>empty</p>").lang == ""


def test_hreflang_follows_lighthouse_link_elements():
    facts = fixture_facts("late_html_lang_and_hreflang.html")

    assert facts.hreflang == (
        Hreflang(
            "de", "https://www.example.de/produkte/", "https://www.example.de/produkte/", "head"
        ),
        Hreflang(
            "de-AT", "https://www.example.at/produkte/", "https://www.example.at/produkte/", "head"
        ),
        Hreflang(
            "en-GB",
            "https://www.example.co.uk/products/",
            "https://www.example.co.uk/products/",
            "head",
        ),
        Hreflang(
            "english",
            "https://www.example.com/products/",
            "https://www.example.com/products/",
            "head",
        ),
        Hreflang("fr", "https://www.example.com/fr/produits/", "/fr/produits/", "head"),
        Hreflang(
            "x-default",
            "https://www.example.com/products/",
            "https://www.example.com/products/",
            "head",
        ),
        # rel is lowercased, then compared whole: "ALTERNATE" counts, "alternate nofollow" not.
        Hreflang(
            "it", "https://www.example.it/prodotti/", "https://www.example.it/prodotti/", "head"
        ),
    )


def test_base_href_resolves_links_canonicals_and_images():
    facts = fixture_facts("base_href.html")
    base = "https://docs.example.net/en/v2/guide/"

    assert facts.base_url == base
    assert facts.canonicals == (UrlRef("configuration.html", base + "configuration.html", False),)
    assert [item.href for item in facts.hreflang] == [
        "https://docs.example.net/de/v2/guide/configuration.html",
        "https://docs.example.net/en/v2/guide/configuration.html",
    ]
    assert [link.url for link in facts.links] == [
        base + "install.html",
        "https://docs.example.net/en/v2/api/",
        "https://docs.example.net/en/v1/",
        base + "?lang=de",
        base,  # "#options" resolves against the base, not the page
        base,
        "https://cdn.example.net/files/manual.pdf",
        base + "map.html",
    ]
    assert facts.links[-1].text == "Site map"  # an <area> speaks through its alt
    assert facts.images[0].src == base + "img/diagram.png"


def test_a_base_href_that_is_not_a_web_url_is_ignored():
    facts = html('<base href="javascript:alert(1)"><a href="x">x</a>')

    assert facts.base_url == "https://www.example.com/page"
    assert facts.links[0].url == "https://www.example.com/x"


# --- Head facts ------------------------------------------------------------------------------


def test_meta_descriptions_keep_every_head_one_in_order_with_lowercased_names():
    facts = html(
        "<head><meta name=DESCRIPTION content='First'><meta name=description>"
        "<meta name=' description' content='name is not trimmed'>"
        "<meta property=description content='property is not name'></head>"
    )

    assert facts.meta_descriptions == ("First", "")
    assert facts.meta_description == "First"


def test_titles_lists_every_head_title_for_the_multiple_titles_check():
    facts = html("<head><title>\u00a0One\t\n</title><title>Two</title></head><body><p>x")

    # ASCII whitespace is stripped, a no-break space is not.
    assert facts.title == "\u00a0One"
    assert facts.titles == ("\u00a0One", "Two")
    assert html("<p>no title</p>").title is None
    assert html("<title> \n </title>").title == ""


def test_canonical_rules_follow_lighthouse():
    facts = html(
        "<head><link rel=canonical href=''><link rel=CANONICAL href='/relative'>"
        "<link rel='canonical nofollow' href='/not-whole-rel'>"
        "<link rel=canonical href='https://www.example.com/absolute#frag'></head>"
        "<body><link rel=canonical href='https://www.example.com/in-body'>"
    )

    assert facts.canonicals == (
        UrlRef("/relative", "https://www.example.com/relative", is_absolute=False),
        UrlRef("https://www.example.com/absolute#frag", "https://www.example.com/absolute", True),
    )
    assert facts.canonical_urls == (
        "https://www.example.com/relative",
        "https://www.example.com/absolute",
    )


def test_robots_viewport_and_social_tags():
    facts = html(
        "<head><meta name=robots content='noindex, nofollow'><meta name=robots content=all>"
        "<meta name=Bingbot content=noarchive><meta name=viewport content='width=device-width'>"
        "<meta property='og:title' content=' OG title '><meta property=og:title content=second>"
        "<meta name='og:description' content='via name'><meta property=og:image content=/i.png>"
        "<meta name=twitter:card content=summary><meta property=twitter:title content=TT>"
        "<meta name=twitter:image content=https://cdn.example/t.png></head>"
    )

    assert facts.meta_robots == "noindex, nofollow"
    assert facts.robots_metas == (
        ("robots", "noindex, nofollow"),
        ("robots", "all"),
        ("bingbot", "noarchive"),
    )
    assert facts.viewport == "width=device-width"
    assert facts.og == {"title": "OG title", "description": "via name", "image": "/i.png"}
    assert facts.twitter == {
        "card": "summary",
        "title": "TT",
        "description": None,
        "image": "https://cdn.example/t.png",
    }


# --- HTTP headers ----------------------------------------------------------------------------


def test_link_and_x_robots_tag_headers_are_read_from_a_multidict():
    facts = fixture_facts("link_headers.html")

    assert facts.canonical_headers == (
        UrlRef(
            "https://www.example.com/canonical-from-header",
            "https://www.example.com/canonical-from-header",
            True,
        ),
        UrlRef(
            "relative-canonical", "https://www.example.com/link_headers/relative-canonical", False
        ),
    )
    assert facts.canonical_header == "https://www.example.com/canonical-from-header"
    assert [(item.lang, item.href, item.source) for item in facts.hreflang] == [
        ("de", "https://www.example.com/de/", "header"),
        ("fr", "https://www.example.com/fr/", "header"),
    ]
    assert facts.x_robots_tag == ("googlebot: noindex", "max-image-preview:large")
    assert facts.canonical_urls == (
        "https://www.example.com/canonical-from-html",
        "https://www.example.com/canonical-from-header",
        "https://www.example.com/link_headers/relative-canonical",
    )


def test_headers_from_a_plain_dict_are_matched_case_insensitively():
    facts = html(
        "<p>x",
        headers={"link": "<https://www.example.com/c>; rel=canonical", "X-ROBOTS-TAG": "noindex"},
    )

    assert facts.canonical_header == "https://www.example.com/c"
    assert facts.x_robots_tag == ("noindex",)


def test_parse_link_header_handles_quotes_commas_and_garbage():
    value = (
        '<https://a.example/x,y>; rel="canonical"; title="a, \\"quoted\\" title", '
        "garbage without brackets, <https://b.example/>;REL=Alternate;hreflang=de-CH;rel=ignored, "
        "<https://c.example/>"
    )

    assert parse_link_header(value) == [
        ("https://a.example/x,y", {"rel": "canonical", "title": 'a, "quoted" title'}),
        ("https://b.example/", {"rel": "Alternate", "hreflang": "de-CH"}),
        ("https://c.example/", {}),
    ]
    assert parse_link_header("<unterminated") == []
    assert parse_link_header("") == []


def test_non_html_responses_keep_their_header_facts_only():
    facts = parse_page(
        b"%PDF-1.7 <title>not html</title>",
        url="https://www.example.com/file.pdf",
        content_type="application/pdf",
        headers={"Link": '<https://www.example.com/file>; rel="canonical"', "X-Robots-Tag": "none"},
    )

    assert not facts.is_html
    assert facts.title is None
    assert facts.links == ()
    assert facts.canonical_header == "https://www.example.com/file"
    assert facts.x_robots_tag == ("none",)


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        (None, True),
        ("", True),
        ("text/html", True),
        ("TEXT/HTML; charset=UTF-8", True),
        ("application/xhtml+xml", True),
        ("text/plain", False),
        ("image/png", False),
        ("application/json; charset=utf-8", False),
    ],
)
def test_is_html_content_type(content_type, expected):
    assert is_html_content_type(content_type) is expected


# --- Encodings -------------------------------------------------------------------------------


def test_windows_1252_declared_as_latin1_decodes_like_a_browser():
    facts = fixture_facts("windows_1252.html")

    # iso-8859-1 means windows-1252 on the web: the en dash, quotes and euro sign survive.
    assert facts.encoding == "cp1252"
    assert facts.title == "Café « Crème brûlée » – 5 € chez Zoë"
    assert facts.meta_description.endswith("“macarons” à Paris – livraison offerte dès 30 €.")
    assert facts.h1 == ("Crème brûlée – la recette de Zoë",)


@pytest.mark.parametrize(
    ("label", "body", "encoding", "title"),
    [
        # Labels come from the Encoding Standard (webencodings), decoded by the codec browsers
        # use: Shift_JIS with Microsoft's extensions (circled digits), gbk read as gb18030.
        ("Shift_JIS", "<title>①②</title>".encode("cp932"), "cp932", "①②"),
        ("x-sjis", "<title>髙</title>".encode("cp932"), "cp932", "髙"),
        ("gb2312", "<title>€中</title>".encode("gb18030"), "gb18030", "€中"),
        ("korean", "<title>똠</title>".encode("cp949"), "cp949", "똠"),
        ("unicode-1-1-utf-8", "<title>Zoë</title>".encode(), "utf-8", "Zoë"),
        ("ascii", b"<title>5 \x80</title>", "cp1252", "5 €"),
        # Labels that name no usable decoder count as no declaration: UTF-8 is detected.
        ("x-user-defined", "<title>Zoë</title>".encode(), "utf-8", "Zoë"),
        ("iso-2022-kr", "<title>Zoë</title>".encode(), "utf-8", "Zoë"),
        ("no-such-label", b"<title>5 \x80</title>", "cp1252", "5 €"),
    ],
)
def test_charset_labels_follow_the_encoding_standard_as_browsers_decode_them(
    label, body, encoding, title
):
    for content_type, markup in (
        (f"text/html; charset={label}", body),
        ("text/html", f'<meta charset="{label}">'.encode() + body),
    ):
        facts = parse_page(markup, url="https://www.example.com/", content_type=content_type)

        assert (facts.encoding, facts.title) == (encoding, title), content_type


def test_shift_jis_page_is_read_and_japanese_link_text_rules_apply():
    facts = fixture_facts("shift_jis.html")

    assert facts.encoding == "cp932"
    assert facts.title == "東京のコーヒー店ガイド - 珈琲日和"
    assert facts.h1 == ("東京のコーヒー店",)
    assert [(problem.text, problem.lang) for problem in facts.non_descriptive_links] == [
        ("続きを読む", "ja")
    ]
    # No spaces between Japanese words: each character counts as one.
    assert facts.word_count > 100


def test_byte_order_mark_beats_every_declaration():
    facts = parse_page(
        (FIXTURES / "utf8_bom.html").read_bytes(),
        url="https://www.example.com/",
        content_type="text/html; charset=iso-8859-2",
    )

    assert facts.encoding == "utf-8"
    assert facts.title == "Zażółć gęślą jaźń"


def test_content_type_charset_beats_the_meta_declaration():
    body = "<meta charset=utf-8><title>Grüße</title>".encode("cp1252")

    text, codec = decode_html(body, content_type="text/html; charset=windows-1252")

    assert codec == "cp1252"
    assert "Grüße" in text


@pytest.mark.parametrize(
    ("body", "content_type", "codec"),
    [
        (b"<meta charset='Shift_JIS'>", None, "cp932"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">', None, "cp949"),
        (b"<!-- <meta charset=koi8-r> --><meta charset=gb2312>", None, "gb18030"),
        (b"<meta charset=utf-16>", None, "utf-8"),
        (b"<meta charset=base64><meta charset=latin2>", None, "iso8859-2"),
        (b"<p>nothing declared</p>", None, "utf-8"),
        (b"<p>x</p>", 'text/html; charset="ISO-8859-15"', "iso8859-15"),
        (b"<meta charset=windows-1251>", "text/html; charset=rot13", "cp1251"),
        (b"\xff\xfe<\x00p\x00>\x00", "text/html; charset=utf-8", "utf-16-le"),
    ],
)
def test_decode_html_picks_the_codec_a_browser_would(body, content_type, codec):
    assert decode_html(body, content_type=content_type)[1] == codec


def test_invalid_bytes_become_replacement_characters():
    facts = parse_page(
        b"<title>caf\xe9 \xff</title>",
        url="https://www.example.com/",
        content_type="text/html; charset=utf-8",
    )

    assert facts.encoding == "utf-8"
    assert facts.title == "caf\ufffd \ufffd"


def test_undeclared_utf8_is_decoded_as_utf8():
    facts = fixture_facts("undeclared_utf8.html")

    assert facts.title == "Sin declaración — ñandú"
    assert facts.links[0].url == "https://www.example.com/aves/%C3%B1and%C3%BA"
    # "más" is on Lighthouse's Spanish list; with no lang anywhere, every list is checked.
    assert [problem.text for problem in facts.non_descriptive_links] == ["más"]


def test_undeclared_utf8_cut_inside_a_character_is_still_utf8():
    body = "<title>Café résumé</title><p>Crème brûlée</p>".encode()[:-6]  # cut inside "é"

    facts = parse_page(body, url="https://www.example.com/", content_type="text/html")

    assert facts.encoding == "utf-8" and facts.title == "Café résumé"


def test_undeclared_latin1_is_decoded_as_windows_1252_like_a_browser():
    body = b"<title>Caf\xe9 \x93Le Ch\xe2teau\x94</title><h1>M\xfcnchen</h1>"

    facts = parse_page(body, url="https://www.example.com/", content_type="text/html")

    assert (facts.title, list(facts.h1)) == (
        "Caf\u00e9 \u201cLe Ch\u00e2teau\u201d",
        ["M\u00fcnchen"],
    )
    assert facts.encoding == "cp1252"


# --- Links and anchors -----------------------------------------------------------------------


def test_links_keep_text_rel_and_raw_href():
    facts = html(
        '<a href="/a" rel="NoFollow Sponsored">  Spaced\n  text </a>'
        '<a href="/b"><img src=x.png alt="Logo of Acme"></a>'
        '<a href="mailto:x@example.com">mail</a><a href="tel:1">call</a>'
        '<a href="javascript:go()">js</a><a href="/c">' + "long " * 100 + "</a>"
    )

    first, image_link, long_link = facts.links
    assert (first.url, first.text, first.rel, first.nofollow, first.raw_href) == (
        "https://www.example.com/a",
        "Spaced text",
        ("nofollow", "sponsored"),
        True,
        "/a",
    )
    assert image_link.text == "Logo of Acme"
    assert not image_link.nofollow
    assert len(long_link.text) == MAX_LINK_TEXT_CHARS
    assert facts.links_total == 3


def test_uncrawlable_anchors_follow_lighthouse_crawlable_anchors():
    facts = fixture_facts("anchors_lighthouse.html")

    assert [
        (problem.reason, problem.raw_href, problem.text) for problem in facts.uncrawlable_anchors
    ] == [
        (UNCRAWLABLE_JAVASCRIPT_VOID, "javascript:void(0)", "JS void"),
        (UNCRAWLABLE_JAVASCRIPT_VOID, "javascript: void(0);", "JS void with spaces"),
        (UNCRAWLABLE_FILE_URL, "file:///C:/Users/me/report.pdf", "Local file"),
        (UNCRAWLABLE_SCRIPT_ONLY, "", "Script only"),
        (UNCRAWLABLE_SCRIPT_ONLY, "", "Delegated handler"),
        (UNCRAWLABLE_MISSING_HREF, "", "Target without href"),
        (UNCRAWLABLE_INVALID_URL, "http://[::1", "Broken URL"),
    ]


def test_non_descriptive_links_follow_lighthouse_link_text():
    facts = fixture_facts("anchors_lighthouse.html")

    assert [
        (problem.reason, problem.text, problem.url, problem.lang)
        for problem in facts.non_descriptive_links
    ] == [
        (LINK_TEXT_NON_DESCRIPTIVE, "click here", "https://www.example.com/guide", "en"),
        (LINK_TEXT_NON_DESCRIPTIVE, "Read more", "https://www.example.com/guide-2", "en"),
        (LINK_TEXT_IS_URL, "https://partner.example.org/", "https://partner.example.org/", None),
        (LINK_TEXT_NON_DESCRIPTIVE, "hier", "https://www.example.com/de/", "de"),
        (LINK_TEXT_NON_DESCRIPTIVE, "más", "https://www.example.com/es/", "es"),
        (LINK_TEXT_NON_DESCRIPTIVE, "Learn more", "https://www.example.com/learn", "en"),
    ]


def test_link_text_uses_the_single_document_lang_for_every_link():
    facts = html('<html lang="de"><a href="/x">more</a><a href="/y">mehr</a>')

    # "more" is only on the English list; a German page does not flag it.
    assert [problem.text for problem in facts.non_descriptive_links] == ["mehr"]


def test_images_count_missing_and_blank_alt_separately():
    facts = html(
        '<img src=a.png alt="A cat"><img src=b.png><img src=c.png alt="">'
        "<img src=d.png alt='  '><img src=e.png alt><svg><image href=f.png></image></svg>"
    )

    assert facts.images_total == 5
    assert facts.images_missing_alt_attr == 1  # what axe's image-alt fails
    assert facts.images_empty_alt == 3
    assert facts.images_without_alt == 4
    assert [(image.src, image.alt) for image in facts.images] == [
        ("https://www.example.com/a.png", "A cat"),
        ("https://www.example.com/b.png", None),
        ("https://www.example.com/c.png", ""),
        ("https://www.example.com/d.png", "  "),
        ("https://www.example.com/e.png", ""),
    ]


def test_headings_keep_document_order_and_levels():
    facts = html("<h2>Intro</h2><h1>Main <em>title</em></h1><h4>Deep</h4><h2>Next</h2><h1></h1>")

    assert facts.headings == ((2, "Intro"), (1, "Main title"), (4, "Deep"), (2, "Next"), (1, ""))
    assert facts.h1 == ("Main title", "")
    assert facts.h2_count == 2


# --- Security and structured data ------------------------------------------------------------


def test_mixed_content_and_insecure_forms_on_an_https_page():
    markup = (
        "<link rel=stylesheet href=http://cdn.example/a.css><link rel=icon href=http://x/i.ico>"
        "<script src=http://cdn.example/a.js></script><img src=http://img.example/a.png>"
        "<img src=https://img.example/b.png><iframe src=http://embed.example/></iframe>"
        "<a href=http://plain.example/>links are not subresources</a>"
        "<form action=http://www.example.com/login></form><form action=/search></form>"
        "<form><button formaction=http://other.example/post>Go</button></form>"
    )

    secure = html(markup)
    plain = html(markup, url="http://www.example.com/page")

    assert secure.mixed_content == (
        "http://cdn.example/a.js",
        "http://img.example/a.png",
        "http://embed.example/",
        "http://cdn.example/a.css",
    )
    assert secure.insecure_forms == (
        "http://www.example.com/login",
        "http://other.example/post",
    )
    assert plain.mixed_content == ()
    assert plain.insecure_forms == ()


def test_a_plain_http_base_makes_relative_subresources_mixed_content():
    facts = html('<base href="http://www.example.com/"><img src="a.png">')

    assert facts.mixed_content == ("http://www.example.com/a.png",)


def test_jsonld_types_are_read_per_block_and_broken_blocks_are_counted():
    facts = fixture_facts("jsonld_variants.html")

    assert facts.jsonld_types == (
        "Product",
        "BreadcrumbList",
        "FAQPage",
        "WebPage",
        "Organization",
        "Recipe",
        "WebSite",
        "Person",
    )
    assert facts.jsonld_blocks == 7
    assert facts.jsonld_errors == 2  # the unclosed object and the empty block


def test_plugins_are_counted():
    assert (
        html("<embed src=a.swf><object data=b.swf></object><applet code=C></applet>").plugins == 3
    )


# --- Visible text ----------------------------------------------------------------------------


def test_word_count_reads_only_visible_body_text():
    facts = html(
        "<head><title>Not counted</title><style>p{}</style></head><body>"
        "<p>One two</p><p>three</p><script>var hidden = 1;</script>"
        "<noscript>no script text</noscript><template><p>template text</p></template>"
        "<p>four five-six</p></body>"
    )

    assert facts.word_count == 5


def test_content_hash_ignores_markup_and_whitespace_but_not_words():
    first = html("<div><p>Hello   world</p>\n<p>again</p></div><script>x()</script>")
    second = html("<section>Hello world <span>again</span></section>")
    different = html("<p>Hello world, again</p>")

    assert first.content_hash == second.content_hash
    assert first.content_hash == hashlib.sha1(b"Hello world again").hexdigest()
    assert different.content_hash != first.content_hash


def test_word_count_counts_each_cjk_character():
    assert html("<p>東京 tokyo 大阪</p>").word_count == 5


# --- Robustness ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\x00\x01\x02\xff\xfe\x00garbage",
        b"<" * 10_000,
        b"<div>" * 50_000,
        b"<a href='" + b"x" * 1_000_000,
        b"<html><head><title>" + b"t" * 100_000,
        b"<svg><title>only svg</title></svg>",
        b"<frameset><frame src=a.html></frameset>",
        b"<table><a href=/x>foster</a><tr><td><h1>in cell",
        b'<script type="application/ld+json">' + b"[" * 100_000 + b"</script>",
        "<p>\ud800 lone surrogate</p>".encode("utf-8", "surrogatepass"),
    ],
)
def test_parse_page_never_raises_on_hostile_bodies(body):
    facts = parse_page(body, url="https://www.example.com/", content_type="text/html")

    assert facts.parse_error is None
    assert facts.is_html


@pytest.mark.parametrize(
    "markup",
    [
        "<div>" * 50_000,
        "<ul><li>" * 30_000,
        "".join(f"<b id={i}>x" for i in range(20_000)),
        "<select>" + "<option>x" * 50_000 + "</select>",
        "<div " + " ".join(f"a{i}=x" for i in range(50_000)) + ">",
    ],
    ids=["nested-divs", "nested-lists", "open-formatting", "long-select", "attribute-bomb"],
)
def test_runaway_markup_is_parsed_in_linear_time_and_keeps_its_content(markup):
    # Each of these took 3-12 s in Lexbor before parse_page defused them.
    started = time.process_time()
    facts = html(markup + "<p>tail words</p><a href='/after'>after</a>")

    assert time.process_time() - started < 3
    assert [link.url for link in facts.links] == ["https://www.example.com/after"]
    assert facts.word_count >= 3


def test_long_attribute_values_are_not_mistaken_for_attribute_bombs():
    query = "q=1" + "&a=1" * 20_000  # 20,000 "=" in one value
    path = "M1 2L3 4" * 20_000
    spaced = " ".join(f"w{i}=x>" for i in range(5_000))  # looks like attributes, but quoted
    facts = html(
        f'<svg><path d="{path}"/></svg><a class=x data-query="{query}" title="{spaced}" '
        'href="/search">Search</a>'
    )

    assert facts.links[0].url == "https://www.example.com/search"
    assert facts.links[0].text == "Search"


def test_hostile_values_are_capped():
    facts = html(
        "<title>" + "t" * 50_000 + "</title>" + "<img src=x.png alt=a>" * (MAX_IMAGES + 50)
    )

    assert len(facts.title) == facts_module.MAX_TEXT_CHARS
    assert facts.images_total == MAX_IMAGES + 50
    assert len(facts.images) == MAX_IMAGES


def test_a_long_real_world_description_is_kept_whole():
    # Shops paste whole product texts into the description (seen on books.toscrape.com).
    description = "It's hard to imagine a world without this book. " * 30  # 1,470 characters
    facts = html(f'<meta name="description" content="{description}"><title>Book</title>')

    assert facts.meta_description == description


def test_huge_page_keeps_every_link_for_the_crawl_frontier():
    facts = parse_page(huge_catalog_page(), url="https://big.example.com/catalog/")

    assert facts.links_total == len(facts.links) == 8000
    assert facts.images_total == 4000
    assert facts.images_missing_alt_attr == 572
    assert facts.h2_count == 4000
    assert facts.canonical_urls == ("https://big.example.com/catalog/",)


def test_an_unexpected_failure_is_reported_not_raised(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(facts_page, "_read_headings", broken)

    facts = html("<h1>x</h1>")

    assert facts.parse_error == "RuntimeError: boom"
    assert facts.url == "https://www.example.com/page"
