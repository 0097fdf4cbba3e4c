"""Links: their text, whether crawlers can follow them, where they lead, what links in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from audits.checks.indexing import fetch_error_label
from audits.checks.page import CheckedPage
from audits.checks.queries import documents
from audits.checks.registry import register
from audits.details import Message, Number, Parts
from audits.details import message as _
from audits.details import plural_message as ngettext
from audits.engine import facts
from audits.engine.urls import MAX_URL_CHARS
from audits.models import PageLink, PageResult, SEOScan, url_digest

MAX_DEPTH: Final = 4  # SEOnaut: more than 4 clicks from the start page is deep
# The URL length cap as the reader's language writes it ("2,048", "2.048"), when rendered.
_URL_CAP: Final = lazy(lambda: number_format(MAX_URL_CHARS, force_grouping=True), str)()

# The parser's codes for uncrawlable anchors (audits/engine/facts.py), as finding details.
ANCHOR_PROBLEMS: Final = {
    facts.UNCRAWLABLE_FILE_URL: _("file: URL"),
    facts.UNCRAWLABLE_SCRIPT_ONLY: _("no href, only a script event handler"),
    facts.UNCRAWLABLE_MISSING_HREF: _("no href"),
    facts.UNCRAWLABLE_JAVASCRIPT_VOID: _("javascript: URL"),
    facts.UNCRAWLABLE_INVALID_URL: _("invalid URL"),
}

_LINKS_WHY = gettext_lazy(
    "Links are how crawlers discover pages and how search engines understand "
    "what a page is about. Broken, hidden or vague links waste that."
)


@register(
    id="link-text",
    category="links",
    severity="warning",
    weight=2,
    lighthouse=True,
    applies_to="indexable",
    title=gettext_lazy("Links have descriptive text"),
    failure_title=gettext_lazy("Links do not have descriptive text"),
    why=gettext_lazy(
        "Descriptive link text helps search engines understand your content and "
        'tells visitors where a link goes; "click here" or "read more" says '
        "nothing."
    ),
    how_to_fix=gettext_lazy(
        'Replace generic texts with words that name the target, e.g. "Compare '
        'our pricing plans" instead of "Click here".'
    ),
)
def link_text(page: CheckedPage) -> list[str]:
    """Lighthouse 12 link-text: the parser found the links whose text is on its blocklist."""
    links = page.facts.get("non_descriptive_links") or ()
    return [f'"{link["text"]}" -> {link["raw_href"]}' for link in links]


@register(
    id="crawlable-anchors",
    category="links",
    severity="warning",
    weight=3,
    lighthouse=True,
    applies_to="indexable",
    title=gettext_lazy("Links are crawlable"),
    failure_title=gettext_lazy("Links are not crawlable"),
    why=_LINKS_WHY,
    how_to_fix=gettext_lazy(
        'Use real <a href="/path"> links with a resolvable URL; do not rely on '
        "javascript:void(0), click handlers without href, or file: URLs."
    ),
)
def crawlable_anchors(page: CheckedPage) -> list[str]:
    """Lighthouse 12 crawlable-anchors: the parser applied its rules to every <a>."""
    anchors = page.facts.get("uncrawlable_anchors") or ()
    return [
        Parts(
            ANCHOR_PROBLEMS.get(anchor["reason"], anchor["reason"]),
            f": {anchor['raw_href'] or anchor['text']}",
        )
        for anchor in anchors
    ]


def _once_per_document(scan: SEOScan, links: QuerySet[PageLink]) -> QuerySet[PageLink]:
    """Links of a redirecting row whose target row exists are that target's links too."""
    target_stored = PageResult.objects.filter(
        scan=scan, url_hash=OuterRef("source__final_url_hash")
    )
    return links.exclude(Q(source__redirect_count__gt=0) & Exists(target_stored))


