"""Per-page HTML facts: what the SEO checks need to know about one fetched page.

:func:`parse_page` reads the page the way a browser's HTML5 parser builds the DOM before any
script runs, with scripting enabled as in Chrome (so ``<noscript>`` content is text, not
markup): selectolax's Lexbor parser implements the HTML Standard's tree construction. What the
DOM says wins over what the source looks like: a ``<meta>`` or ``<link>`` written in ``<head>``
after stray text or a ``<div>`` is, for a browser, in ``<body>``, and an ``<html lang>`` found
late in the source is still the root element's ``lang``.

Which elements count follows Lighthouse 12 (``core/gather/gatherers/*.js`` and
``core/audits/seo/*.js``; the title and image checks are axe-core rules that Lighthouse runs):

* title: ``document.title``: the first ``<title>`` in tree order anywhere in the document (not
  an SVG ``<title>``), its own text with ASCII whitespace stripped and collapsed.
  ``titles`` lists every ``<title>`` inside ``<head>``, for a "multiple titles" check.
* meta elements: the ``MetaElements`` gatherer collects ``head meta`` only. ``name`` is
  lowercased but not trimmed; ``meta-description`` uses the first ``name=description`` and
  fails when its ``content`` is missing or only whitespace. ``is-crawlable`` prefers a meta
  named after a crawler (``googlebot``, ``bingbot``...) over ``name=robots``; both are kept.
  ``viewport`` is the first ``name=viewport``, as in the viewport audit. Open Graph and
  Twitter cards are read by social crawlers that do not build a DOM, so for them any
  ``<meta>`` in the document counts, first one wins.
* link elements: the ``LinkElements`` gatherer marks a ``<link>`` "head" when it is inside
  ``<head>`` and "body" otherwise; ``canonical`` and ``hreflang`` skip body links. ``rel`` is
  the whole attribute lowercased and compared whole (``rel="canonical"``, ``rel="alternate"``).
  Canonicals with an empty ``href`` are skipped; the raw value is kept so the relative/invalid
  rules can be applied. HTTP ``Link:`` headers count too, resolved against the page URL.
* anchors: ``crawlable-anchors`` and ``link-text`` look at ``<a>`` elements only (the
  ``AnchorElements`` gatherer); ``<area href>`` links are still collected for the crawl
  frontier.
* ``crawlable-anchors`` (12.x, with placeholder anchors allowed), in order: a ``role``
  passes; a ``mailto:`` href passes; an empty href with an ``id`` passes; a ``file:`` href
  fails; a ``name`` passes; an ``<a>`` with neither ``href`` nor any of
  ``target/download/ping/rel/hreflang/type/referrerpolicy`` is a placeholder that fails only
  when it or an ancestor has an event listener (before scripts run: an inline ``on*``
  attribute); with such attributes but no ``href`` it fails; an href (whitespace removed)
  containing ``javascript:void(0)`` or ``javascript:void0`` (case-sensitive) fails; an href
  that does not parse against the page URL fails.
* ``link-text``: links without ``href``, with ``rel`` containing ``nofollow``, to
  ``javascript:``/``mailto:`` or to the page itself (fragment ignored) are skipped. The
  trimmed text fails when it is a full http(s) URL, or when it is on the non-descriptive list
  of its language: the ``lang`` of ``<html>``/``<body>`` when that is the only ``lang`` in the
  document, else the one of the text's elements; every list when unknown. ``innerText`` is
  approximated by the text content.
* images: axe's ``image-alt`` fails an ``<img>`` without an ``alt`` attribute (``alt=""``
  marks a decorative image and passes). Both counts are kept, plus ``images_without_alt`` for
  our own check, which wants a non-blank ``alt``.

All URLs are resolved against the document base URL (the first ``<base href>``, else the page
URL) and normalized with :func:`audits.engine.urls.normalize_url`.

The body is decoded as a browser does: a byte-order mark wins, then the ``Content-Type``
charset, then a ``<meta charset>`` / ``http-equiv`` declaration; with none of these, UTF-8 when
the bytes are valid UTF-8, else windows-1252 (undecodable bytes become replacement
characters). Encoding labels follow the WHATWG Encoding Standard
(``iso-8859-1`` means windows-1252, ``shift_jis`` means Microsoft's cp932, ...).

Visible text (word count, content hash) is the ``<body>`` text without ``script``,
``style``, ``noscript``, ``template``, ``iframe``, ``noembed``, ``noframes`` and ``title``;
a word is what whitespace separates, and each CJK character counts as one.

Robustness: :func:`parse_page` never raises for any body; broken markup is repaired by the
parser as a browser would, and every stored list and string is capped. A crawled page must not
be able to take the crawl down, so:

* every regular expression that reads crawled text runs in linear time (no nested unbounded
  repetition; the tests feed each one 5 MB of hostile input);
* markup that makes HTML5 parsers slow is defused first (runaway nesting, attribute bombs), and
  a page with more than :data:`MAX_ELEMENTS` start tags is not parsed at all;
* parsing has a CPU budget (:data:`PAGE_CPU_BUDGET_SECONDS` of the calling thread's CPU time),
  checked between stages and inside every loop over the document; a page that runs out is
  returned with ``parse_error`` starting with :data:`TOO_COMPLEX` ("too complex to analyse"),
  which the ``page-too-complex`` check reports, and the crawl goes on;
* URLs longer than :data:`~audits.engine.urls.MAX_URL_CHARS` once resolved are dropped and
  counted in ``urls_too_long`` (the ``url-too-long`` check), and the links kept per page are
  capped in number and in characters.

Pure Python, no Django imports.
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import json
import logging
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

import jstyleson
from extruct.jsonld import HTML_OR_JS_COMMENTLINE
from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser, LexborNode

from audits.engine.urls import (
    MAX_URL_CHARS,
    UrlTooLong,
    is_absolute_url,
    is_valid_url,
    normalize_url,
    resolve_base_url,
    resolve_url,
    url_scheme,
)

logger = logging.getLogger(__name__)

# Bigger bodies are cut: Googlebot itself only reads the first 15 MB of an HTML file.
MAX_BODY_BYTES: Final = 15 * 1024 * 1024
# Titles, descriptions, headings. Real descriptions can run past 1,000 characters (shops paste
# whole product texts); the cap only stops hostile pages.
MAX_TEXT_CHARS: Final = 10_000
MAX_LINK_TEXT_CHARS: Final = 200
# The crawl frontier wants every link; these only stop hostile pages (a page's links cross to
# the scan's process and become link rows, so they are capped in number and in characters).
MAX_LINKS: Final = 10_000
MAX_LINK_CHARS: Final = 1_000_000  # URL + href + text of the links kept
MAX_HEADINGS: Final = 500
MAX_IMAGES: Final = 200
MAX_PROBLEMS: Final = 200
MAX_URLS: Final = 100  # mixed content, insecure forms
MAX_JSONLD_TYPES: Final = 100
MAX_JSONLD_BLOCKS: Final = 100  # decoded; more are counted only

# Parsing costs 1-20 ms of CPU for a real page and ~1.1 s for 5 MB of 100,000 nested <div>s;
# 5 MB of hostile markup took minutes before the guards below. Past this much CPU time (of
# the parsing thread) a page is "too complex to analyse".
PAGE_CPU_BUDGET_SECONDS: Final = 1.5
# Pages with more start tags are too complex to analyse without parsing them (Lighthouse
# already warns past 1,400 DOM elements; HTML5 parsing costs up to ~7 us per element).
MAX_ELEMENTS: Final = 200_000
# How parse_error reads for such a page: "too_complex: elements=250000" (more start tags than
# MAX_ELEMENTS) or "too_complex: cpu_seconds=1.5" (the CPU budget ran out).
TOO_COMPLEX: Final = "too_complex"
TOO_MANY_ELEMENTS: Final = "elements"
OUT_OF_CPU: Final = "cpu_seconds"

# Lighthouse 12 link-text.js: link texts that say nothing about the target, per language.
_NON_DESCRIPTIVE_LINK_TEXTS_BY_LANG: Final = {
    "en": "click here|click this|go|here|information|learn more|more|more info|more information|"
    "right here|read more|see more|start|this",
    "ja": "ここをクリック|こちらをクリック|リンク|続きを読む|続く|全文表示",
    "es": "click aquí|click aqui|clicka aquí|clicka aqui|pincha aquí|pincha aqui|aquí|aqui|más|mas|"
    "más información|más informacion|mas información|mas informacion|este|enlace|este enlace|"
    "empezar",
    "pt": "clique aqui|ir|mais informação|mais informações|mais|veja mais",
    "ko": "여기|여기를 클릭|클릭|링크|자세히|자세히 보기|계속|이동|전체 보기",
    "sv": "här|klicka här|läs mer|mer|mer info|mer information",
    "de": "klicke hier|hier klicken|hier|mehr|siehe|dies|das|weiterlesen",
    "ta": "அடுத்த பக்கம்|மறுபக்கம்|முந்தைய பக்கம்|முன்பக்கம்|மேலும் அறிக|மேலும் தகவலுக்கு|"
    "மேலும் தரவுகளுக்கு|தயவுசெய்து இங்கே அழுத்தவும்|இங்கே கிளிக் செய்யவும்",
    "fa": "اطلاعات بیشتر|اطلاعات|این|اینجا بزنید|اینجا کلیک کنید|اینجا|برو|بیشتر بخوانید|"
    "بیشتر بدانید|بیشتر|شروع",
}
NON_DESCRIPTIVE_LINK_TEXTS: Final[dict[str, frozenset[str]]] = {
    lang: frozenset(texts.split("|")) for lang, texts in _NON_DESCRIPTIVE_LINK_TEXTS_BY_LANG.items()
}
_ANY_NON_DESCRIPTIVE: Final = frozenset().union(*NON_DESCRIPTIVE_LINK_TEXTS.values())

# crawlable-anchors.js: an <a> with any of these is meant to be a link, even without href.
_HREF_ASSOCIATED_ATTRIBUTES: Final = (
    "target",
    "download",
    "ping",
    "rel",
    "hreflang",
    "type",
    "referrerpolicy",
)
_JAVASCRIPT_VOID_RE: Final = re.compile(r"javascript:void(\(|)0(\)|)")
_ASCII_WHITESPACE_RE: Final = re.compile(r"[\t\n\f\r ]+")

# Crawlers that is-crawlable.js asks about by name, plus a few more that sites address.
ROBOTS_META_NAMES: Final = frozenset(
    {"robots", "googlebot", "googlebot-news", "bingbot", "duckduckbot", "archive.org_bot", "yandex"}
)

_OG_KEYS: Final = {"og:title": "title", "og:description": "description", "og:image": "image"}
_TWITTER_KEYS: Final = {
    "twitter:card": "card",
    "twitter:title": "title",
    "twitter:description": "description",
    "twitter:image": "image",
}

# Elements whose text a visitor never reads as page content.
_INVISIBLE_TAGS: Final = [
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "noembed",
    "noframes",
    "title",
]
_INVISIBLE_SELECTOR: Final = ", ".join(_INVISIBLE_TAGS)
_LARGE_PAGE_BYTES: Final = 512 * 1024
_SUBRESOURCE_SELECTOR: Final = (
    "img[src], script[src], iframe[src], frame[src], audio[src], video[src], source[src], "
    "track[src], embed[src]"
)
_HTML_MIME_TYPES: Final = frozenset({"text/html", "application/xhtml+xml"})
# Counted as words one character at a time: these scripts do not separate words by spaces.
_CJK_CHAR_RE: Final = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(slots=True)
class Link:
    """A followable ``<a href>`` or ``<area href>`` whose target is an http(s) URL."""

    url: str  # normalized, absolute
    text: str  # visible text, or the image alt text when the link only holds an image
    rel: tuple[str, ...]  # lowercased rel tokens
    nofollow: bool
    raw_href: str


@dataclass(slots=True)
class AnchorProblem:
    """An ``<a>`` that a Lighthouse link rule flags; ``reason`` is one of the constants below."""

    reason: str
    raw_href: str
    text: str
    url: str | None = None  # normalized target when it is an http(s) URL
    lang: str | None = None  # the text language used for the link-text lookup, if known


# crawlable-anchors
UNCRAWLABLE_FILE_URL: Final = "file-url"
UNCRAWLABLE_SCRIPT_ONLY: Final = "no-href-with-event-handler"
UNCRAWLABLE_MISSING_HREF: Final = "missing-href"
UNCRAWLABLE_JAVASCRIPT_VOID: Final = "javascript-void"
UNCRAWLABLE_INVALID_URL: Final = "invalid-url"
# link-text
LINK_TEXT_NON_DESCRIPTIVE: Final = "non-descriptive-text"
LINK_TEXT_IS_URL: Final = "url-as-text"


@dataclass(frozen=True, slots=True)
class UrlRef:
    """A URL-valued declaration (a canonical) as written and as resolved."""

    raw_href: str
    url: str | None  # normalized; None when it cannot be resolved to an http(s) URL
    is_absolute: bool  # whether raw_href parses on its own (Lighthouse: "relative" otherwise)


@dataclass(frozen=True, slots=True)
class Hreflang:
    lang: str  # the hreflang value as written
    href: str | None  # normalized absolute URL, None if unresolvable
    raw_href: str
    source: str  # "head" or "header"


@dataclass(slots=True)
class Image:
    src: str  # normalized absolute URL when it is one, else the raw attribute
    alt: str | None  # None when the alt attribute is missing
    fails_axe_alt: bool = False  # fails axe-core's image-alt rule (see _fails_axe_image_alt)


@dataclass(frozen=True, slots=True)
class PageFacts:
    """Everything the per-page checks read. Lists keep document order."""

    url: str
    is_html: bool = True
    encoding: str | None = None
    encoding_declared: bool = True  # False: no BOM, Content-Type charset or <meta charset>
    base_url: str | None = None
    title: str | None = None
    titles: tuple[str, ...] = ()
    meta_descriptions: tuple[str, ...] = ()
    h1: tuple[str, ...] = ()
    h2_count: int = 0
    headings: tuple[tuple[int, str], ...] = ()
    canonicals: tuple[UrlRef, ...] = ()
    canonical_headers: tuple[UrlRef, ...] = ()
    lang: str | None = None
    hreflang: tuple[Hreflang, ...] = ()
    meta_robots: str | None = None
    robots_metas: tuple[tuple[str, str], ...] = ()
    x_robots_tag: tuple[str, ...] = ()
    viewport: str | None = None
    og: dict[str, str | None] = field(default_factory=lambda: dict.fromkeys(_OG_KEYS.values()))
    twitter: dict[str, str | None] = field(
        default_factory=lambda: dict.fromkeys(_TWITTER_KEYS.values())
    )
    images_total: int = 0
    images_missing_alt_attr: int = 0
    images_empty_alt: int = 0
    images_without_alt: int = 0
    images_failing_axe_alt: int = 0  # what Lighthouse's image-alt audit (axe-core) fails
    images: tuple[Image, ...] = ()
    jsonld_types: tuple[str, ...] = ()
    jsonld_blocks: int = 0
    jsonld_errors: int = 0
    word_count: int = 0
    content_hash: str | None = None
    links: tuple[Link, ...] = ()
    links_total: int = 0
    link_chars: int = 0  # URL, href and text characters of the links kept
    uncrawlable_anchors: tuple[AnchorProblem, ...] = ()
    non_descriptive_links: tuple[AnchorProblem, ...] = ()
    insecure_forms: tuple[str, ...] = ()
    mixed_content: tuple[str, ...] = ()
    plugins: int = 0
    urls_too_long: int = 0  # URLs dropped for being longer than MAX_URL_CHARS
    parse_error: str | None = None

    @property
    def too_complex(self) -> bool:
        """The page ran out of its CPU budget (or had too many elements) and was not read."""
        return too_complex_reason(self.parse_error) is not None

    @property
    def meta_description(self) -> str | None:
        """The description Lighthouse and search engines use: the first one."""
        return self.meta_descriptions[0] if self.meta_descriptions else None

    @property
    def canonical_header(self) -> str | None:
        """The first canonical URL declared in an HTTP ``Link`` header."""
        return self.canonical_headers[0].url if self.canonical_headers else None

    @property
    def canonical_urls(self) -> tuple[str, ...]:
        """Distinct resolved canonical URLs from ``<head>`` and headers, in order."""
        urls = (ref.url for ref in (*self.canonicals, *self.canonical_headers) if ref.url)
        return tuple(dict.fromkeys(urls))


class PageTooComplex(Exception):
    """The page cannot be analysed within its CPU budget: ``reason`` is TOO_MANY_ELEMENTS or
    OUT_OF_CPU, ``amount`` the elements counted or the CPU seconds allowed."""

    def __init__(self, reason: str, amount: float) -> None:
        super().__init__(f"{reason}={amount}")
        self.reason = reason
        self.amount = amount


def too_complex_reason(parse_error: str | None) -> tuple[str, float] | None:
    """``(reason, amount)`` of a page that was too complex to analyse, else None."""
    if not parse_error or not parse_error.startswith(TOO_COMPLEX + ": "):
        return None
    reason, _, amount = parse_error[len(TOO_COMPLEX) + 2 :].partition("=")
    try:
        return reason, float(amount)
    except ValueError:
        return None


class _CpuBudget:
    """CPU seconds of the calling thread (a crawl's other threads do not count)."""

    __slots__ = ("deadline", "seconds")

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.deadline = float("inf") if seconds is None else time.thread_time() + seconds

    def check(self) -> None:
        if time.thread_time() > self.deadline:
            raise PageTooComplex(OUT_OF_CPU, self.seconds or 0)


def parse_page(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    headers: Mapping[str, str] | None = None,
    cpu_budget_seconds: float | None = PAGE_CPU_BUDGET_SECONDS,
) -> PageFacts:
    """Extract :class:`PageFacts` from a fetched page; never raises.

    ``url`` is the final URL (after redirects), ``content_type`` the response's
    ``Content-Type`` and ``headers`` its headers (a multidict keeps repeated ``Link`` and
    ``X-Robots-Tag`` headers apart; a plain dict works too). A page that needs more than
    ``cpu_budget_seconds`` of CPU (None: no limit) comes back "too complex": only what the
    headers say, and ``parse_error`` starting with :data:`TOO_COMPLEX`.
    """
    page_url = normalize_url(url) or url
    budget = _CpuBudget(cpu_budget_seconds)
    try:
        from_headers = _read_headers(headers, page_url=page_url, budget=budget)
        if not is_html_content_type(content_type):
            return PageFacts(
                url=page_url,
                is_html=False,
                canonical_headers=from_headers.canonicals,
                hreflang=from_headers.hreflang,
                x_robots_tag=from_headers.x_robots_tag,
                urls_too_long=from_headers.urls_too_long,
            )
        return _parse_html_page(
            body, page_url=page_url, content_type=content_type, headers=headers,
            from_headers=from_headers, budget=budget,
        )  # fmt: skip
    except PageTooComplex as error:
        logger.info("Too complex to analyse: %s (%s)", page_url, error)
        return PageFacts(
            url=page_url,
            parse_error=f"{TOO_COMPLEX}: {error}"[:500],
            x_robots_tag=tuple(_header_values(headers, "x-robots-tag")),
        )
    except Exception as error:  # a crawler must survive any page; log it and carry on
        logger.exception("Could not extract facts from %s", page_url)
        return PageFacts(url=page_url, parse_error=f"{type(error).__name__}: {error}"[:500])


@dataclass(slots=True)
class _HeaderFacts:
    canonicals: tuple[UrlRef, ...]
    hreflang: tuple[Hreflang, ...]
    x_robots_tag: tuple[str, ...]
    urls_too_long: int


def _read_headers(
    headers: Mapping[str, str] | None, *, page_url: str, budget: _CpuBudget
) -> _HeaderFacts:
    resolve = _Resolver(page_url)
    canonicals, hreflang = _read_link_headers(
        _header_values(headers, "link"), resolve=resolve, budget=budget
    )
    x_robots_tag = tuple(_header_values(headers, "x-robots-tag"))
    return _HeaderFacts(canonicals, hreflang, x_robots_tag, resolve.too_long)


def _parse_html_page(
    body: bytes,
    *,
    page_url: str,
    content_type: str | None,
    headers: Mapping[str, str] | None,
    from_headers: _HeaderFacts,
    budget: _CpuBudget,
) -> PageFacts:
    body = body[:MAX_BODY_BYTES]
    # The crawler hands over the bare media type; the charset is in the header itself.
    declared_types = [content_type or "", *_header_values(headers, "content-type")]
    declared = declared_codec(
        body, content_type=next((t for t in declared_types if "charset" in t.lower()), None)
    )
    text, encoding = _decode(body, declared)
    budget.check()
    tree = _parse_html(text, budget=budget)
    del text  # the tree holds its own copy; 5 MB less while the facts are read
    budget.check()
    base_url = _document_base_url(tree, page_url=page_url)
    head = tree.head
    head_metas = head.css("meta") if head is not None else []
    head_links = head.css("link") if head is not None else []

    meta = _read_head_metas(head_metas, budget=budget)
    social = _read_social_metas(tree, head_metas, budget=budget)
    resolve = _Resolver(base_url)
    canonicals, head_hreflang = _read_head_links(head_links, resolve=resolve, budget=budget)
    headings = _read_headings(tree, budget=budget)
    images = _read_images(tree, resolve=resolve, budget=budget)
    anchors = _read_anchors(tree, page_url=page_url, resolve=resolve, budget=budget)
    jsonld_types, jsonld_blocks, jsonld_errors = _read_jsonld(tree, budget=budget)
    is_https = page_url.startswith("https://")
    insecure_forms = _insecure_forms(tree, resolve=resolve, budget=budget) if is_https else ()
    mixed_content = _mixed_content(tree, resolve=resolve, budget=budget) if is_https else ()
    title = _document_title(tree, budget=budget)
    head_titles = head.css("title")[:MAX_PROBLEMS] if head is not None else []
    titles = tuple(_title_text(node) for node in head_titles)
    lang = _html_lang(tree)
    plugins = len(tree.css("embed, object, applet"))
    budget.check()
    # Last: it strips invisible elements from the tree.
    word_count, content_hash = _read_visible_text(tree, large=len(body) > _LARGE_PAGE_BYTES)
    budget.check()

    return PageFacts(
        url=page_url,
        is_html=True,
        encoding=encoding,
        encoding_declared=declared is not None,
        # A <base> over the URL cap is used to resolve links (which it makes too long) but is
        # not kept: it would travel with the page's facts.
        base_url=base_url if len(base_url) <= MAX_URL_CHARS else None,
        title=title,
        titles=titles,
        meta_descriptions=meta.descriptions,
        h1=headings.h1,
        h2_count=headings.h2_count,
        headings=headings.headings,
        canonicals=canonicals,
        canonical_headers=from_headers.canonicals,
        lang=lang,
        hreflang=head_hreflang + from_headers.hreflang,
        meta_robots=meta.robots,
        robots_metas=meta.robots_metas,
        x_robots_tag=from_headers.x_robots_tag,
        viewport=meta.viewport,
        og=social[0],
        twitter=social[1],
        images_total=images.total,
        images_missing_alt_attr=images.missing_alt_attr,
        images_empty_alt=images.empty_alt,
        images_without_alt=images.missing_alt_attr + images.empty_alt,
        images_failing_axe_alt=images.failing_axe_alt,
        images=images.sample,
        jsonld_types=jsonld_types,
        jsonld_blocks=jsonld_blocks,
        jsonld_errors=jsonld_errors,
        word_count=word_count,
        content_hash=content_hash,
        links=anchors.links,
        links_total=anchors.links_total,
        link_chars=anchors.link_chars,
        uncrawlable_anchors=anchors.uncrawlable,
        non_descriptive_links=anchors.non_descriptive,
        insecure_forms=insecure_forms,
        mixed_content=mixed_content,
        plugins=plugins,
        urls_too_long=from_headers.urls_too_long + resolve.too_long,
    )


# --- Parsing ----------------------------------------------------------------------------------

MAX_NESTING_DEPTH: Final = 512  # what Chrome allows
# Lexbor compares each attribute with the element's others: 20,000 cost 1.2 s, and 5 MB of
# elements with 1,000 each ~1.3 s. With 256, a 5 MB page of them costs ~0.3 s.
MAX_ATTRIBUTES: Final = 256
# Start tags left open beyond which the markup is scanned for runaway nesting.
_UNCLOSED_TAGS_BEFORE_SCAN: Final = 4096
# The tag's end (">") is looked up with str.find, not by the pattern: "[^>]*>" retried from
# each "<a" of 5 MB of "<a<a<a..." without ">" was quadratic (11 s of CPU for 200 KB).
_MARKUP_TOKEN_RE: Final = re.compile(r"<(?:(!--)|(/?)([a-zA-Z][a-zA-Z0-9:-]*+))")
# Longer tags are stepped over by searching again after them.
_LONG_TAG_CHARS: Final = 1024
# A start tag runs to the next ">" (quotes aside): "<a<a<a" is one tag named "a<a<a".
_START_TAG_RE: Final = re.compile(r"<[a-zA-Z][^>]*+")
_RAW_TEXT_TAGS: Final = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"}
)
# Start tags that never deepen the tree: void elements, and the document's own skeleton.
_FLAT_TAGS: Final = frozenset(
    {
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"),
        *("source", "track", "wbr", "param", "keygen", "frame", "basefont", "bgsound", "image"),
        *("html", "head", "body"),
    }
)
# Smaller pages cannot hold an attribute bomb that costs more than ~0.1 s.
_ATTRIBUTE_SCAN_CHARS: Final = 32 * 1024
# The HTML tokenizer's view of attributes, quotes included (a quoted ">" does not end a tag),
# with possessive quantifiers throughout: every character is read once.
_WS: Final = r"\t\n\f\r "
_ATTRIBUTE: Final = (
    rf"[^{_WS}/>][^{_WS}/>=]*+"
    rf"""(?:[{_WS}]*+=[{_WS}]*+(?:"[^"]*+"|'[^']*+'|[^{_WS}>]++))?+"""
)
_ATTRIBUTES_WITHIN_LIMIT: Final = (
    rf"(?:[{_WS}/]*+{_ATTRIBUTE}){{0,{MAX_ATTRIBUTES}}}+(?![{_WS}/]*+[^{_WS}/>])"
)
# One alternative per element, not a backreference: Python's re rejects a group captured
# inside a possessive repeat ("The span of capturing group is wrong").
_RAW_TEXT_ELEMENTS: Final = "|".join(
    rf"{name}(?=[{_WS}/>]){_ATTRIBUTES_WITHIN_LIMIT}(?:[^<]++|<(?!/{name}[{_WS}/>]))*+"
    for name in ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
    + ("noscript",)
)
# Everything up to the first tag with more than MAX_ATTRIBUTES attributes (one match: no
# Python per tag). Comments and raw text (scripts, styles) are skipped whole, so their text
# is never taken for attributes.
_MARKUP_WITHOUT_ATTRIBUTE_BOMBS_RE: Final = re.compile(
    rf"""(?:
        [^<]++
      | <(?:
            !--(?:[^-]++|-(?!->))*+(?:-->)?
          | (?=[stxin])(?:{_RAW_TEXT_ELEMENTS})
          | /?[a-zA-Z][^{_WS}/>]*+{_ATTRIBUTES_WITHIN_LIMIT}
          | (?!/?[a-zA-Z])
        )
    )*+""",
    re.IGNORECASE | re.VERBOSE,
)
_TAG_WITH_ATTRIBUTES_RE: Final = re.compile(
    rf"(</?[a-zA-Z][^{_WS}/>]*+)(?:[{_WS}/]*+{_ATTRIBUTE})*+", re.IGNORECASE
)
_FIRST_ATTRIBUTES_RE: Final = re.compile(rf"(?:[{_WS}/]*+{_ATTRIBUTE}){{0,{MAX_ATTRIBUTES}}}+")
# A start tag of one of these closes an open sibling of the same kind: <li>a<li>b.
_SIBLING_CLOSING_TAGS: Final = {
    "li": {"li"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "p": {"p"},
    "option": {"option"},
    "tr": {"tr", "td", "th"},
    "td": {"td", "th"},
    "th": {"td", "th"},
}


def _parse_html(text: str, *, budget: _CpuBudget | None = None) -> LexborHTMLParser:
    """Build the DOM a browser builds, with scripting on, without quadratic blow-ups.

    Lexbor's DOM mutation events (which fill ``<selectedcontent>``) take quadratic time on a
    long ``<select>`` (12 s for 50,000 options) and change nothing we read, so they are off.
    Deeply nested markup makes every HTML5 parser slow, as each new element looks through all
    open ones (4 s for 50,000 unclosed ``<div>``), so pages with many unclosed tags are kept
    within :data:`MAX_NESTING_DEPTH` levels first. Likewise each attribute is checked against
    the element's others (18 s for 50,000), so only the first :data:`MAX_ATTRIBUTES` are kept.
    The parser itself cannot be interrupted, so a page whose size in elements would take it
    past the CPU budget (:data:`MAX_ELEMENTS`) is refused before it starts.
    """
    budget = budget or _CpuBudget(None)
    if text.count("<") > MAX_ELEMENTS:
        elements = _START_TAG_RE.subn("", text)[1]
        if elements > MAX_ELEMENTS:
            raise PageTooComplex(TOO_MANY_ELEMENTS, elements)
    if text.count("<") - 2 * text.count("</") > _UNCLOSED_TAGS_BEFORE_SCAN:
        text = _flatten_deep_nesting(text, budget=budget)
        budget.check()
    if len(text) > _ATTRIBUTE_SCAN_CHARS:
        text = _trim_attribute_bombs(text)
        budget.check()
    return LexborHTMLParser(text, scripting=True, options=LexborDocumentOptions.WO_EVENTS)


def _trim_attribute_bombs(text: str) -> str:
    """Keep the first :data:`MAX_ATTRIBUTES` attributes of every tag that has more."""
    pieces: list[str] = []
    position = 0
    while True:
        bomb = _MARKUP_WITHOUT_ATTRIBUTE_BOMBS_RE.match(text, position).end()
        if bomb >= len(text):
            break
        tag = _TAG_WITH_ATTRIBUTES_RE.match(text, bomb)
        kept = _FIRST_ATTRIBUTES_RE.match(text, tag.end(1)).end()
        pieces.append(text[position:kept])
        position = tag.end()  # the attributes after the first MAX_ATTRIBUTES are left out
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)


