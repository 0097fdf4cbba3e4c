"""Technical page health: mobile viewport, server speed, page size, structured data, and pages
too complex to analyse at all."""

from __future__ import annotations

from typing import Final

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from audits.checks.page import CheckedPage
from audits.checks.registry import register
from audits.details import Number
from audits.details import message as _
from audits.details import plural_message as ngettext
from audits.engine.facts import MAX_ELEMENTS, TOO_MANY_ELEMENTS, too_complex_reason

# web.dev: a time to first byte of 0.8 seconds or less is good.
SLOW_TTFB_MS: Final = 800


@register(
    id="missing-viewport",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="indexable",
    title=gettext_lazy("Page is set up for mobile"),
    failure_title=gettext_lazy('Page has no <meta name="viewport">'),
    why=gettext_lazy(
        "Without a viewport tag, phones show the desktop layout zoomed out. "
        "Google indexes the mobile version of pages, so this hurts rankings as "
        "well as visitors."
    ),
    how_to_fix=gettext_lazy(
        'Add <meta name="viewport" content="width=device-width, '
        'initial-scale=1"> to the <head> and make the layout responsive.'
    ),
)
def missing_viewport(page: CheckedPage) -> list[str]:
    return [] if "viewport" in page.facts else [_('no <meta name="viewport">')]


@register(
    id="missing-charset",
    category="technical",
    severity="notice",
    weight=1,
    applies_to="indexable",
    title=gettext_lazy("Page declares its character encoding"),
    failure_title=gettext_lazy("Page does not declare its character encoding"),
    why=gettext_lazy(
        "Without a declared encoding, browsers have to guess, and Chrome reads "
        "such a page as windows-1252: accented letters, curly quotes and "
        "non-Latin text written in UTF-8 come out garbled, for visitors and in "
        "search results."
    ),
    how_to_fix=gettext_lazy(
        'Send "Content-Type: text/html; charset=utf-8" from the server, or put '
        '<meta charset="utf-8"> first in the <head>.'
    ),
)
def missing_charset(page: CheckedPage) -> list[str]:
    codec = page.facts.get("charset_undeclared")
    if not codec:
        return []
    return [
        _("no charset in the Content-Type header or a <meta charset>; read as %(encoding)s")
        % {"encoding": _ENCODING_NAMES.get(codec, codec)}
    ]


_ENCODING_NAMES = {"utf-8": "UTF-8", "cp1252": "windows-1252"}


@register(
    id="slow-ttfb",
    category="technical",
    severity="notice",
    weight=2,
    applies_to="indexable",
    title=gettext_lazy("Server answers quickly"),
    failure_title=gettext_lazy("Server is slow to answer (time to first byte)"),
    why=gettext_lazy(
        "Nothing appears on screen before the first byte arrives. A slow server "
        "delays every page view and limits how many pages search engines crawl."
    ),
    how_to_fix=format_lazy(
        gettext_lazy(
            "Bring the time to first byte under {slow_ttfb_ms} ms: cache pages, "
            "speed up database queries, or use a CDN and a faster host."
        ),
        slow_ttfb_ms=SLOW_TTFB_MS,
    ),
)
def slow_ttfb(page: CheckedPage) -> list[str]:
    if page.ttfb_ms is not None and page.ttfb_ms > SLOW_TTFB_MS:
        return [f"{page.ttfb_ms} ms"]
    return []


@register(
    id="page-too-large",
    category="technical",
    severity="notice",
    weight=1,
    applies_to="response",
    title=gettext_lazy("Page size is reasonable"),
    failure_title=gettext_lazy("Page is larger than the crawl limit"),
    why=gettext_lazy(
        "Search engines read only the start of very large HTML files (Google: "
        "the first 15 MB); content after that is ignored, and visitors wait long "
        "for it."
    ),
    how_to_fix=gettext_lazy(
        "Split the page, paginate long lists, and move inline data and images into separate files."
    ),
)
def page_too_large(page: CheckedPage) -> list[str]:
    if not page.facts.get("truncated"):
        return []
    return [_("cut at %(bytes)s bytes") % {"bytes": page.bytes}]


@register(
    id="invalid-structured-data",
    category="technical",
    severity="notice",
    weight=1,
    applies_to="indexable",
    title=gettext_lazy("Structured data can be read"),
    failure_title=gettext_lazy("JSON-LD structured data does not parse"),
    why=gettext_lazy(
        "Search engines skip JSON-LD blocks they cannot parse, so the page loses "
        "its chance at rich results (stars, prices, FAQs)."
    ),
    how_to_fix=gettext_lazy(
        "Fix the JSON syntax (quotes, commas, brackets) and test the page with "
        "Google's Rich Results Test."
    ),
)
def invalid_structured_data(page: CheckedPage) -> list[str]:
    errors = page.facts.get("jsonld_errors", 0)
    if not errors:
        return []
    blocks = page.facts.get("jsonld_blocks", errors)
    return [
        ngettext("%(errors)d of %(count)d block", "%(errors)d of %(count)d blocks", blocks)
        % {"errors": errors, "count": blocks}
    ]


@register(
    id="page-too-complex",
    category="technical",
    severity="warning",
    weight=2,
    applies_to="response",
    title=gettext_lazy("Page can be analysed in reasonable time"),
    failure_title=gettext_lazy("Page is too complex to analyse"),
    why=gettext_lazy(
        "The page's HTML has so many elements, or is built so unusually, that "
        "reading it took more time than we allow for one page. Search engines "
        "and browsers struggle with such pages too: they render slowly, and "
        "crawlers may give up on them. None of the other checks could run on "
        "this page."
    ),
    how_to_fix=gettext_lazy(
        "Reduce the size of the HTML: paginate long lists, close the elements "
        "you open, remove generated markup nobody sees, and keep the page well "
        "under 1,500 elements where you can."
    ),
)
def page_too_complex(page: CheckedPage) -> list[str]:
    reason = too_complex_reason(page.facts.get("parse_error"))
    if reason is None:
        return []
    kind, amount = reason
    if kind == TOO_MANY_ELEMENTS:
        return [
            _("%(count)s HTML elements; we analyse pages of up to %(limit)s")
            % {
                "count": Number(int(amount)),
                "limit": Number(MAX_ELEMENTS),
            }
        ]
    return [
        _("not analysed within %(seconds)s seconds of processing") % {"seconds": Number(amount)}
    ]
