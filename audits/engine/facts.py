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
parser as a browser would, and every stored list and string is capped.

Pure Python, no Django imports.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

import jstyleson
from extruct.jsonld import HTML_OR_JS_COMMENTLINE
from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser, LexborNode

from audits.engine.urls import is_absolute_url, is_valid_url, normalize_url, url_scheme

logger = logging.getLogger(__name__)

# Bigger bodies are cut: Googlebot itself only reads the first 15 MB of an HTML file.
MAX_BODY_BYTES: Final = 15 * 1024 * 1024
# Titles, descriptions, headings. Real descriptions can run past 1,000 characters (shops paste
# whole product texts); the cap only stops hostile pages.
MAX_TEXT_CHARS: Final = 10_000
MAX_LINK_TEXT_CHARS: Final = 200
MAX_LINKS: Final = 20_000  # the crawl frontier wants them all; this only stops hostile pages
MAX_HEADINGS: Final = 500
MAX_IMAGES: Final = 200
MAX_PROBLEMS: Final = 200
MAX_URLS: Final = 100  # mixed content, insecure forms
MAX_JSONLD_TYPES: Final = 100

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
    uncrawlable_anchors: tuple[AnchorProblem, ...] = ()
    non_descriptive_links: tuple[AnchorProblem, ...] = ()
    insecure_forms: tuple[str, ...] = ()
    mixed_content: tuple[str, ...] = ()
    plugins: int = 0
    parse_error: str | None = None

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