def _flatten_deep_nesting(text: str, *, budget: _CpuBudget) -> str:
    """Close the innermost open element before a start tag that would nest too deep.

    The new element then becomes a sibling instead of a child, as in Chrome; nothing is lost.
    Open elements are tracked roughly (only the commonest end tags the parser implies are
    modelled), which is enough to keep the real depth near the limit.
    """
    pieces: list[str] = []
    open_tags: list[str] = []
    open_counts: dict[str, int] = {}
    copied_up_to = position = 0
    # finditer, restarted after a long stretch that is not markup (a comment, a script, a
    # long tag); tokens inside a short one start before `position` and are passed over.
    tokens = _MARKUP_TOKEN_RE.finditer(text)
    count = 0
    while (match := next(tokens, None)) is not None:
        count += 1
        if not count & 1023:
            budget.check()
        start = match.start()
        if start < position:
            continue
        comment, slash, name = match.groups()
        if comment:
            end = text.find("-->", start + 4)
            if end == -1:
                break
            position = end + 3
            tokens = _MARKUP_TOKEN_RE.finditer(text, position)
            continue
        tag_end = text.find(">", match.end())
        if tag_end == -1:
            break  # a tag left open runs to the end of the page, which drops it
        position = tag_end + 1
        if tag_end - start > _LONG_TAG_CHARS:
            tokens = _MARKUP_TOKEN_RE.finditer(text, position)
        name = name.lower()
        if slash:  # an end tag closes everything opened after its element
            if open_counts.get(name):
                while open_tags:
                    closed = open_tags.pop()
                    open_counts[closed] -= 1
                    if closed == name:
                        break
            continue
        if name in _RAW_TEXT_TAGS:
            end = _find_end_tag(text, name, position)
            if end == -1:
                break
            position = end
            tokens = _MARKUP_TOKEN_RE.finditer(text, position)
            continue
        if name in _FLAT_TAGS or text[tag_end - 1] == "/":
            continue
        closes = _SIBLING_CLOSING_TAGS.get(name)
        while closes and open_tags and open_tags[-1] in closes:
            open_counts[open_tags.pop()] -= 1
        if len(open_tags) >= MAX_NESTING_DEPTH:
            innermost = open_tags.pop()
            open_counts[innermost] -= 1
            pieces.append(text[copied_up_to:start])
            pieces.append(f"</{innermost}>")
            copied_up_to = start
        open_tags.append(name)
        open_counts[name] = open_counts.get(name, 0) + 1
    pieces.append(text[copied_up_to:])
    return "".join(pieces)