def _links_to(scan: SEOScan, targets: QuerySet[PageResult]) -> QuerySet[PageLink]:
    """Links to the pages in `targets`, with those pages' facts. Filtering on the (few) target
    pages first lets the database use the (scan, target_hash) index instead of looking up the
    target of every link of the site."""
    target = PageResult.objects.filter(scan=scan, url_hash=OuterRef("target_hash"))
    links = PageLink.objects.filter(scan=scan, target_hash__in=targets.values("url_hash")).annotate(
        target_status=Subquery(target.values("status_code")[:1]),
        target_error=Subquery(target.values("error")[:1]),
        target_final_url=Subquery(target.values("final_url")[:1]),
    )
    return _once_per_document(scan, links).order_by("source_id", "id")


@register(
    id="broken-internal-links",
    category="links",
    severity="critical",
    weight=5,
    applies_to="site",
    scope="site",
    title=gettext_lazy("Internal links work"),
    failure_title=gettext_lazy("Page links to broken internal URLs"),
    why=_LINKS_WHY,
    how_to_fix=gettext_lazy(
        "Point these links at working pages, or restore or redirect the missing URLs."
    ),
)
def broken_internal_links(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    broken = _links_to(
        scan,
        PageResult.objects.filter(scan=scan).filter(
            Q(status_code__gte=400) | (Q(status_code__isnull=True) & Q(error__gt=""))
        ),
    )
    for source_id, target_url, status, error in broken.values_list(
        "source_id", "target_url", "target_status", "target_error"
    ):
        reason = f"HTTP {status}" if status else fetch_error_label(error)
        yield source_id, Parts(f"{target_url} (", reason, ")")


@register(
    id="redirecting-internal-links",
    category="links",
    severity="notice",
    weight=1,
    applies_to="site",
    scope="site",
    title=gettext_lazy("Internal links point at final URLs"),
    failure_title=gettext_lazy("Page links to internal URLs that redirect"),
    why=_LINKS_WHY,
    how_to_fix=gettext_lazy("Update these links to the URL the redirect ends at."),
)
def redirecting_internal_links(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    redirecting = _links_to(scan, PageResult.objects.filter(scan=scan, redirect_count__gt=0))
    for source_id, target_url, final_url in redirecting.values_list(
        "source_id", "target_url", "target_final_url"
    ):
        yield source_id, f"{target_url} -> {final_url}"


@register(
    id="internal-nofollow-links",
    category="links",
    severity="notice",
    weight=1,
    applies_to="site",
    scope="site",
    covers=("SEOnaut ERROR_INTERNAL_NOFOLLOW",),
    title=gettext_lazy("Internal links are followed"),
    failure_title=gettext_lazy("Page has nofollow links to its own site"),
    why=_LINKS_WHY,
    how_to_fix=gettext_lazy(
        'Remove rel="nofollow" from links to your own pages; keep pages out of '
        "search with noindex instead."
    ),
)
def internal_nofollow_links(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    links = _once_per_document(scan, PageLink.objects.filter(scan=scan, nofollow=True))
    yield from links.order_by("source_id", "id").values_list("source_id", "target_url")


@register(
    id="orphan-pages",
    category="links",
    severity="notice",
    weight=2,
    applies_to="site",
    scope="site",
    covers=("SEOnaut ERROR_ORPHAN",),
    title=gettext_lazy("Sitemap pages are linked from the site"),
    failure_title=gettext_lazy("Page is in the sitemap but no page links to it"),
    why=gettext_lazy(
        "Pages without internal links are hard to find for visitors and get "
        "little weight from search engines, even when the sitemap lists them."
    ),
    how_to_fix=gettext_lazy(
        "Link to the page from related pages or the navigation, or remove it "
        "from the sitemap if it is no longer needed."
    ),
)
def orphan_pages(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    linked = PageLink.objects.filter(scan=scan, target_hash=OuterRef("url_hash")).exclude(
        source_id=OuterRef("pk")
    )
    # A link to a URL that redirects here counts too.
    redirects_here = PageResult.objects.filter(
        scan=scan, final_url_hash=OuterRef(OuterRef("url_hash"))
    ).values("url_hash")
    linked_through_redirect = PageLink.objects.filter(
        scan=scan, target_hash__in=redirects_here
    ).exclude(source_id=OuterRef("pk"))
    start_hashes = [url_digest(url) for url in _start_urls(scan, site)]
    orphans = (
        documents(scan)
        .filter(in_sitemap=True)
        .exclude(depth=0)
        .exclude(url_hash__in=start_hashes)
        .exclude(Exists(linked))
        .exclude(Exists(linked_through_redirect))
    )
    for page_id in orphans.order_by("id").values_list("id", flat=True):
        yield page_id, _("no internal links found")


def _start_urls(scan: SEOScan, site: dict[str, Any]) -> list[str]:
    urls = [scan.url, site.get("start_url"), site.get("final_start_url")]
    return [url for url in urls if url]


@register(
    id="page-depth",
    category="links",
    severity="notice",
    weight=1,
    applies_to="indexable",
    covers=("SEOnaut ERROR_PAGE_DEPTH",),
    title=gettext_lazy("Page is close to the start page"),
    failure_title=gettext_lazy("Page is many clicks away from the start page"),
    why=gettext_lazy(
        "Pages that take many clicks to reach are crawled less often and seen as less important."
    ),
    how_to_fix=format_lazy(
        gettext_lazy(
            "Bring important pages within {max_depth} clicks of the home page with "
            "navigation, category pages or related links."
        ),
        max_depth=MAX_DEPTH,
    ),
)
def page_depth(page: CheckedPage) -> list[str]:
    if page.depth is not None and page.depth > MAX_DEPTH:
        return [ngettext("%(count)d click", "%(count)d clicks", page.depth) % {"count": page.depth}]
    return []


@register(
    id="http-links",
    category="links",
    severity="warning",
    weight=2,
    applies_to="indexable",
    covers=("SEOnaut ERROR_HTTP_LINKS",),
    title=gettext_lazy("Links use HTTPS"),
    failure_title=gettext_lazy("Page links to http:// URLs"),
    why=gettext_lazy(
        "Links to http:// URLs send visitors over an unencrypted connection (or "
        "through an extra redirect), and browsers may warn them."
    ),
    how_to_fix=gettext_lazy(
        "Change these links to https://; for other sites, check that they support it."
    ),
)
def http_links(page: CheckedPage) -> list[str]:
    return list(page.facts.get("http_links") or ())


@register(
    id="url-too-long",
    category="links",
    severity="warning",
    weight=2,
    applies_to="site",
    scope="site",
    title=gettext_lazy("Links lead to URLs of a usable length"),
    failure_title=format_lazy(
        gettext_lazy("Page has links to URLs longer than {url_cap} characters"),
        url_cap=_URL_CAP,
    ),
    why=format_lazy(
        gettext_lazy(
            "Browsers, search engines and sitemaps stop at about {url_cap} "
            "characters: longer URLs are not followed or indexed, and the pages "
            "behind them may never be found. Such URLs usually come from a broken "
            "<base> tag or from parameters that pile up on every click."
        ),
        url_cap=_URL_CAP,
    ),
    how_to_fix=gettext_lazy(
        "Check the page's <base href> and the links it lists: keep URLs short "
        "and readable, and stop adding parameters to links that already carry "
        "them. We left these URLs out of the audit."
    ),
)
def url_too_long(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int | None, str]]:
    """The crawl counts, per page, the URLs it dropped for their length (the first pages one
    by one, the others together): see audits.engine.crawler.CrawlOutcome."""
    found = site.get("urls_too_long") or {}
    counts = {url_digest(url): count for url, count in found.get("pages") or ()}
    pages = PageResult.objects.filter(scan=scan, url_hash__in=counts)
    listed = 0
    for page_id, url_hash in pages.order_by("id").values_list("id", "url_hash"):
        listed += 1
        yield page_id, _long_urls(counts[url_hash])
    more_pages = (found.get("page_count") or 0) - listed
    if more_pages > 0:
        yield (
            None,
            ngettext(
                "and %(count)d more page with such links",
                "and %(count)d more pages with such links",
                more_pages,
            )
            % {"count": more_pages},
        )


def _long_urls(count: int) -> Message:
    return ngettext(
        "%(count)s URL longer than %(limit)s characters, left out",
        "%(count)s URLs longer than %(limit)s characters, left out",
        count,
    ) % {
        "count": Number(count),
        "limit": Number(MAX_URL_CHARS),
    }