def parse_page(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> PageFacts:
    """Extract :class:`PageFacts` from a fetched page; never raises.

    ``url`` is the final URL (after redirects), ``content_type`` the response's
    ``Content-Type`` and ``headers`` its headers (a multidict keeps repeated ``Link`` and
    ``X-Robots-Tag`` headers apart; a plain dict works too).
    """
    page_url = normalize_url(url) or url
    try:
        return _parse_page(body, page_url=page_url, content_type=content_type, headers=headers)
    except Exception as error:  # a crawler must survive any page; log it and carry on
        logger.exception("Could not extract facts from %s", page_url)
        return PageFacts(url=page_url, parse_error=f"{type(error).__name__}: {error}"[:500])


def _parse_page(
    body: bytes,
    *,
    page_url: str,
    content_type: str | None,
    headers: Mapping[str, str] | None,
) -> PageFacts:
    canonical_headers, header_hreflang = _read_link_headers(
        _header_values(headers, "link"), page_url=page_url
    )
    x_robots_tag = tuple(_header_values(headers, "x-robots-tag"))
    if not is_html_content_type(content_type):
        return PageFacts(
            url=page_url,
            is_html=False,
            canonical_headers=canonical_headers,
            hreflang=header_hreflang,
            x_robots_tag=x_robots_tag,
        )

    body = body[:MAX_BODY_BYTES]
    # The crawler hands over the bare media type; the charset is in the header itself.
    declared_types = [content_type or "", *_header_values(headers, "content-type")]
    declared = declared_codec(
        body, content_type=next((t for t in declared_types if "charset" in t.lower()), None)
    )
    text, encoding = _decode(body, declared)
    tree = _parse_html(text)
    base_url = _document_base_url(tree, page_url=page_url)
    head = tree.head
    head_metas = head.css("meta") if head is not None else []
    head_links = head.css("link") if head is not None else []

    meta = _read_head_metas(head_metas)
    social = _read_social_metas(tree, head_metas)
    canonicals, head_hreflang = _read_head_links(head_links, base_url=base_url)
    headings = _read_headings(tree)
    resolve = _Resolver(base_url)
    images = _read_images(tree, resolve=resolve)
    anchors = _read_anchors(tree, page_url=page_url, resolve=resolve)
    jsonld_types, jsonld_blocks, jsonld_errors = _read_jsonld(tree)
    is_https = page_url.startswith("https://")
    insecure_forms = _insecure_forms(tree, resolve=resolve) if is_https else ()
    mixed_content = _mixed_content(tree, resolve=resolve) if is_https else ()
    title = _document_title(tree)
    head_titles = head.css("title")[:MAX_PROBLEMS] if head is not None else []
    titles = tuple(_title_text(node) for node in head_titles)
    lang = _html_lang(tree)
    plugins = len(tree.css("embed, object, applet"))
    # Last: it strips invisible elements from the tree.
    word_count, content_hash = _read_visible_text(tree)

    return PageFacts(
        url=page_url,
        is_html=True,
        encoding=encoding,
        encoding_declared=declared is not None,
        base_url=base_url,
        title=title,
        titles=titles,
        meta_descriptions=meta.descriptions,
        h1=tuple(text for level, text in headings if level == 1)[:MAX_HEADINGS],
        h2_count=sum(1 for level, _ in headings if level == 2),
        headings=tuple(headings[:MAX_HEADINGS]),
        canonicals=canonicals,
        canonical_headers=canonical_headers,
        lang=lang,
        hreflang=head_hreflang + header_hreflang,
        meta_robots=meta.robots,
        robots_metas=meta.robots_metas,
        x_robots_tag=x_robots_tag,
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
        uncrawlable_anchors=anchors.uncrawlable,
        non_descriptive_links=anchors.non_descriptive,
        insecure_forms=insecure_forms,
        mixed_content=mixed_content,
        plugins=plugins,
    )


# --- Parsing ----------------------------------------------------------------------------------

MAX_NESTING_DEPTH: Final = 512  # what Chrome allows
MAX_ATTRIBUTES: Final = 1000
# Start tags left open beyond which the markup is scanned for runaway nesting.
_UNCLOSED_TAGS_BEFORE_SCAN: Final = 4096
_MARKUP_TOKEN_RE: Final = re.compile(r"<!--|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*>")
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
# Only a tag this long can hold enough attributes to matter.
_LONG_TAG_CHARS: Final = 64 * 1024
_LONG_TAG_RE: Final = re.compile(rf"<([a-zA-Z][^\s/>]*)[^>]{{{_LONG_TAG_CHARS},}}>?")
_ATTRIBUTE_RE: Final = re.compile(r"""[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""")
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


def _parse_html(text: str) -> LexborHTMLParser:
    """Build the DOM a browser builds, with scripting on, without quadratic blow-ups.

    Lexbor's DOM mutation events (which fill ``<selectedcontent>``) take quadratic time on a
    long ``<select>`` (12 s for 50,000 options) and change nothing we read, so they are off.
    Deeply nested markup makes every HTML5 parser slow, as each new element looks through all
    open ones (4 s for 50,000 unclosed ``<div>``), so pages with many unclosed tags are kept
    within :data:`MAX_NESTING_DEPTH` levels first. Likewise each attribute is checked against
    the element's others (5 s for 50,000), so only the first :data:`MAX_ATTRIBUTES` are kept.
    """
    if text.count("<") - 2 * text.count("</") > _UNCLOSED_TAGS_BEFORE_SCAN:
        text = _flatten_deep_nesting(text)
    if len(text) > _LONG_TAG_CHARS and _LONG_TAG_RE.search(text):
        text = _LONG_TAG_RE.sub(_trim_attributes, text)
    return LexborHTMLParser(text, scripting=True, options=LexborDocumentOptions.WO_EVENTS)


def _trim_attributes(match: re.Match[str]) -> str:
    tag = match.group(0)
    if tag.count("=") <= MAX_ATTRIBUTES:
        return tag  # a long attribute value (an inline SVG path, a JSON blob), not a bomb
    name_end = match.end(1) - match.start()
    attributes = _ATTRIBUTE_RE.findall(tag, name_end)[:MAX_ATTRIBUTES]
    return f"{tag[:name_end]} {' '.join(attributes)}>"


def _flatten_deep_nesting(text: str) -> str:
    """Close the innermost open element before a start tag that would nest too deep.

    The new element then becomes a sibling instead of a child, as in Chrome; nothing is lost.
    Open elements are tracked roughly (only the commonest end tags the parser implies are
    modelled), which is enough to keep the real depth near the limit.
    """
    pieces: list[str] = []
    open_tags: list[str] = []
    open_counts: dict[str, int] = {}
    copied_up_to = position = 0
    while (match := _MARKUP_TOKEN_RE.search(text, position)) is not None:
        position = match.end()
        if match.group(0) == "<!--":
            end = text.find("-->", position)
            position = len(text) if end == -1 else end + 3
            continue
        name = match.group(2).lower()
        if match.group(1):  # an end tag closes everything opened after its element
            if open_counts.get(name):
                while open_tags:
                    closed = open_tags.pop()
                    open_counts[closed] -= 1
                    if closed == name:
                        break
            continue
        if name in _RAW_TEXT_TAGS:
            end = _find_end_tag(text, name, position)
            position = len(text) if end == -1 else end
            continue
        if name in _FLAT_TAGS or match.group(0).endswith("/>"):
            continue
        closes = _SIBLING_CLOSING_TAGS.get(name)
        while closes and open_tags and open_tags[-1] in closes:
            open_counts[open_tags.pop()] -= 1
        if len(open_tags) >= MAX_NESTING_DEPTH:
            innermost = open_tags.pop()
            open_counts[innermost] -= 1
            pieces.append(text[copied_up_to : match.start()])
            pieces.append(f"</{innermost}>")
            copied_up_to = match.start()
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
_CHARSET_PARAM_RE: Final = re.compile(r"""charset\s*=\s*["']?\s*([^\s"';,]+)""", re.IGNORECASE)
_META_CHARSET_RE: Final = re.compile(
    rb"""<!--.*?-->|<meta[\s/][^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]+)""",
    re.IGNORECASE | re.DOTALL,
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
        if label is None:  # a comment: its content does not count
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
    entries: list[tuple[str, dict[str, str]]] = []
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
        entries.append((uri, params))
    return entries


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
    values: Iterable[str], *, page_url: str
) -> tuple[tuple[UrlRef, ...], tuple[Hreflang, ...]]:
    canonicals: list[UrlRef] = []
    hreflangs: list[Hreflang] = []
    for value in values:
        for uri, params in parse_link_header(value):
            rels = params.get("rel", "").lower().split()
            if "canonical" in rels and uri:
                canonicals.append(_url_ref(uri, base_url=page_url))
            hreflang = params.get("hreflang", "")
            if "alternate" in rels and hreflang:
                href = normalize_url(uri, base=page_url) if uri else None
                hreflangs.append(Hreflang(hreflang, href, uri, "header"))
    return tuple(canonicals[:MAX_URLS]), tuple(hreflangs[:MAX_PROBLEMS])


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
    return normalize_url(_attribute(base.attributes, "href"), base=page_url) or page_url


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


def _document_title(tree: LexborHTMLParser) -> str | None:
    for node in tree.css("title"):
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


def _read_head_metas(metas: list[LexborNode]) -> _HeadMetas:
    descriptions: list[str] = []
    robots_metas: list[tuple[str, str]] = []
    robots = viewport = None
    for meta in metas:
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
    tree: LexborHTMLParser, head_metas: list[LexborNode]
) -> tuple[dict[str, str | None], dict[str, str | None]]:
    og: dict[str, str | None] = dict.fromkeys(_OG_KEYS.values())
    twitter: dict[str, str | None] = dict.fromkeys(_TWITTER_KEYS.values())
    body = tree.body
    body_metas = body.css("meta") if body is not None else []
    for meta in (*head_metas, *body_metas):
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


