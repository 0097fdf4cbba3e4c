"""Can search engines reach and index the pages: status codes, redirects, robots, sitemaps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy

from audits.checks.indexability import crawl_blocking_sources
from audits.checks.page import CheckedPage
from audits.checks.queries import self_canonical
from audits.checks.registry import register
from audits.details import Message, Parts
from audits.details import message as _
from audits.models import PageResult, SEOScan

# Finding details are message ids, rendered in the reader's language (audits.details).
FETCH_FAILURES = {
    "dns": _("the host name does not resolve"),
    "connection": _("the connection failed"),
    "tls": _("the TLS (https) handshake failed"),
    "protocol": _("the server's answer was not valid HTTP"),
    "invalid_redirect": _("a redirect pointed to an invalid URL"),
    "unsafe_address": _("the host resolves to a private or local address"),
    "invalid_url": _("the URL is not valid"),
    "browser": _("the browser could not load the page"),
}
# Every fetch error code (audits/engine/fetch.py FetchError) as a finding detail.
FETCH_ERRORS = {
    **FETCH_FAILURES,
    "timeout": _("no answer in time"),
    "too_many_redirects": _("too many redirects"),
    "redirect_loop": _("a redirect loop"),
    "too_large": _("the response was too large"),
}


def fetch_error_label(code: str | None) -> Message | str:
    """The customer's words for a fetch error code; unknown codes show as they are."""
    return FETCH_ERRORS.get(code, code or "")


# The messages of Lighthouse's robots-txt audit, as audits/engine/sitefacts.py writes them.
ROBOTS_TXT_PROBLEMS = {
    "Syntax not understood": gettext_lazy("Syntax not understood"),
    "Unknown directive": gettext_lazy("Unknown directive"),
    "Invalid sitemap URL": gettext_lazy("Invalid sitemap URL"),
    "Invalid sitemap URL protocol": gettext_lazy("Invalid sitemap URL protocol"),
    "No user-agent specified": gettext_lazy("No user-agent specified"),
    'Pattern should either be empty, start with "/" or "*"': gettext_lazy(
        'Pattern should either be empty, start with "/" or "*"'
    ),
    '"$" should only be used at the end of the pattern': gettext_lazy(
        '"$" should only be used at the end of the pattern'
    ),
}


@register(
    id="is-crawlable",
    category="technical",
    severity="critical",
    weight=10,
    lighthouse=True,
    applies_to="any",
    covers=("SEOnaut ERROR_NO_INDEXABLE", "SEOnaut ERROR_BLOCKED"),
    title=gettext_lazy("Page isn't blocked from indexing"),
    failure_title=gettext_lazy("Page is blocked from indexing"),
    why=gettext_lazy(
        "Search engines cannot include a page in their results if they are not "
        "allowed to crawl or index it. A stray noindex or robots.txt rule can "
        "remove a page, or the whole site, from search."
    ),
    how_to_fix=gettext_lazy(
        "Remove noindex or none from the robots meta tag and the X-Robots-Tag "
        "header, remove a past unavailable_after date, and allow the URL in "
        "robots.txt, unless you really want the page kept out of search."
    ),
)
def is_crawlable(page: CheckedPage) -> list[str]:
    facts = page.facts
    sources = crawl_blocking_sources(
        robots_metas=facts.get("robots_metas", ()),
        x_robots_tags=facts.get("x_robots_tags", ()),
        robots_blocked_bots=facts.get("robots_blocked_bots", ()),
    )
    if sources is None:
        return []
    return sources or ["every search crawler is blocked"]