_RAW_TEXT_END_RES: Final = {
    name: re.compile(rf"</{name}[\s/>]", re.IGNORECASE) for name in _RAW_TEXT_TAGS
}


def _find_end_tag(text: str, name: str, position: int) -> int:
    """Where the raw text of a ``<script>``-like element ends: its markup is not markup."""
    match = _RAW_TEXT_END_RES[name].search(text, position)
    return -1 if match is None else match.start()


# --- Decoding ---------------------------------------------------------------------------------

# WHATWG Encoding Standard labels, grouped by the Python codec that decodes them.
_ENCODING_LABELS: Final = {
    "utf-8": "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8",
    "cp866": "866 cp866 csibm866 ibm866",
    "iso8859-2": "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 "
    "iso_8859-2:1987 l2 latin2",
    "iso8859-3": "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 "
    "iso_8859-3:1988 l3 latin3",
    "iso8859-4": "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 "
    "iso_8859-4:1988 l4 latin4",
    "iso8859-5": "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 "
    "iso_8859-5 iso_8859-5:1988",
    "iso8859-6": "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 "
    "iso-8859-6 iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 "
    "iso_8859-6:1987",
    "iso8859-7": "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 "
    "iso8859-7 iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek",
    "iso8859-8": "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 "
    "iso8859-8 iso88598 iso_8859-8 iso_8859-8:1988 visual csiso88598i iso-8859-8-i logical",
    "iso8859-10": "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6",
    "iso8859-13": "iso-8859-13 iso8859-13 iso885913",
    "iso8859-14": "iso-8859-14 iso8859-14 iso885914",
    "iso8859-15": "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9",
    "iso8859-16": "iso-8859-16",
    "koi8-r": "cskoi8r koi koi8 koi8-r koi8_r",
    "koi8-u": "koi8-ru koi8-u",
    "mac-roman": "csmacintosh mac macintosh x-mac-roman",
    "mac-cyrillic": "x-mac-cyrillic x-mac-ukrainian",
    "cp874": "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
    "cp1250": "cp1250 windows-1250 x-cp1250",
    "cp1251": "cp1251 windows-1251 x-cp1251",
    "cp1252": "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 "
    "iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252",
    "cp1253": "cp1253 windows-1253 x-cp1253",
    "cp1254": "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 "
    "iso_8859-9:1989 l5 latin5 windows-1254 x-cp1254",
    "cp1255": "cp1255 windows-1255 x-cp1255",
    "cp1256": "cp1256 windows-1256 x-cp1256",
    "cp1257": "cp1257 windows-1257 x-cp1257",
    "cp1258": "cp1258 windows-1258 x-cp1258",
    "gb18030": "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 "
    "x-gbk gb18030",
    "big5hkscs": "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    "euc_jp": "cseucpkdfmtjapanese euc-jp x-euc-jp",
    "iso2022_jp": "csiso2022jp iso-2022-jp",
    "cp932": "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
    "cp949": "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 "
    "ksc5601 ksc_5601 windows-949",
    "utf-16-be": "unicodefffe utf-16be",
    "utf-16-le": "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le",
}
_CODEC_BY_LABEL: Final = {
    label: codec for codec, labels in _ENCODING_LABELS.items() for label in labels.split()
}
# Written so that each input can match only one way: "\s*["']?\s*" split a run of spaces
# in every possible way, and "<!--.*?--> or <meta[^>]*?charset" rescanned the rest of the
# 64 KB window from every unclosed "<!--" or "<meta" (minutes of CPU).
_CHARSET_PARAM_RE: Final = re.compile(
    r"""charset\s*+=\s*+(?:["']\s*+)?([^\s"';,]+)""", re.IGNORECASE
)
# Both alternatives match from wherever they start (the charset is optional), so the search
# never starts again inside a comment or a tag it has read: every byte is read once.
_META_CHARSET_RE: Final = re.compile(
    rb"""<!--(?:[^-]++|-(?!->))*+(?:-->)?"""
    rb"""|<meta[\s/](?:[^>c]++|c(?!harset\s*+=))*+"""
    rb"""(?:charset\s*+=\s*+(?:["']\s*+)?([a-zA-Z0-9_.:\-]+))?""",
    re.IGNORECASE,
)
# The Standard's prescan reads 1024 bytes; Chrome keeps looking while it is still in <head>,
# and a later <meta charset> makes browsers re-decode the page, so look further.
_META_SCAN_BYTES: Final = 64 * 1024
_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)