def _url_ref(raw_href: str, *, base_url: str) -> UrlRef:
    return UrlRef(
        raw_href=_cap(raw_href),
        url=normalize_url(raw_href, base=base_url),
        is_absolute=is_absolute_url(raw_href),
    )


def _read_head_links(
    links: list[LexborNode], *, base_url: str
) -> tuple[tuple[UrlRef, ...], tuple[Hreflang, ...]]:
    canonicals: list[UrlRef] = []
    hreflangs: list[Hreflang] = []
    for link in links:
        attributes = link.attributes
        rel = _attribute(attributes, "rel").lower()
        raw_href = _attribute(attributes, "href")
        if rel == "canonical":
            if raw_href:
                canonicals.append(_url_ref(raw_href, base_url=base_url))
        elif rel == "alternate":
            hreflang = _attribute(attributes, "hreflang")
            if hreflang:
                href = normalize_url(raw_href, base=base_url) if raw_href else None
                hreflangs.append(Hreflang(_cap(hreflang, 100), href, _cap(raw_href), "head"))
    return tuple(canonicals[:MAX_URLS]), tuple(hreflangs[:MAX_PROBLEMS])


# --- Body -------------------------------------------------------------------------------------


def _read_headings(tree: LexborHTMLParser) -> list[tuple[int, str]]:
    return [
        (int(node.tag[1]), _cap(_collapse(node.text())))
        for node in tree.css("h1, h2, h3, h4, h5, h6")
    ]


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


def _read_images(tree: LexborHTMLParser, *, resolve: _Resolver) -> _Images:
    images = tree.css("img")
    missing = empty = failing_axe = 0
    sample: list[Image] = []
    for image in images:
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
            sample.append(Image(src or _cap(raw_src), alt, fails_axe))
    return _Images(len(images), missing, empty, tuple(sample), failing_axe)


@dataclass(slots=True)
class _Anchors:
    links: tuple[Link, ...]
    links_total: int
    uncrawlable: tuple[AnchorProblem, ...]
    non_descriptive: tuple[AnchorProblem, ...]


class _Resolver:
    """Resolves a page's URLs against its base URL, each distinct one once."""

    __slots__ = ("base_url", "_cache")

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._cache: dict[str, str | None] = {}

    def __call__(self, raw: str) -> str | None:
        try:
            return self._cache[raw]
        except KeyError:
            url = self._cache[raw] = normalize_url(raw, base=self.base_url)
            return url