@register(
    id="http-status-code",
    category="technical",
    severity="critical",
    weight=6,
    lighthouse=True,
    applies_to="response",
    covers=("SEOnaut ERROR_40x", "SEOnaut ERROR_50x"),
    title=gettext_lazy("Page has successful HTTP status code"),
    failure_title=gettext_lazy("Page has unsuccessful HTTP status code"),
    why=gettext_lazy(
        "Pages that answer with a 4xx or 5xx status code may not be indexed, and "
        "visitors who follow a link to them land on an error."
    ),
    how_to_fix=gettext_lazy(
        "Restore the page, redirect its URL (301) to the best replacement, or "
        "remove the links that point to it. For 5xx errors, check the server "
        "logs."
    ),
)
def http_status_code(page: CheckedPage) -> list[str]:
    status = page.status_code
    if status is not None and 400 <= status <= 599:
        return [f"HTTP {status}"]
    return []


@register(
    id="redirect",
    category="technical",
    severity="warning",
    weight=2,
    applies_to="response",
    per_url=True,
    covers=("SEOnaut ERROR_30x",),
    title=gettext_lazy("URL does not redirect"),
    failure_title=gettext_lazy("URL redirects"),
    why=gettext_lazy(
        "Every redirect costs visitors a round trip and search engines crawl "
        "budget; links should point straight at the final URL."
    ),
    how_to_fix=gettext_lazy(
        "Update internal links, canonicals and sitemap entries to the final URL. "
        "Keep the redirect itself (301) for visitors coming from elsewhere."
    ),
)
def redirect(page: CheckedPage) -> list[str]:
    if not page.redirect_count:
        return []
    first = page.redirect_chain[0]
    return [f"{first['status_code']} -> {page.final_url}"]


@register(
    id="redirect-chain",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="response",
    per_url=True,
    covers=("SEOnaut ERROR_REDIRECT_CHAIN",),
    title=gettext_lazy("URL redirects at most once"),
    failure_title=gettext_lazy("URL redirects through a chain of redirects"),
    why=gettext_lazy(
        "Each extra hop slows visitors down; search engines stop following long "
        "chains and may not pass on the ranking signals of the first URL."
    ),
    how_to_fix=gettext_lazy(
        "Point the first URL straight at the final one with a single 301 "
        "redirect, and link to the final URL."
    ),
)
def redirect_chain(page: CheckedPage) -> list[str]:
    if page.redirect_count < 2:
        return []
    hops = [hop["url"] for hop in page.redirect_chain]
    return [" -> ".join([*hops, page.final_url])]


@register(
    id="redirect-loop",
    category="technical",
    severity="critical",
    weight=5,
    applies_to="any",
    per_url=True,
    covers=("SEOnaut ERROR_REDIRECT_LOOP",),
    title=gettext_lazy("URL leads to a page"),
    failure_title=gettext_lazy("URL is caught in a redirect loop"),
    why=gettext_lazy(
        "A redirect loop (or an endless chain) never reaches a page: visitors "
        "get an error and search engines drop the URL."
    ),
    how_to_fix=gettext_lazy(
        "Check the redirect rules on the server or in the CMS; make the URL "
        "answer 200 or redirect once to a page that does."
    ),
)
def redirect_loop(page: CheckedPage) -> list[str]:
    if page.error in ("redirect_loop", "too_many_redirects"):
        return [page.error_detail or page.error]
    return []


@register(
    id="timeout",
    category="technical",
    severity="critical",
    weight=5,
    applies_to="any",
    covers=("SEOnaut ERROR_TIMEOUT",),
    title=gettext_lazy("Page answers in time"),
    failure_title=gettext_lazy("Page timed out"),
    why=gettext_lazy(
        "A page that does not answer in time cannot be indexed, and visitors "
        "give up long before a crawler does."
    ),
    how_to_fix=gettext_lazy(
        "Find out why the server is slow for this URL (database queries, "
        "external calls, missing caching) and make it answer within a few "
        "seconds."
    ),
)
def timeout(page: CheckedPage) -> list[str]:
    if page.error != "timeout":
        return []
    return [page.error_detail or fetch_error_label("timeout")]


