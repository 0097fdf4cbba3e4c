"""Turn what the crawler fetched and parsed into rows: one PageResult per URL, its links.

The crawler calls, for every URL it settles::

    checked = checked_page_build(fetch=fetch, facts=facts, url=url, depth=depth,
                                 in_sitemap=..., blocked_by_robots=..., site_is_https=...,
                                 is_internal=is_internal, robots_blocked_bots=...)
    page = page_result_from_checked(scan=scan, page=checked)      # the row that stores it
    findings = run_page_checks(page, checked=checked)             # audits.checks
    links = page_links_build(scan=scan, page=page, facts=facts, is_internal=is_internal)

``checked`` is a :class:`~audits.checks.page.CheckedPage`: the page checks read only that, so
they run without a database (``page_checks_run``). ``page_result_build`` does the first two
steps at once.

and bulk-creates pages first (so they get primary keys), then their links and findings, whose
``page``/``source`` point at those same objects. After the crawl, :func:`page_inlinks_update`
fills ``PageResult.inlinks`` with one UPDATE.

Every row is passed through :mod:`audits.clean` before it is stored (text and JSON lose
NULs and lone surrogates, text is cut to its column), so nothing a site serves can fail the
insert; the caps below are about size, not about what a column holds.

Columns hold what the cross-page queries and the report read. Everything else a check needs
goes into ``PageResult.facts``, a small JSON object; a key is left out when it would be empty,
zero, false or None. Lists keep at most :data:`FACTS_LIST_CAP` entries; when a list was cut,
``<key>_count`` holds its full length. Keys:

==========================  ========================================================
``titles``                  every ``<title>`` in ``<head>``, when there is more than one
``meta_descriptions``       every ``<meta name="description">`` content, when more than one
``headings``                ``[level, text]`` of the first headings, document order
``heading_levels``          all heading levels as one string, e.g. ``"12232"``
``canonicals``              ``<link rel=canonical>`` in ``<head>``: ``{raw_href, url,
                            is_absolute}`` (``url`` None when unresolvable)
``canonical_headers``       the same for HTTP ``Link: rel=canonical`` headers
``robots_metas``            ``[name, content]`` of robots meta tags (robots, googlebot...)
``x_robots_tags``           each ``X-Robots-Tag`` header value
``robots_blocked_bots``     Lighthouse's crawlers robots.txt disallows here (``"*"``...)
``viewport``                ``<meta name="viewport">`` content, when the tag exists
``images_missing_alt_attr`` images without an ``alt`` attribute
``images_empty_alt``        images whose ``alt`` is empty or blank
``images_whitespace_alt``   images whose ``alt`` is only whitespace (axe fails those)
``images``                  ``{src, alt}`` of the first images (``alt`` None: missing)
``jsonld_blocks``           JSON-LD blocks; ``jsonld_errors``: those that do not parse
``uncrawlable_anchors``     ``{reason, raw_href, text}``: Lighthouse crawlable-anchors
``non_descriptive_links``   ``{raw_href, text, lang}``: Lighthouse link-text failures
``insecure_forms``          http:// form targets on an https page
``mixed_content``           http:// subresources of an https page
``http_links``              http:// link targets on an https page
``http_on_https_site``      true for an http:// page of a site served over https
``plugins``                 ``<embed>``, ``<object>``, ``<applet>`` elements
``truncated``               the body was cut at the size limit
``elapsed_ms``              time to fetch the whole response
``transfer_bytes``          body bytes on the wire (compressed)
``tls``                     the start page's certificate: ``{valid, not_after,
                            days_to_expiry, issuer, error}``
``parse_error``             why the HTML could not be read (the page is then skipped by
                            the HTML checks)
==========================  ========================================================

``PageResult.hreflang`` (a column) holds every hreflang alternate as ``{lang, href,
raw_href, source}``, ``source`` being ``"head"`` or ``"header"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from audits.checks.indexability import (
    GENERIC_BOT,
    JS_WHITESPACE,
    LIGHTHOUSE_BOTS,
    is_indexable,
    is_noindex,
)
from audits.checks.page import FIELD_NAMES as CHECKED_FIELDS
from audits.checks.page import CheckedPage
from audits.clean import field_max_length, text_clean, values_clean
from audits.engine.facts import LINK_TEXT_NON_DESCRIPTIVE, PageFacts
from audits.engine.urls import url_host
from audits.models import PageLink, PageResult, SEOScan, url_digest

if TYPE_CHECKING:
    from audits.engine.fetch import FetchResult, TlsInfo

FACTS_LIST_CAP: Final = 50
MAX_TEXT_CHARS: Final = 300  # heading texts, image sources, anchors in facts
MAX_H1: Final = 20
MAX_HREFLANG: Final = 200
ALL_ROBOTS_BOTS: Final = tuple(user_agent or GENERIC_BOT for user_agent in LIGHTHOUSE_BOTS)
# Link rows skip the model (see page_link_rows), so they are cleaned to these by hand.
_LINK_URL_CHARS: Final = field_max_length(PageLink, "target_url")
_ANCHOR_CHARS: Final = field_max_length(PageLink, "anchor_text")


def checked_page_build(
    *,
    fetch: FetchResult | None,
    facts: PageFacts | None,
    url: str,
    depth: int | None,
    in_sitemap: bool,
    blocked_by_robots: bool,
    site_is_https: bool,
    is_internal: Callable[[str], bool] | None = None,
    robots_blocked_bots: Iterable[str] | None = None,
    body_size: int | None = None,
) -> CheckedPage:
    """What the page checks read about ``url``: the facts of one crawl record, no database.

    ``fetch`` and ``facts`` are None for a URL that was not fetched (robots.txt, limits);
    ``facts`` may be None for a fetched non-HTML response. ``is_internal`` tells a link to the
    crawled site from others (default: same host as ``url``). ``robots_blocked_bots`` names
    the Lighthouse crawlers robots.txt disallows for this URL (see
    :func:`audits.checks.indexability.robots_blocked_bots`); by default all of them when
    ``blocked_by_robots``, else none. ``body_size`` is the page's size when the crawler
    dropped the body once parsed. The values are cleaned as their columns store them
    (audits.clean), so a check sees exactly what the report will show.
    """
    status_code = fetch.status_code if fetch is not None else None
    final_url = (fetch.final_url if fetch is not None else "") or ""
    redirect_chain = (
        [{"url": hop.url, "status_code": hop.status_code} for hop in fetch.redirect_chain]
        if fetch is not None
        else []
    )
    if facts is not None:
        # A body cut at the size limit (error "too_large") is still read as a page.
        is_html = facts.is_html and fetch is not None and fetch.status_code is not None
        robots_metas = facts.robots_metas
        x_robots_tags = facts.x_robots_tag
    else:
        is_html = False
        robots_metas = ()
        x_robots_tags = _header_values(fetch, "x-robots-tag")
    noindex = is_noindex(robots_metas=robots_metas, x_robots_tags=x_robots_tags)
    if robots_blocked_bots is None:
        robots_blocked_bots = ALL_ROBOTS_BOTS if blocked_by_robots else ()
    if is_internal is None:
        is_internal = _same_host_as(url)
    if body_size:
        size = body_size  # the page's size, not its compressed transfer size
    elif fetch is not None:
        # The crawler may drop the body once parsed: then the bytes on the wire stand in.
        size = len(fetch.body) or fetch.bytes_downloaded
    else:
        size = 0

    values: dict[str, Any] = {
        "url": url,
        "final_url": final_url,
        "status_code": status_code,
        "error": (fetch.error or "") if fetch is not None else "",
        "error_detail": (fetch.error_detail or "") if fetch is not None else "",
        "redirect_chain": redirect_chain,
        "redirect_count": len(redirect_chain),
        "depth": depth,
        "ttfb_ms": fetch.ttfb_ms if fetch is not None else None,
        "bytes": size,
        "content_type": (fetch.content_type or "") if fetch is not None else "",
        "is_html": is_html,
        "noindex": noindex,
        "indexable": is_indexable(
            status_code=status_code,
            is_html=is_html,
            noindex=noindex,
            blocked_by_robots=blocked_by_robots,
        ),
        "in_sitemap": in_sitemap,
        "blocked_by_robots": blocked_by_robots,
        "meta_robots": (facts.meta_robots or "") if facts is not None else "",
        "x_robots_tag": ", ".join(x_robots_tags),
        "facts": _facts_json(
            fetch=fetch,
            facts=facts,
            robots_metas=robots_metas,
            x_robots_tags=x_robots_tags,
            robots_blocked_bots=robots_blocked_bots,
            site_is_https=site_is_https,
            url=url,
            depth=depth,
        ),
    }
    if facts is not None and facts.is_html:
        _put_html_columns(values, facts=facts, is_internal=is_internal)
    return CheckedPage(**values_clean(PageResult, values))


def page_result_from_checked(*, scan: SEOScan, page: CheckedPage) -> PageResult:
    """The unsaved :class:`PageResult` row that stores ``page``."""
    return PageResult(
        scan=scan,
        url_hash=url_digest(page.url),
        final_url_hash=url_digest(page.final_url or page.url),
        canonical_hash=url_digest(page.canonical) if page.canonical else "",
        **{name: getattr(page, name) for name in CHECKED_FIELDS},
    )


def page_result_build(*, scan: SEOScan, **record: Any) -> PageResult:
    """An unsaved :class:`PageResult` for one crawl record (arguments: checked_page_build)."""
    return page_result_from_checked(scan=scan, page=checked_page_build(**record))


def _put_html_columns(
    values: dict[str, Any], *, facts: PageFacts, is_internal: Callable[[str], bool]
) -> None:
    internal = sum(1 for link in facts.links if is_internal(link.url))
    values.update(
        title=facts.title,
        meta_description=facts.meta_description,
        h1=list(facts.h1[:MAX_H1]),
        h2_count=facts.h2_count,
        canonical=facts.canonical_urls[0] if facts.canonical_urls else "",
        lang=facts.lang or "",
        hreflang=[
            {"lang": item.lang, "href": item.href, "raw_href": item.raw_href, "source": item.source}
            for item in facts.hreflang[:MAX_HREFLANG]
        ],
        og={key: value for key, value in facts.og.items() if value is not None},
        twitter={key: value for key, value in facts.twitter.items() if value is not None},
        images_total=facts.images_total,
        images_without_alt=facts.images_without_alt,
        jsonld_types=list(facts.jsonld_types),
        word_count=facts.word_count,
        internal_links=internal,
        external_links=len(facts.links) - internal,
        content_hash=facts.content_hash or "",
    )


def _facts_json(
    *,
    fetch: FetchResult | None,
    facts: PageFacts | None,
    robots_metas: Sequence[Sequence[str]],
    x_robots_tags: Sequence[str],
    robots_blocked_bots: Iterable[str],
    site_is_https: bool,
    url: str,
    depth: int | None,
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    _put(data, "robots_metas", [[name, content] for name, content in robots_metas])
    _put(data, "x_robots_tags", list(x_robots_tags))
    _put(data, "robots_blocked_bots", list(dict.fromkeys(robots_blocked_bots)))
    page_url = (fetch.final_url if fetch is not None else "") or url
    if site_is_https and page_url.startswith("http://"):
        data["http_on_https_site"] = True
    if fetch is not None:
        _put(data, "truncated", fetch.truncated)
        _put(data, "elapsed_ms", fetch.elapsed_ms)
        _put(data, "transfer_bytes", fetch.bytes_downloaded)
        _put(data, "resources_not_loaded", fetch.resources_not_loaded)
        if fetch.tls is not None and depth == 0:
            data["tls"] = _tls_json(fetch.tls)
    if facts is not None and facts.is_html:
        _put_html_facts(data, facts=facts, page_url=page_url)
    return data


def _put_html_facts(data: dict[str, Any], *, facts: PageFacts, page_url: str) -> None:
    if len(facts.titles) > 1:
        _put_list(data, "titles", list(facts.titles))
    if len(facts.meta_descriptions) > 1:
        _put_list(data, "meta_descriptions", list(facts.meta_descriptions))
    _put_list(data, "headings", [[level, text[:MAX_TEXT_CHARS]] for level, text in facts.headings])
    _put(data, "heading_levels", "".join(str(level) for level, _ in facts.headings))
    _put_list(data, "canonicals", [_url_ref_json(ref) for ref in facts.canonicals])
    _put_list(data, "canonical_headers", [_url_ref_json(ref) for ref in facts.canonical_headers])
    if facts.viewport is not None:
        data["viewport"] = facts.viewport
    _put(data, "images_missing_alt_attr", facts.images_missing_alt_attr)
    _put(data, "images_empty_alt", facts.images_empty_alt)
    whitespace_alt = sum(
        1 for image in facts.images if image.alt and not image.alt.strip(JS_WHITESPACE)
    )
    _put(data, "images_whitespace_alt", whitespace_alt)
    _put(data, "images_failing_axe_alt", facts.images_failing_axe_alt)
    _put_list(
        data,
        "images",
        [
            {"src": image.src[:MAX_TEXT_CHARS], "alt": image.alt, "fails": image.fails_axe_alt}
            for image in facts.images
        ],
    )
    _put(data, "jsonld_blocks", facts.jsonld_blocks)
    _put(data, "jsonld_errors", facts.jsonld_errors)
    _put_list(
        data,
        "uncrawlable_anchors",
        [
            {
                "reason": problem.reason,
                "raw_href": problem.raw_href[:MAX_TEXT_CHARS],
                "text": problem.text[:MAX_TEXT_CHARS],
            }
            for problem in facts.uncrawlable_anchors
        ],
    )
    _put_list(
        data,
        "non_descriptive_links",
        [
            {
                "raw_href": problem.raw_href[:MAX_TEXT_CHARS],
                "text": problem.text,
                "lang": problem.lang,
            }
            for problem in facts.non_descriptive_links
            # Lighthouse 12's link-text flags blocklisted texts only, not URLs used as text.
            if problem.reason == LINK_TEXT_NON_DESCRIPTIVE
        ],
    )
    _put_list(data, "insecure_forms", list(facts.insecure_forms))
    _put_list(data, "mixed_content", list(facts.mixed_content))
    if page_url.startswith("https://"):
        http_links = [link.url for link in facts.links if link.url.startswith("http://")]
        _put_list(data, "http_links", list(dict.fromkeys(http_links)))
    _put(data, "plugins", facts.plugins)
    if not facts.encoding_declared:
        data["charset_undeclared"] = facts.encoding  # the codec we (and browsers) fell back to
    _put(data, "parse_error", facts.parse_error)


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    if value:
        data[key] = value


def _put_list(data: dict[str, Any], key: str, items: list[Any]) -> None:
    if not items:
        return
    data[key] = items[:FACTS_LIST_CAP]
    if len(items) > FACTS_LIST_CAP:
        data[f"{key}_count"] = len(items)


def facts_count(page: PageResult, key: str) -> int:
    """How many entries a facts list had before it was capped."""
    facts = page.facts
    return facts.get(f"{key}_count") or len(facts.get(key) or ())


def _url_ref_json(ref: Any) -> dict[str, Any]:
    return {"raw_href": ref.raw_href, "url": ref.url, "is_absolute": ref.is_absolute}


def _tls_json(tls: TlsInfo) -> dict[str, Any]:
    return {
        "valid": tls.valid,
        "not_after": tls.not_after.isoformat() if tls.not_after else None,
        "days_to_expiry": tls.days_to_expiry,
        "issuer": tls.issuer,
        "error": tls.error,
    }


def _header_values(fetch: FetchResult | None, name: str) -> tuple[str, ...]:
    if fetch is None:
        return ()
    value = fetch.headers.get(name)
    return (value,) if value else ()


def _same_host_as(url: str) -> Callable[[str], bool]:
    host = url_host(url)

    def is_internal(link_url: str) -> bool:
        return host is not None and url_host(link_url) == host

    return is_internal


def page_link_rows(
    *, page: PageResult, facts: PageFacts | None, is_internal: Callable[[str], bool]
) -> list[list]:
    """The page's internal links as ``[target_url, target_hash, anchor_text, nofollow]`` rows,
    one per target URL (plain lists: a 5,000-page crawl stores ~150,000 of them, and model
    instances would cost more than the rest of the crawl).

    Links to the page itself are left out. A target counts as ``nofollow`` only when every
    link to it is; the anchor text is the first non-empty one.
    """
    if facts is None:
        return []
    own_urls = {page.url, page.final_url}
    by_target: dict[str, list] = {}
    for link in facts.links:
        target = link.url
        if target in own_urls or not is_internal(target):
            continue
        row = by_target.get(target)
        if row is None:
            by_target[target] = [
                text_clean(target, _LINK_URL_CHARS),
                url_digest(target),
                text_clean(link.text, _ANCHOR_CHARS),
                link.nofollow,
            ]
            continue
        if not link.nofollow:
            row[3] = False
        if not row[2] and link.text:
            row[2] = text_clean(link.text, _ANCHOR_CHARS)
    return list(by_target.values())


def page_links_build(
    *,
    scan: SEOScan,
    page: PageResult,
    facts: PageFacts | None,
    is_internal: Callable[[str], bool],
) -> list[PageLink]:
    """Unsaved :class:`PageLink` rows for the page's internal links (see page_link_rows)."""
    return [
        PageLink(
            scan=scan,
            source=page,
            target_url=url,
            target_hash=digest,
            anchor_text=text,
            nofollow=nofollow,
        )  # fmt: skip
        for url, digest, text, nofollow in page_link_rows(
            page=page, facts=facts, is_internal=is_internal
        )
    ]


def page_links_insert(*, scan_id: int, rows: list[tuple[int, list]]) -> None:
    """Insert ``(source page id, page_link_rows row)`` pairs with one prepared statement."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(name)
        for name in ("scan_id", "source_id", "target_url", "target_hash", "anchor_text", "nofollow")
    )
    sql = (
        f"INSERT INTO {quote(PageLink._meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(scan_id, source_id, *row) for source_id, row in rows])


def page_inlinks_update(*, scan: SEOScan) -> None:
    """Set ``PageResult.inlinks`` to the number of other pages linking to each page."""
    sources = (
        PageLink.objects.filter(scan=scan, target_hash=OuterRef("url_hash"))
        .exclude(source=OuterRef("pk"))
        .order_by()
        .values("target_hash")
        .annotate(sources=Count("source", distinct=True))
        .values("sources")
    )
    PageResult.objects.filter(scan=scan).update(inlinks=Coalesce(Subquery(sources), 0))