def _read_anchors(tree: LexborHTMLParser, *, page_url: str, resolve: _Resolver) -> _Anchors:
    links: list[Link] = []
    links_total = 0
    uncrawlable: list[AnchorProblem] = []
    non_descriptive: list[AnchorProblem] = []
    text_langs = _TextLangs(tree)
    for node in tree.css("a, area"):
        attributes = node.attributes
        raw_href = attributes.get("href")
        has_href = raw_href is not None or "href" in attributes
        raw_href = raw_href or ""
        url = resolve(raw_href) if has_href else None
        text = node.text()
        if text:
            text = _cap(_collapse(text), MAX_LINK_TEXT_CHARS)
        rel_attribute = attributes.get("rel") or ""
        if url is not None:
            links_total += 1
            if len(links) < MAX_LINKS:
                rel = tuple(rel_attribute.lower().split()) if rel_attribute else ()
                link_text = text or _fallback_text(node, attributes)
                links.append(Link(url, link_text, rel, "nofollow" in rel, _cap(raw_href, 2000)))
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
    return _Anchors(tuple(links), links_total, tuple(uncrawlable), tuple(non_descriptive))


def _fallback_text(node: LexborNode, attributes: Mapping[str, str | None]) -> str:
    """What stands for the text of a link without any: its images' alt, an area's alt."""
    if node.tag == "area":
        alts: Iterable[str] = [_attribute(attributes, "alt")]
    else:
        alts = (_attribute(image.attributes, "alt") for image in node.css("img[alt]"))
    return _cap(_collapse(" ".join(alts)), MAX_LINK_TEXT_CHARS)


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


def _insecure_forms(tree: LexborHTMLParser, *, resolve: _Resolver) -> tuple[str, ...]:
    """http:// targets of forms on an https page: their data would travel unencrypted."""
    found: dict[str, None] = {}
    for node in tree.css("form[action], button[formaction], input[formaction]"):
        attributes = node.attributes
        raw = _attribute(attributes, "action" if node.tag == "form" else "formaction")
        if not raw.strip():
            continue  # an empty action submits to the page itself
        target = resolve(raw)
        if target is not None and target.startswith("http://"):
            found[target] = None
    return tuple(found)[:MAX_URLS]


def _mixed_content(tree: LexborHTMLParser, *, resolve: _Resolver) -> tuple[str, ...]:
    """http:// subresources of an https page."""
    found: dict[str, None] = {}
    candidates: list[str] = []
    for node in tree.css(_SUBRESOURCE_SELECTOR):
        candidates.append(_attribute(node.attributes, "src"))
    for node in tree.css("link[href]"):
        attributes = node.attributes
        if "stylesheet" in _attribute(attributes, "rel").lower().split():
            candidates.append(_attribute(attributes, "href"))
    for node in tree.css("object[data]"):
        candidates.append(_attribute(node.attributes, "data"))
    for raw in candidates:
        if not raw:
            continue
        target = resolve(raw)
        if target is not None and target.startswith("http://"):
            found[target] = None
    return tuple(found)[:MAX_URLS]


# --- Structured data --------------------------------------------------------------------------


# jstyleson walks the text in Python: fine for a real block, too slow for a hostile one.
_LENIENT_JSON_MAX_CHARS: Final = 256 * 1024


def _read_jsonld(tree: LexborHTMLParser) -> tuple[tuple[str, ...], int, int]:
    """``@type`` values of the JSON-LD blocks (top level and ``@graph``), blocks, bad blocks.

    Not extruct's JsonLdExtractor: it re-parses the whole page with lxml (measured 0.31 ms
    for an 18 KB page, against 0.03 ms for this) and raises at the first broken block, losing
    the others. We take the scripts from the tree we already have and decode each block the
    way extruct does: ``json.loads(strict=False)``, then jstyleson (comments, trailing commas)
    after dropping a leading HTML/JS comment line.
    """
    types: dict[str, None] = {}
    blocks = errors = 0
    for script in tree.css("script[type]"):
        if _attribute(script.attributes, "type").strip().lower() != "application/ld+json":
            continue
        blocks += 1
        data = _decode_jsonld(script.text())
        if data is None:
            errors += 1
            continue
        _collect_types(data, types)
    return tuple(types)[:MAX_JSONLD_TYPES], blocks, errors


def _decode_jsonld(text: str) -> object | None:
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        pass
    if len(text) > _LENIENT_JSON_MAX_CHARS:
        return None
    try:
        return jstyleson.loads(HTML_OR_JS_COMMENTLINE.sub("", text), strict=False)
    except Exception:  # jstyleson raises whatever its scanner trips on
        return None


def _collect_types(data: object, types: dict[str, None]) -> None:
    pending = [data]
    visited = 0
    while pending and visited < 10_000:
        item = pending.pop()
        visited += 1
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


def _read_visible_text(tree: LexborHTMLParser) -> tuple[int, str]:
    """Word count and a hash of the visible body text; strips invisible elements."""
    body = tree.body
    if body is None:
        text = ""
    else:
        tree.strip_tags(_INVISIBLE_TAGS)
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