@register(
    id="fetch-failed",
    category="technical",
    severity="critical",
    weight=5,
    applies_to="any",
    title=gettext_lazy("Page could be fetched"),
    failure_title=gettext_lazy("Page could not be fetched"),
    why=gettext_lazy(
        "When a URL fails at the network level (DNS, connection, TLS), neither "
        "visitors nor search engines can reach it."
    ),
    how_to_fix=gettext_lazy(
        "Check the DNS records, the server and its certificate for this host, or "
        "remove links to hosts that no longer exist."
    ),
)
def fetch_failed(page: CheckedPage) -> list[str]:
    reason = FETCH_FAILURES.get(page.error)
    if reason is None:
        return []
    return [Parts(reason, f": {page.error_detail}") if page.error_detail else reason]


# --- robots.txt and sitemaps (site checks) -----------------------------------------------


def _robots(site: dict[str, Any]) -> dict[str, Any]:
    return site.get("robots_txt") or {}


@register(
    id="robots-txt",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="site",
    scope="site",
    lighthouse=True,
    title=gettext_lazy("robots.txt is valid"),
    failure_title=gettext_lazy("robots.txt is not valid"),
    why=gettext_lazy(
        "If your robots.txt file is malformed, crawlers may not understand how "
        "you want your website to be crawled or indexed; a server error on "
        "robots.txt can even stop Google crawling the site."
    ),
    how_to_fix=gettext_lazy(
        "Serve robots.txt with status 200 (or 404 when you have none), start "
        "every group with a User-agent line, use only known directives, and give "
        "Allow/Disallow paths that start with / or *."
    ),
)
def robots_txt(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int | None, str]]:
    """Lighthouse 12 robots-txt, from the crawler's fetch and validation of robots.txt."""
    robots = _robots(site)
    if not robots:
        return
    status = robots.get("status_code")
    if status and (status >= 500 or status == 429):
        yield (
            None,
            _("Request for robots.txt returned HTTP status: %(status)s") % {"status": status},
        )
        return
    if status and status >= 400:
        return  # no robots.txt: nothing to validate
    if robots.get("error"):
        yield None, _("Fetch of robots.txt failed: %(error)s") % {"error": robots["error"]}
        return
    if not status:
        yield None, _("Fetch of robots.txt failed")
        return
    for problem in robots.get("problems") or ():
        message = problem.get("message") or ""
        yield (
            None,
            _("line %(line)s: %(problem)s")
            % {
                "line": problem.get("line"),
                "problem": _(message) if message in ROBOTS_TXT_PROBLEMS else message,
            },
        )


@register(
    id="robots-txt-missing",
    category="technical",
    severity="notice",
    weight=1,
    applies_to="site",
    scope="site",
    title=gettext_lazy("Site has a robots.txt file"),
    failure_title=gettext_lazy("Site has no robots.txt file"),
    why=gettext_lazy(
        "Without robots.txt, crawlers may spend time on URLs that do not matter, "
        "and you miss the easiest place to announce your sitemap."
    ),
    how_to_fix=gettext_lazy(
        "Add a /robots.txt that allows crawling of your public pages and names "
        "your sitemap with a Sitemap: line."
    ),
)
def robots_txt_missing(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int | None, str]]:
    robots = _robots(site)
    status = robots.get("status_code")
    if robots and status is not None and 400 <= status < 500 and status != 429:
        yield None, f"{robots.get('url') or '/robots.txt'}: HTTP {status}"


@register(
    id="sitemap-missing",
    category="technical",
    severity="warning",
    weight=2,
    applies_to="site",
    scope="site",
    title=gettext_lazy("Site has an XML sitemap"),
    failure_title=gettext_lazy("No XML sitemap found"),
    why=gettext_lazy(
        "A sitemap tells search engines which pages exist and when they changed, "
        "so new and deep pages are found sooner."
    ),
    how_to_fix=gettext_lazy(
        "Publish an XML sitemap (most CMSs can generate one), list it in "
        "robots.txt with a Sitemap: line and submit it in Google Search Console."
    ),
)
def sitemap_missing(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int | None, str]]:
    sitemaps = site.get("sitemaps")
    if sitemaps is None:
        return  # the crawler did not look
    if not any(sitemap.get("ok") for sitemap in sitemaps):
        tried = ", ".join(sitemap.get("url", "") for sitemap in sitemaps[:5])
        if tried:
            yield None, _("tried: %(urls)s") % {"urls": tried}
        else:
            yield None, _("no sitemap declared or found")