def decode_html(body: bytes, *, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML body; returns the text and the Python codec used. Never raises."""
    return _decode(body, declared_codec(body, content_type=content_type))


def declared_codec(body: bytes, *, content_type: str | None = None) -> str | None:
    """The codec a byte-order mark, the ``Content-Type`` charset or a ``<meta>`` declaration
    names, in that order of precedence; None when the page declares nothing we know."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec
    if content_type:
        match = _CHARSET_PARAM_RE.search(content_type)
        if match:
            codec = _CODEC_BY_LABEL.get(match.group(1).lower())
            if codec is not None:
                return codec
    return _meta_declared_codec(body)


def _decode(body: bytes, declared: str | None) -> tuple[str, str]:
    if declared is None:
        return _decode_undeclared(body)
    for bom, bom_codec in _BOMS:
        if bom_codec == declared and body.startswith(bom):
            body = body[len(bom) :]
            break
    return body.decode(declared, errors="replace"), declared


def _decode_undeclared(body: bytes) -> tuple[str, str]:
    """Nothing declared: UTF-8 when the bytes are UTF-8 (the HTML Standard allows detecting
    it, and its byte pattern leaves no doubt; search engines read such pages as UTF-8), else
    windows-1252, the Standard's default for Western locales, as Chromium and html5lib use it.
    Old European sites that never declared their Latin-1 text read right that way. A body
    cut in the middle of a character (size limit, timeout) is still UTF-8. One pass: the
    UTF-8 attempt is the decoding."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(body, final=False)
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace"), "cp1252"
    if decoder.getstate()[0]:
        text += "\ufffd"  # the cut character, as errors="replace" shows it
    return text, "utf-8"


def _meta_declared_codec(body: bytes) -> str | None:
    for match in _META_CHARSET_RE.finditer(body, 0, _META_SCAN_BYTES):
        label = match.group(1)
        if label is None:  # a comment (its content does not count), or a <meta> without one
            continue
        codec = _CODEC_BY_LABEL.get(label.decode("ascii").lower())
        if codec is None:
            continue  # an unknown label is ignored; the next declaration may do
        # A page cannot declare UTF-16 from inside itself: the bytes read so far were ASCII.
        return "utf-8" if codec.startswith("utf-16") else codec
    return None


def is_html_content_type(content_type: str | None) -> bool:
    """Whether a response with this ``Content-Type`` is parsed as HTML (missing: yes)."""
    if not content_type:
        return True
    mime = content_type.partition(";")[0].strip().lower()
    return not mime or mime in _HTML_MIME_TYPES


# --- HTTP headers -----------------------------------------------------------------------------


def _header_values(headers: Mapping[str, str] | None, name: str) -> list[str]:
    if not headers:
        return []
    getall = getattr(headers, "getall", None)  # aiohttp's CIMultiDict keeps repeats apart
    if callable(getall):
        return [str(value) for value in getall(name, [])]
    return [str(value) for key, value in headers.items() if str(key).lower() == name]


def parse_link_header(value: str) -> list[tuple[str, dict[str, str]]]:
    """Parse an HTTP ``Link`` header (RFC 8288) into ``(uri, params)`` pairs.

    Lenient: a malformed entry is skipped, not the whole header. Parameter names are
    lowercased; the first occurrence of a parameter wins.
    """
    return list(_iter_link_header(value))


def _iter_link_header(value: str) -> Iterator[tuple[str, dict[str, str]]]:
    position, length = 0, len(value)
    while position < length:
        while position < length and value[position] in " \t,":
            position += 1
        if position >= length:
            break
        if value[position] != "<":
            position = _skip_entry(value, position)
            continue
        close = value.find(">", position + 1)
        if close == -1:
            break
        uri = value[position + 1 : close].strip()
        position = close + 1
        params: dict[str, str] = {}
        while position < length:
            while position < length and value[position] in " \t":
                position += 1
            if position >= length or value[position] == ",":
                break
            if value[position] != ";":
                position = _skip_entry(value, position)
                break
            position += 1
            while position < length and value[position] in " \t":
                position += 1
            name_start = position
            while position < length and value[position] not in "=;, \t":
                position += 1
            name = value[name_start:position].lower()
            while position < length and value[position] in " \t":
                position += 1
            param_value = ""
            if position < length and value[position] == "=":
                position += 1
                while position < length and value[position] in " \t":
                    position += 1
                if position < length and value[position] == '"':
                    param_value, position = _read_quoted(value, position + 1)
                else:
                    value_start = position
                    while position < length and value[position] not in ";,":
                        position += 1
                    param_value = value[value_start:position].strip()
            if name and name not in params:
                params[name] = param_value
        yield uri, params


def _skip_entry(value: str, position: int) -> int:
    """Position after the next comma outside quotes: where the next link starts."""
    in_quotes = False
    while position < len(value):
        char = value[position]
        if char == '"':
            in_quotes = not in_quotes
        elif char == "\\" and in_quotes:
            position += 1
        elif char == "," and not in_quotes:
            return position + 1
        position += 1
    return position


def _read_quoted(value: str, position: int) -> tuple[str, int]:
    chars: list[str] = []
    while position < len(value):
        char = value[position]
        if char == "\\" and position + 1 < len(value):
            chars.append(value[position + 1])
            position += 2
            continue
        if char == '"':
            return "".join(chars), position + 1
        chars.append(char)
        position += 1
    return "".join(chars), position


def _read_link_headers(
    values: Iterable[str], *, resolve: _Resolver, budget: _CpuBudget
) -> tuple[tuple[UrlRef, ...], tuple[Hreflang, ...]]:
    canonicals: list[UrlRef] = []
    hreflangs: list[Hreflang] = []
    entries = (entry for value in values for entry in _iter_link_header(value))
    for index, (uri, params) in enumerate(entries):
        if not index & 63:
            budget.check()
        rels = params.get("rel", "").lower().split()
        if "canonical" in rels and uri and len(canonicals) < MAX_URLS:
            canonicals.append(_url_ref(uri, resolve=resolve))
        hreflang = params.get("hreflang", "")
        if "alternate" in rels and hreflang and len(hreflangs) < MAX_PROBLEMS:
            href = resolve(uri) if uri else None
            raw_href = _cap(uri, MAX_URL_CHARS)
            hreflangs.append(Hreflang(_cap(hreflang, 100), href, raw_href, "header"))
    return tuple(canonicals), tuple(hreflangs)


# --- Head -------------------------------------------------------------------------------------


def _attribute(attributes: Mapping[str, str | None], name: str) -> str:
    """``getAttribute(name) || ''``: a valueless attribute reads as the empty string."""
    return attributes.get(name) or ""


def _cap(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    return text if len(text) <= limit else text[:limit]


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _document_base_url(tree: LexborHTMLParser, *, page_url: str) -> str:
    base = tree.css_first("base[href]")
    if base is None:
        return page_url
    return resolve_base_url(_attribute(base.attributes, "href"), base=page_url) or page_url


def _in_foreign_content(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in ("svg", "math"):
            return True
        parent = parent.parent
    return False


def _title_text(node: LexborNode) -> str:
    # document.title: the title's own text, ASCII whitespace stripped and collapsed.
    text = _ASCII_WHITESPACE_RE.sub(" ", node.text(deep=False)).strip(" ")
    return _cap(text)


def _document_title(tree: LexborHTMLParser, *, budget: _CpuBudget) -> str | None:
    for index, node in enumerate(tree.css("title")):
        if not index & 63:
            budget.check()  # each SVG <title> costs a walk up to the root
        if not _in_foreign_content(node):
            return _title_text(node)
    return None


def _html_lang(tree: LexborHTMLParser) -> str | None:
    root = tree.root
    if root is None or root.tag != "html":
        return None
    attributes = root.attributes
    return _attribute(attributes, "lang") if "lang" in attributes else None


@dataclass(slots=True)
class _HeadMetas:
    descriptions: tuple[str, ...] = ()
    robots: str | None = None
    robots_metas: tuple[tuple[str, str], ...] = ()
    viewport: str | None = None


def _read_head_metas(metas: list[LexborNode], *, budget: _CpuBudget) -> _HeadMetas:
    descriptions: list[str] = []
    robots_metas: list[tuple[str, str]] = []
    robots = viewport = None
    for index, meta in enumerate(metas):
        if not index & 255:
            budget.check()
        attributes = meta.attributes
        name = _attribute(attributes, "name").lower()
        if not name:
            continue
        content = _cap(_attribute(attributes, "content"))
        if name == "description":
            if len(descriptions) < MAX_PROBLEMS:
                descriptions.append(content)
        elif name in ROBOTS_META_NAMES:
            if len(robots_metas) < MAX_PROBLEMS:
                robots_metas.append((_cap(name, 100), content))
            if name == "robots" and robots is None:
                robots = content
        elif name == "viewport" and viewport is None:
            viewport = content
    return _HeadMetas(tuple(descriptions), robots, tuple(robots_metas), viewport)


def _read_social_metas(
    tree: LexborHTMLParser, head_metas: list[LexborNode], *, budget: _CpuBudget
) -> tuple[dict[str, str | None], dict[str, str | None]]:
    og: dict[str, str | None] = dict.fromkeys(_OG_KEYS.values())
    twitter: dict[str, str | None] = dict.fromkeys(_TWITTER_KEYS.values())
    body = tree.body
    body_metas = body.css("meta") if body is not None else []
    for index, meta in enumerate(itertools.chain(head_metas, body_metas)):
        if not index & 255:
            budget.check()
        attributes = meta.attributes
        key = (_attribute(attributes, "property") or _attribute(attributes, "name")).strip()
        key = key.lower()
        if key.startswith("og:"):
            target, field_name = og, _OG_KEYS.get(key)
        elif key.startswith("twitter:"):
            target, field_name = twitter, _TWITTER_KEYS.get(key)
        else:
            continue
        if field_name and target[field_name] is None:
            target[field_name] = _cap(_attribute(attributes, "content").strip())
    return og, twitter


def _url_ref(raw_href: str, *, resolve: _Resolver) -> UrlRef:
    return UrlRef(
        raw_href=_cap(raw_href, MAX_URL_CHARS),
        url=resolve(raw_href),
        is_absolute=is_absolute_url(raw_href),
    )


def _read_head_links(
    links: list[LexborNode], *, resolve: _Resolver, budget: _CpuBudget
) -> tuple[tuple[UrlRef, ...], tuple[Hreflang, ...]]:
    canonicals: list[UrlRef] = []
    hreflangs: list[Hreflang] = []
    for index, link in enumerate(links):
        if not index & 255:
            budget.check()
        attributes = link.attributes
        rel = _attribute(attributes, "rel").lower()
        raw_href = _attribute(attributes, "href")
        if rel == "canonical":
            if raw_href and len(canonicals) < MAX_URLS:
                canonicals.append(_url_ref(raw_href, resolve=resolve))
        elif rel == "alternate":
            hreflang = _attribute(attributes, "hreflang")
            if hreflang and len(hreflangs) < MAX_PROBLEMS:
                href = resolve(raw_href) if raw_href else None
                hreflangs.append(
                    Hreflang(_cap(hreflang, 100), href, _cap(raw_href, MAX_URL_CHARS), "head")
                )
    return tuple(canonicals), tuple(hreflangs)


# --- Body -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Headings:
    headings: tuple[tuple[int, str], ...]  # the first MAX_HEADINGS, document order
    h1: tuple[str, ...]  # the first MAX_HEADINGS h1 texts
    h2_count: int


def _read_headings(tree: LexborHTMLParser, *, budget: _CpuBudget) -> _Headings:
    headings: list[tuple[int, str]] = []
    h1: list[str] = []
    h2_count = 0
    for index, node in enumerate(tree.css("h1, h2, h3, h4, h5, h6")):
        if not index & 63:
            budget.check()
        level = int(node.tag[1])
        h2_count += level == 2
        listed = len(headings) < MAX_HEADINGS
        wanted_h1 = level == 1 and len(h1) < MAX_HEADINGS
        if not (listed or wanted_h1):
            continue  # counted only: texts are read for the headings that are kept
        text = _collapsed_text(node, MAX_TEXT_CHARS)
        if listed:
            headings.append((level, text))
        if wanted_h1:
            h1.append(text)
    return _Headings(tuple(headings), tuple(h1), h2_count)


def _collapsed_text(node: LexborNode, limit: int) -> str:
    """The node's text with whitespace collapsed, at most ``limit`` characters. Only the
    start of a long text is collapsed: a heading that swallowed the page is not split into
    a million words to keep ten thousand characters."""
    text = node.text()
    if len(text) > 4 * limit:
        text = text[: 4 * limit]
    return _cap(_collapse(text), limit)


@dataclass(slots=True)
class _Images:
    total: int = 0
    missing_alt_attr: int = 0
    empty_alt: int = 0
    sample: tuple[Image, ...] = ()
    failing_axe_alt: int = 0


_PRESENTATIONAL_ROLES = frozenset({"none", "presentation"})
_AXE_WHITESPACE = " \t\n\r\f"


def _hidden_from_assistive_tech(node) -> bool:
    """axe skips images hidden from assistive technology: aria-hidden, hidden, display:none."""
    while node is not None and node.tag not in ("html", "-undef", None):
        attributes = node.attributes
        if (attributes.get("aria-hidden") or "").strip().lower() == "true":
            return True
        if "hidden" in attributes:
            return True
        style = (attributes.get("style") or "").replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style:
            return True
        node = node.parent
    return False


def _fails_axe_image_alt(image, attributes) -> bool:
    """axe-core's image-alt rule: an <img> passes with an alt attribute (not whitespace only),
    a non-empty aria-label, aria-labelledby or title, or a none/presentation role."""
    alt = attributes.get("alt")
    if alt is not None and alt != "" and not alt.strip(_AXE_WHITESPACE):
        return not _hidden_from_assistive_tech(image)  # alt-space-value fails on its own
    if alt is not None:
        return False
    role = (attributes.get("role") or "").strip().lower()
    if role in _PRESENTATIONAL_ROLES:
        return False
    for name in ("aria-label", "aria-labelledby", "title"):
        if (attributes.get(name) or "").strip():
            return False
    return not _hidden_from_assistive_tech(image)


def _read_images(tree: LexborHTMLParser, *, resolve: _Resolver, budget: _CpuBudget) -> _Images:
    images = tree.css("img")
    missing = empty = failing_axe = 0
    sample: list[Image] = []
    for index, image in enumerate(images):
        if not index & 63:
            budget.check()  # an image may cost a walk up to the root (is it hidden?)
        attributes = image.attributes
        if "alt" in attributes:
            alt: str | None = _cap(_attribute(attributes, "alt"))
            if not alt.strip():
                empty += 1
        else:
            alt = None
            missing += 1
        fails_axe = _fails_axe_image_alt(image, attributes)
        failing_axe += fails_axe
        if len(sample) < MAX_IMAGES:
            raw_src = _attribute(attributes, "src")
            src = resolve(raw_src) if raw_src else None
            sample.append(Image(src or _cap(raw_src, MAX_URL_CHARS), alt, fails_axe))
    return _Images(len(images), missing, empty, tuple(sample), failing_axe)


@dataclass(slots=True)
class _Anchors:
    links: tuple[Link, ...]
    links_total: int
    link_chars: int
    uncrawlable: tuple[AnchorProblem, ...]
    non_descriptive: tuple[AnchorProblem, ...]


_TOO_LONG_URL: Final = ""  # a resolver's cached answer for an over-long URL
_RESOLVER_CACHE_ENTRIES: Final = 4096


class _Resolver:
    """Resolves a page's URLs against its base URL, each distinct one once; counts the
    distinct URLs dropped for being longer than MAX_URL_CHARS (past the cache's bound, a
    repeated one is counted again)."""

    __slots__ = ("base_url", "_cache", "too_long")

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._cache: dict[str, str | None] = {}
        self.too_long = 0

    def __call__(self, raw: str) -> str | None:
        url = self._cache.get(raw, _NOT_CACHED)
        if url is _NOT_CACHED:
            try:
                url = resolve_url(raw, base=self.base_url)
            except UrlTooLong:
                url = _TOO_LONG_URL
                self.too_long += 1
            # Bounded: a page of 300,000 distinct long hrefs must not keep them all here.
            if len(self._cache) < _RESOLVER_CACHE_ENTRIES and len(raw) <= MAX_URL_CHARS:
                self._cache[raw] = url
        return None if url == _TOO_LONG_URL else url


_NOT_CACHED: Final = object()


def _read_anchors(
    tree: LexborHTMLParser, *, page_url: str, resolve: _Resolver, budget: _CpuBudget
) -> _Anchors:
    links: list[Link] = []
    links_total = 0
    link_chars = 0
    uncrawlable: list[AnchorProblem] = []
    non_descriptive: list[AnchorProblem] = []
    text_langs = _TextLangs(tree)
    for index, node in enumerate(tree.css("a, area")):
        if not index & 63:
            budget.check()
        attributes = node.attributes
        raw_href = attributes.get("href")
        has_href = raw_href is not None or "href" in attributes
        raw_href = raw_href or ""
        url = resolve(raw_href) if has_href else None
        text = node.text()
        if text:
            text = _cap(_collapse(text[: 4 * MAX_LINK_TEXT_CHARS]), MAX_LINK_TEXT_CHARS)
        rel_attribute = attributes.get("rel") or ""
        if url is not None:
            links_total += 1
            if len(links) < MAX_LINKS and link_chars < MAX_LINK_CHARS:
                rel = tuple(rel_attribute.lower().split()) if rel_attribute else ()
                link_text = text or _fallback_text(node, attributes)
                href = _cap(raw_href, 2000)
                link_chars += len(url) + len(href) + len(link_text)
                links.append(Link(url, link_text, rel, "nofollow" in rel, href))
        if node.tag != "a":
            continue
        # Most anchors are plain links to web pages, which no crawlability rule can fail.
        if url is None or "void" in raw_href:
            reason = _crawlability_problem(node, attributes, raw_href, url=url, page_url=page_url)
            if reason and len(uncrawlable) < MAX_PROBLEMS:
                uncrawlable.append(AnchorProblem(reason, _cap(raw_href, 2000), text, url))
        if not (has_href and text) or len(non_descriptive) >= MAX_PROBLEMS:
            continue
        term = text.lower()
        if term in _ANY_NON_DESCRIPTIVE or term.startswith("http"):
            problem = _link_text_problem(
                node,
                raw_href=raw_href,
                url=url,
                rel_attribute=rel_attribute,
                text=text,
                page_url=page_url,
                text_langs=text_langs,
            )
            if problem is not None:
                non_descriptive.append(problem)
    return _Anchors(
        tuple(links), links_total, link_chars, tuple(uncrawlable), tuple(non_descriptive)
    )


def _fallback_text(node: LexborNode, attributes: Mapping[str, str | None]) -> str:
    """What stands for the text of a link without any: its images' alt, an area's alt."""
    if node.tag == "area":
        alts: Iterable[str] = [_attribute(attributes, "alt")]
    else:
        alts = (_attribute(image.attributes, "alt") for image in node.css("img[alt]"))
    text = " ".join(itertools.islice(alts, 100))
    return _cap(_collapse(text[: 4 * MAX_LINK_TEXT_CHARS]), MAX_LINK_TEXT_CHARS)


def _crawlability_problem(
    node: LexborNode,
    attributes: Mapping[str, str | None],
    raw_href: str,
    *,
    url: str | None,
    page_url: str,
) -> str | None:
    """Lighthouse 12 ``crawlable-anchors``, rule for rule, for one ``<a>``.

    Lighthouse looks at event listeners registered on the anchor and its ancestors; before
    scripts run the only ones are inline ``on*`` attributes, so those stand in for them.
    """
    href = "".join(raw_href.split())
    if (attributes.get("role") or "").strip():
        return None
    if href.startswith("mailto:"):
        return None
    if not href and attributes.get("id"):
        return None  # <a id="section"> is a jump target, not a link
    if href.startswith("file:"):
        return UNCRAWLABLE_FILE_URL
    if (attributes.get("name") or "").strip():
        return None
    if "href" not in attributes:
        if any(name in attributes for name in _HREF_ASSOCIATED_ATTRIBUTES):
            return UNCRAWLABLE_MISSING_HREF
        # A placeholder <a>; it only pretends to be a link if a script handles it.
        return UNCRAWLABLE_SCRIPT_ONLY if _has_inline_event_handler(node) else None
    if "javascript:void" in href and _JAVASCRIPT_VOID_RE.search(href):
        return UNCRAWLABLE_JAVASCRIPT_VOID
    # An href that resolved to a web URL parses against any web base; only others need a look.
    if url is None and not is_valid_url(href, base=page_url):
        return UNCRAWLABLE_INVALID_URL
    return None


def _has_inline_event_handler(node: LexborNode | None) -> bool:
    while node is not None and node.is_element_node:
        if any(name.startswith("on") for name in node.attributes):
            return True
        node = node.parent
    return False


def _link_text_problem(
    node: LexborNode,
    *,
    raw_href: str,
    url: str | None,
    rel_attribute: str,
    text: str,
    page_url: str,
    text_langs: _TextLangs,
) -> AnchorProblem | None:
    """Lighthouse 12 ``link-text`` for one ``<a href>`` with text.

    Skipped like Lighthouse does: ``rel`` containing ``nofollow``, ``javascript:`` and
    ``mailto:`` links, links to the page itself (fragments ignored). Flagged: a text that is
    a full http(s) URL, or one on the blocklist of the text's language (every language's
    list when the language is unknown).
    """
    term = text.lower()
    text_is_url = term.startswith("http") and normalize_url(text) is not None
    if not text_is_url and term not in _ANY_NON_DESCRIPTIVE:
        return None  # the common case, decided before the costlier skip rules
    if "nofollow" in rel_attribute:
        return None
    if url_scheme(raw_href) in ("javascript", "mailto"):
        return None
    if url is not None and url == page_url:
        return None
    if text_is_url:
        return AnchorProblem(LINK_TEXT_IS_URL, _cap(raw_href, 2000), text, url)
    lang = text_langs.lang_of(node)
    if lang and term not in NON_DESCRIPTIVE_LINK_TEXTS.get(lang.split("-")[0], ()):
        return None
    return AnchorProblem(LINK_TEXT_NON_DESCRIPTIVE, _cap(raw_href, 2000), text, url, lang or None)


class _TextLangs:
    """The language of a link's text, as Lighthouse's AnchorElements gatherer decides it."""

    def __init__(self, tree: LexborHTMLParser) -> None:
        self._tree = tree
        self._single_lang: str | None = None
        self._single_lang_known = False

    def lang_of(self, node: LexborNode) -> str | None:
        if not self._single_lang_known:
            # One lang attribute, on <html> or <body>: it is every text's language.
            elements = self._tree.css("[lang]")
            if len(elements) == 1 and elements[0].tag in ("html", "body"):
                self._single_lang = _attribute(elements[0].attributes, "lang")
            self._single_lang_known = True
        if self._single_lang is not None:
            return self._single_lang
        current: str | None = None
        for child in node.css("*"):
            if child.mem_id == node.mem_id:
                continue  # css() matches the element itself too; Lighthouse asks its children
            if not child.text():
                continue
            child_lang = _closest_lang(child)
            if not child_lang:
                continue
            if current is None:
                current = child_lang
            elif current.split("-")[0] != child_lang.split("-")[0]:
                return None  # mixed languages: Lighthouse then checks every list
        return current or _closest_lang(node)


def _closest_lang(node: LexborNode | None) -> str | None:
    while node is not None and node.is_element_node:
        attributes = node.attributes
        if "lang" in attributes:
            return _attribute(attributes, "lang")
        node = node.parent
    return None


def _insecure_forms(
    tree: LexborHTMLParser, *, resolve: _Resolver, budget: _CpuBudget
) -> tuple[str, ...]:
    """http:// targets of forms on an https page: their data would travel unencrypted."""
    found: dict[str, None] = {}
    for index, node in enumerate(tree.css("form[action], button[formaction], input[formaction]")):
        if not index & 63:
            budget.check()
        if len(found) >= MAX_URLS:
            break
        attributes = node.attributes
        raw = _attribute(attributes, "action" if node.tag == "form" else "formaction")
        if not raw.strip():
            continue  # an empty action submits to the page itself
        target = resolve(raw)
        if target is not None and target.startswith("http://"):
            found[target] = None
    return tuple(found)


