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

The package is split by concern: :mod:`.model` (the facts), :mod:`.page` (``parse_page``,
which runs the readers in order), :mod:`.decoding`, :mod:`.guards` (CPU budget and markup
bombs), :mod:`.head`, :mod:`.body`, :mod:`.anchors`, :mod:`.link_headers`, :mod:`.jsonld` and
:mod:`.text`; :mod:`.limits` holds every cap. Import the public names from here.

Pure Python, no Django imports.
"""

from .anchors import NON_DESCRIPTIVE_LINK_TEXTS
from .decoding import declared_codec, decode_html, is_html_content_type
from .guards import MAX_ATTRIBUTES, MAX_NESTING_DEPTH, PageTooComplex, too_complex_reason
from .limits import (
    MAX_BODY_BYTES,
    MAX_ELEMENTS,
    MAX_HEADINGS,
    MAX_IMAGES,
    MAX_JSONLD_BLOCKS,
    MAX_JSONLD_TYPES,
    MAX_LINK_CHARS,
    MAX_LINK_TEXT_CHARS,
    MAX_LINKS,
    MAX_PROBLEMS,
    MAX_TEXT_CHARS,
    MAX_URLS,
    OUT_OF_CPU,
    PAGE_CPU_BUDGET_SECONDS,
    TOO_COMPLEX,
    TOO_MANY_ELEMENTS,
)
from .link_headers import parse_link_header
from .model import (
    LINK_TEXT_IS_URL,
    LINK_TEXT_NON_DESCRIPTIVE,
    UNCRAWLABLE_FILE_URL,
    UNCRAWLABLE_INVALID_URL,
    UNCRAWLABLE_JAVASCRIPT_VOID,
    UNCRAWLABLE_MISSING_HREF,
    UNCRAWLABLE_SCRIPT_ONLY,
    AnchorProblem,
    Hreflang,
    Image,
    Link,
    PageFacts,
    UrlRef,
)
from .page import parse_page

__all__ = [
    "AnchorProblem",
    "Hreflang",
    "Image",
    "LINK_TEXT_IS_URL",
    "LINK_TEXT_NON_DESCRIPTIVE",
    "Link",
    "MAX_ATTRIBUTES",
    "MAX_BODY_BYTES",
    "MAX_ELEMENTS",
    "MAX_HEADINGS",
    "MAX_IMAGES",
    "MAX_JSONLD_BLOCKS",
    "MAX_JSONLD_TYPES",
    "MAX_LINKS",
    "MAX_LINK_CHARS",
    "MAX_LINK_TEXT_CHARS",
    "MAX_NESTING_DEPTH",
    "MAX_PROBLEMS",
    "MAX_TEXT_CHARS",
    "MAX_URLS",
    "NON_DESCRIPTIVE_LINK_TEXTS",
    "OUT_OF_CPU",
    "PAGE_CPU_BUDGET_SECONDS",
    "PageFacts",
    "PageTooComplex",
    "TOO_COMPLEX",
    "TOO_MANY_ELEMENTS",
    "UNCRAWLABLE_FILE_URL",
    "UNCRAWLABLE_INVALID_URL",
    "UNCRAWLABLE_JAVASCRIPT_VOID",
    "UNCRAWLABLE_MISSING_HREF",
    "UNCRAWLABLE_SCRIPT_ONLY",
    "UrlRef",
    "declared_codec",
    "decode_html",
    "is_html_content_type",
    "parse_link_header",
    "parse_page",
    "too_complex_reason",
]