_SITEMAP_WHY = gettext_lazy(
    "A sitemap should list only the canonical, indexable pages you want in "
    "search. Other URLs waste crawl budget and make search engines trust the "
    "sitemap less."
)


@register(
    id="sitemap-noindex",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="site",
    scope="site",
    covers=("SEOnaut NO_INDEX_IN_SITEMAP",),
    title=gettext_lazy("Sitemap lists no noindex pages"),
    failure_title=gettext_lazy("Sitemap lists pages marked noindex"),
    why=_SITEMAP_WHY,
    how_to_fix=gettext_lazy(
        "Remove these URLs from the sitemap, or remove the noindex if they "
        "should be found in search."
    ),
)
def sitemap_noindex(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int | None, str]]:
    rows = PageResult.objects.filter(scan=scan, in_sitemap=True, noindex=True)
    for page_id, robots, header in rows.order_by("id").values_list(
        "id", "meta_robots", "x_robots_tag"
    ):
        yield page_id, f"robots: {robots or header}"


@register(
    id="sitemap-blocked",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="site",
    scope="site",
    covers=("SEOnaut BLOCKED_IN_SITEMAP",),
    title=gettext_lazy("Sitemap lists no URLs blocked by robots.txt"),
    failure_title=gettext_lazy("Sitemap lists URLs blocked by robots.txt"),
    why=_SITEMAP_WHY,
    how_to_fix=gettext_lazy(
        "Remove these URLs from the sitemap, or allow them in robots.txt if they should be crawled."
    ),
)
def sitemap_blocked(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int | None, str]]:
    rows = PageResult.objects.filter(scan=scan, in_sitemap=True, blocked_by_robots=True)
    for page_id in rows.order_by("id").values_list("id", flat=True):
        yield page_id, _("disallowed by robots.txt")


@register(
    id="sitemap-non-canonical",
    category="technical",
    severity="warning",
    weight=2,
    applies_to="site",
    scope="site",
    covers=("SEOnaut NON_CANONICAL_IN_SITEMAP",),
    title=gettext_lazy("Sitemap lists only canonical URLs"),
    failure_title=gettext_lazy("Sitemap lists URLs that name another canonical URL"),
    why=_SITEMAP_WHY,
    how_to_fix=gettext_lazy("List the canonical URL in the sitemap instead of these."),
)
def sitemap_non_canonical(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int | None, str]]:
    rows = (
        PageResult.objects.filter(scan=scan, in_sitemap=True, is_html=True)
        .filter(status_code__gte=200, status_code__lt=300)
        .exclude(self_canonical())
    )
    for page_id, canonical in rows.order_by("id").values_list("id", "canonical"):
        yield page_id, f"canonical: {canonical}"


@register(
    id="sitemap-not-200",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="site",
    scope="site",
    title=gettext_lazy("Sitemap URLs answer 200"),
    failure_title=gettext_lazy("Sitemap lists URLs that redirect or fail"),
    why=_SITEMAP_WHY,
    how_to_fix=gettext_lazy(
        "Replace redirecting URLs with their final URL and remove URLs that return errors."
    ),
)
def sitemap_not_200(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int | None, str]]:
    answered_not_200 = Q(status_code__isnull=False) & ~Q(status_code=200)
    rows = PageResult.objects.filter(scan=scan, in_sitemap=True).filter(
        Q(redirect_count__gt=0) | ~Q(error="") | answered_not_200
    )
    for page_id, status, redirects, error, final_url in rows.order_by("id").values_list(
        "id", "status_code", "redirect_count", "error", "final_url"
    ):
        if redirects:
            yield page_id, _("redirects to %(url)s") % {"url": final_url}
        elif error:
            yield page_id, fetch_error_label(error)
        else:
            yield page_id, f"HTTP {status}"