def _mixed_content(
    tree: LexborHTMLParser, *, resolve: _Resolver, budget: _CpuBudget
) -> tuple[str, ...]:
    """http:// subresources of an https page."""
    found: dict[str, None] = {}
    stylesheets = (
        _attribute(node.attributes, "href")
        for node in tree.css("link[href]")
        if "stylesheet" in _attribute(node.attributes, "rel").lower().split()
    )
    candidates = itertools.chain(
        (_attribute(node.attributes, "src") for node in tree.css(_SUBRESOURCE_SELECTOR)),
        stylesheets,
        (_attribute(node.attributes, "data") for node in tree.css("object[data]")),
    )
    for index, raw in enumerate(candidates):
        if not index & 63:
            budget.check()
        if len(found) >= MAX_URLS:
            break
        if not raw:
            continue
        target = resolve(raw)
        if target is not None and target.startswith("http://"):
            found[target] = None
    return tuple(found)


# --- Structured data --------------------------------------------------------------------------


# jstyleson walks the text in Python: fine for a real block, too slow for a hostile one.
_LENIENT_JSON_MAX_CHARS: Final = 256 * 1024


def _read_jsonld(tree: LexborHTMLParser, *, budget: _CpuBudget) -> tuple[tuple[str, ...], int, int]:
    """``@type`` values of the JSON-LD blocks (top level and ``@graph``), blocks, bad blocks.

    Not extruct's JsonLdExtractor: it re-parses the whole page with lxml (measured 0.31 ms
    for an 18 KB page, against 0.03 ms for this) and raises at the first broken block, losing
    the others. We take the scripts from the tree we already have and decode each block the
    way extruct does: ``json.loads(strict=False)``, then jstyleson (comments, trailing commas)
    after dropping a leading HTML/JS comment line. Only the first :data:`MAX_JSONLD_BLOCKS`
    are decoded, and jstyleson reads at most ``_LENIENT_JSON_MAX_CHARS`` a page.
    """
    types: dict[str, None] = {}
    blocks = errors = 0
    lenient_left = _LENIENT_JSON_MAX_CHARS  # what jstyleson may still read on this page
    for script in tree.css("script[type]"):
        if _attribute(script.attributes, "type").strip().lower() != "application/ld+json":
            continue
        blocks += 1
        if blocks > MAX_JSONLD_BLOCKS:
            continue  # counted, not read
        budget.check()
        text = script.text()
        data = _decode_json(text)
        if data is _NOT_JSON and len(text) <= lenient_left:
            lenient_left -= len(text)
            data = _decode_lenient_json(text)
        if data is _NOT_JSON:
            errors += 1
            continue
        _collect_types(data, types, budget=budget)
    return tuple(types), blocks, errors


_NOT_JSON: Final = object()


def _decode_json(text: str) -> object:
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return _NOT_JSON


def _decode_lenient_json(text: str) -> object:
    try:
        return jstyleson.loads(HTML_OR_JS_COMMENTLINE.sub("", text), strict=False)
    except Exception:  # jstyleson raises whatever its scanner trips on
        return _NOT_JSON


def _collect_types(data: object, types: dict[str, None], *, budget: _CpuBudget) -> None:
    pending = [data]
    visited = 0
    while pending and visited < 10_000 and len(types) < MAX_JSONLD_TYPES:
        item = pending.pop()
        visited += 1
        if not visited & 1023:
            budget.check()
        if isinstance(item, list):
            pending.extend(reversed(item))
            continue
        if not isinstance(item, dict):
            continue
        declared = item.get("@type")
        for value in declared if isinstance(declared, list) else [declared]:
            if isinstance(value, str) and value.strip():
                types[_cap(value.strip(), 200)] = None
        graph = item.get("@graph")
        if isinstance(graph, list | dict):
            pending.append(graph)


# --- Visible text -----------------------------------------------------------------------------


def _read_visible_text(tree: LexborHTMLParser, *, large: bool = False) -> tuple[int, str]:
    """Word count and a hash of the visible body text; strips invisible elements."""
    body = tree.body
    if body is None:
        text = ""
    else:
        tags = _INVISIBLE_TAGS
        if large:
            # strip_tags walks the tree once per name (0.1 s for the eight of them on a
            # 200,000-element page): one walk first finds the names the page has.
            present = {node.tag for node in tree.css(_INVISIBLE_SELECTOR)}
            tags = [tag for tag in _INVISIBLE_TAGS if tag in present]
        if tags:
            tree.strip_tags(tags)
        # A separator keeps words in adjacent blocks apart (<p>a</p><p>b</p>).
        text = body.text(separator=" ")
    # A word is what whitespace separates, as in Screaming Frog; CJK characters count one each.
    tokens = text.split()
    normalized = " ".join(tokens)
    content_hash = hashlib.sha1(normalized.encode("utf-8"), usedforsecurity=False).hexdigest()
    if normalized.isascii() or not _CJK_CHAR_RE.search(normalized):
        return len(tokens), content_hash
    spaced, cjk_chars = _CJK_CHAR_RE.subn(" ", normalized)
    return len(spaced.split()) + cjk_chars, content_hash
