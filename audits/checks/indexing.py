"""Can search engines reach and index the pages: status codes, redirects, robots, sitemaps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.checks.indexability import crawl_blocking_sources
from audits.checks.queries import self_canonical
from audits.checks.registry import register
from audits.models import PageResult, SEOScan

# Finding details are written in the scan owner's language: scan_run runs under it.
FETCH_FAILURES = {
    "dns": gettext_lazy("the host name does not resolve"),
    "connection": gettext_lazy("the connection failed"),
    "tls": gettext_lazy("the TLS (https) handshake failed"),
    "protocol": gettext_lazy("the server's answer was not valid HTTP"),
    "invalid_redirect": gettext_lazy("a redirect pointed to an invalid URL"),
    "unsafe_address": gettext_lazy("the host resolves to a private or local address"),
    "invalid_url": gettext_lazy("the URL is not valid"),
    "browser": gettext_lazy("the browser could not load the page"),
}
# Every fetch error code (audits/engine/fetch.py FetchError) as a finding detail.
FETCH_ERRORS = {
    **FETCH_FAILURES,
    "timeout": gettext_lazy("no answer in time"),
    "too_many_redirects": gettext_lazy("too many redirects"),
    "redirect_loop": gettext_lazy("a redirect loop"),
    "too_large": gettext_lazy("the response was too large"),
}


def fetch_error_label(code: str | None) -> str:
    """The customer's words for a fetch error code; unknown codes show as they are."""
    return str(FETCH_ERRORS.get(code, code or ""))


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
    title={
        "en": "Page isn't blocked from indexing",
        "nl": "Pagina wordt niet geblokkeerd voor indexering",
    },
    failure_title={
        "en": "Page is blocked from indexing",
        "nl": "Pagina wordt geblokkeerd voor indexering",
    },
    why={
        "en": "Search engines cannot include a page in their results if they are not allowed "
        "to crawl or index it. A stray noindex or robots.txt rule can remove a page, or the "
        "whole site, from search.",
        "nl": "Zoekmachines kunnen een pagina niet in hun resultaten opnemen als ze haar niet "
        "mogen crawlen of indexeren. Eén verdwaalde noindex of robots.txt-regel kan een "
        "pagina, of de hele site, uit de zoekresultaten laten verdwijnen.",
    },
    how_to_fix={
        "en": "Remove noindex or none from the robots meta tag and the X-Robots-Tag header, "
        "remove a past unavailable_after date, and allow the URL in robots.txt, unless you "
        "really want the page kept out of search.",
        "nl": "Haal noindex of none weg uit de robots-metatag en de X-Robots-Tag-header, "
        "verwijder een verstreken unavailable_after-datum en sta de URL toe in robots.txt, "
        "tenzij je de pagina echt buiten de zoekresultaten wilt houden.",
    },
)
def is_crawlable(page: PageResult) -> list[str]:
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
    title={
        "en": "Page has successful HTTP status code",
        "nl": "Pagina geeft een geslaagde HTTP-statuscode",
    },
    failure_title={
        "en": "Page has unsuccessful HTTP status code",
        "nl": "Pagina geeft een mislukte HTTP-statuscode",
    },
    why={
        "en": "Pages that answer with a 4xx or 5xx status code may not be indexed, and "
        "visitors who follow a link to them land on an error.",
        "nl": "Pagina's die antwoorden met een 4xx- of 5xx-statuscode worden mogelijk niet "
        "geïndexeerd, en bezoekers die een link volgen komen op een foutmelding uit.",
    },
    how_to_fix={
        "en": "Restore the page, redirect its URL (301) to the best replacement, or remove "
        "the links that point to it. For 5xx errors, check the server logs.",
        "nl": "Zet de pagina terug, stuur de URL door (301) naar de beste vervanger of haal "
        "de links ernaartoe weg. Kijk bij 5xx-fouten in de serverlogs.",
    },
)
def http_status_code(page: PageResult) -> list[str]:
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
    title={"en": "URL does not redirect", "nl": "URL stuurt niet door"},
    failure_title={"en": "URL redirects", "nl": "URL stuurt door"},
    why={
        "en": "Every redirect costs visitors a round trip and search engines crawl budget; "
        "links should point straight at the final URL.",
        "nl": "Elke doorverwijzing kost bezoekers een extra verzoek en zoekmachines "
        "crawlbudget; links horen direct naar de uiteindelijke URL te wijzen.",
    },
    how_to_fix={
        "en": "Update internal links, canonicals and sitemap entries to the final URL. Keep "
        "the redirect itself (301) for visitors coming from elsewhere.",
        "nl": "Laat interne links, canonicals en sitemapregels naar de uiteindelijke URL "
        "wijzen. Houd de doorverwijzing zelf (301) aan voor bezoekers van buitenaf.",
    },
)
def redirect(page: PageResult) -> list[str]:
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
    title={
        "en": "URL redirects at most once",
        "nl": "URL stuurt hoogstens één keer door",
    },
    failure_title={
        "en": "URL redirects through a chain of redirects",
        "nl": "URL stuurt door via een keten van doorverwijzingen",
    },
    why={
        "en": "Each extra hop slows visitors down; search engines stop following long chains "
        "and may not pass on the ranking signals of the first URL.",
        "nl": "Elke extra stap vertraagt bezoekers; zoekmachines stoppen bij lange ketens en "
        "geven de rankingsignalen van de eerste URL dan mogelijk niet door.",
    },
    how_to_fix={
        "en": "Point the first URL straight at the final one with a single 301 redirect, and "
        "link to the final URL.",
        "nl": "Stuur de eerste URL met één 301-doorverwijzing direct naar de uiteindelijke URL "
        "en link naar die uiteindelijke URL.",
    },
)
def redirect_chain(page: PageResult) -> list[str]:
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
    title={"en": "URL leads to a page", "nl": "URL leidt naar een pagina"},
    failure_title={
        "en": "URL is caught in a redirect loop",
        "nl": "URL zit vast in een doorverwijzingslus",
    },
    why={
        "en": "A redirect loop (or an endless chain) never reaches a page: visitors get an "
        "error and search engines drop the URL.",
        "nl": "Een doorverwijzingslus (of een eindeloze keten) komt nooit bij een pagina uit: "
        "bezoekers krijgen een foutmelding en zoekmachines laten de URL vallen.",
    },
    how_to_fix={
        "en": "Check the redirect rules on the server or in the CMS; make the URL answer 200 "
        "or redirect once to a page that does.",
        "nl": "Controleer de doorverwijsregels op de server of in het CMS; laat de URL 200 "
        "antwoorden of één keer doorverwijzen naar een pagina die dat doet.",
    },
)
def redirect_loop(page: PageResult) -> list[str]:
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
    title={"en": "Page answers in time", "nl": "Pagina antwoordt op tijd"},
    failure_title={"en": "Page timed out", "nl": "Pagina reageerde niet op tijd"},
    why={
        "en": "A page that does not answer in time cannot be indexed, and visitors give up "
        "long before a crawler does.",
        "nl": "Een pagina die niet op tijd antwoordt kan niet geïndexeerd worden, en "
        "bezoekers haken veel eerder af dan een crawler.",
    },
    how_to_fix={
        "en": "Find out why the server is slow for this URL (database queries, external "
        "calls, missing caching) and make it answer within a few seconds.",
        "nl": "Zoek uit waarom de server traag is voor deze URL (databasequery's, externe "
        "aanroepen, ontbrekende caching) en zorg dat hij binnen enkele seconden antwoordt.",
    },
)
def timeout(page: PageResult) -> list[str]:
    if page.error != "timeout":
        return []
    return [page.error_detail or fetch_error_label("timeout")]


@register(
    id="fetch-failed",
    category="technical",
    severity="critical",
    weight=5,
    applies_to="any",
    title={"en": "Page could be fetched", "nl": "Pagina kon worden opgehaald"},
    failure_title={"en": "Page could not be fetched", "nl": "Pagina kon niet worden opgehaald"},
    why={
        "en": "When a URL fails at the network level (DNS, connection, TLS), neither "
        "visitors nor search engines can reach it.",
        "nl": "Als een URL op netwerkniveau mislukt (DNS, verbinding, TLS), kunnen bezoekers "
        "en zoekmachines er niet bij.",
    },
    how_to_fix={
        "en": "Check the DNS records, the server and its certificate for this host, or "
        "remove links to hosts that no longer exist.",
        "nl": "Controleer de DNS-records, de server en het certificaat voor deze host, of "
        "verwijder links naar hosts die niet meer bestaan.",
    },
)
def fetch_failed(page: PageResult) -> list[str]:
    reason = FETCH_FAILURES.get(page.error)
    if reason is None:
        return []
    return [f"{reason}: {page.error_detail}" if page.error_detail else str(reason)]


# --- robots.txt and sitemaps (site checks) -----------------------------------------------


def _robots(site: dict[str, Any]) -> dict[str, Any]:
    return site.get("robots_txt") or {}


@register(
    id="robots-txt",
    category="technical",
    severity="warning",
    weight=3,
    scope="site",
    lighthouse=True,
    title={"en": "robots.txt is valid", "nl": "robots.txt is geldig"},
    failure_title={"en": "robots.txt is not valid", "nl": "robots.txt is niet geldig"},
    why={
        "en": "If your robots.txt file is malformed, crawlers may not understand how you want "
        "your website to be crawled or indexed; a server error on robots.txt can even stop "
        "Google crawling the site.",
        "nl": "Als je robots.txt-bestand fouten bevat, begrijpen crawlers mogelijk niet hoe "
        "je site gecrawld of geïndexeerd moet worden; een serverfout op robots.txt kan Google "
        "zelfs laten stoppen met crawlen.",
    },
    how_to_fix={
        "en": "Serve robots.txt with status 200 (or 404 when you have none), start every "
        "group with a User-agent line, use only known directives, and give Allow/Disallow "
        "paths that start with / or *.",
        "nl": "Lever robots.txt met status 200 (of 404 als je er geen hebt), begin elke groep "
        "met een User-agent-regel, gebruik alleen bekende richtlijnen en laat Allow/Disallow-"
        "paden met / of * beginnen.",
    },
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
                "problem": ROBOTS_TXT_PROBLEMS.get(message, message),
            },
        )


@register(
    id="robots-txt-missing",
    category="technical",
    severity="notice",
    weight=1,
    scope="site",
    title={"en": "Site has a robots.txt file", "nl": "Site heeft een robots.txt-bestand"},
    failure_title={
        "en": "Site has no robots.txt file",
        "nl": "Site heeft geen robots.txt-bestand",
    },
    why={
        "en": "Without robots.txt, crawlers may spend time on URLs that do not matter, and "
        "you miss the easiest place to announce your sitemap.",
        "nl": "Zonder robots.txt besteden crawlers mogelijk tijd aan onbelangrijke URL's, en "
        "mis je de eenvoudigste plek om je sitemap bekend te maken.",
    },
    how_to_fix={
        "en": "Add a /robots.txt that allows crawling of your public pages and names your "
        "sitemap with a Sitemap: line.",
        "nl": "Voeg een /robots.txt toe die het crawlen van je openbare pagina's toestaat en "
        "je sitemap noemt met een Sitemap:-regel.",
    },
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
    scope="site",
    title={"en": "Site has an XML sitemap", "nl": "Site heeft een XML-sitemap"},
    failure_title={"en": "No XML sitemap found", "nl": "Geen XML-sitemap gevonden"},
    why={
        "en": "A sitemap tells search engines which pages exist and when they changed, so new "
        "and deep pages are found sooner.",
        "nl": "Een sitemap vertelt zoekmachines welke pagina's er zijn en wanneer ze zijn "
        "gewijzigd, zodat nieuwe en diepe pagina's sneller gevonden worden.",
    },
    how_to_fix={
        "en": "Publish an XML sitemap (most CMSs can generate one), list it in robots.txt "
        "with a Sitemap: line and submit it in Google Search Console.",
        "nl": "Publiceer een XML-sitemap (de meeste CMS'en maken er een), noem hem in "
        "robots.txt met een Sitemap:-regel en dien hem in bij Google Search Console.",
    },
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


_SITEMAP_WHY = {
    "en": "A sitemap should list only the canonical, indexable pages you want in search. "
    "Other URLs waste crawl budget and make search engines trust the sitemap less.",
    "nl": "Een sitemap hoort alleen de canonieke, indexeerbare pagina's te bevatten die je in "
    "de zoekresultaten wilt. Andere URL's verspillen crawlbudget en maken de sitemap minder "
    "betrouwbaar voor zoekmachines.",
}


@register(
    id="sitemap-noindex",
    category="technical",
    severity="warning",
    weight=3,
    scope="site",
    covers=("SEOnaut NO_INDEX_IN_SITEMAP",),
    title={
        "en": "Sitemap lists no noindex pages",
        "nl": "Sitemap bevat geen noindex-pagina's",
    },
    failure_title={
        "en": "Sitemap lists pages marked noindex",
        "nl": "Sitemap bevat pagina's met noindex",
    },
    why=_SITEMAP_WHY,
    how_to_fix={
        "en": "Remove these URLs from the sitemap, or remove the noindex if they should be "
        "found in search.",
        "nl": "Haal deze URL's uit de sitemap, of verwijder de noindex als ze wel gevonden "
        "moeten worden.",
    },
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
    scope="site",
    covers=("SEOnaut BLOCKED_IN_SITEMAP",),
    title={
        "en": "Sitemap lists no URLs blocked by robots.txt",
        "nl": "Sitemap bevat geen URL's die robots.txt blokkeert",
    },
    failure_title={
        "en": "Sitemap lists URLs blocked by robots.txt",
        "nl": "Sitemap bevat URL's die robots.txt blokkeert",
    },
    why=_SITEMAP_WHY,
    how_to_fix={
        "en": "Remove these URLs from the sitemap, or allow them in robots.txt if they should "
        "be crawled.",
        "nl": "Haal deze URL's uit de sitemap, of sta ze toe in robots.txt als ze gecrawld "
        "moeten worden.",
    },
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
    scope="site",
    covers=("SEOnaut NON_CANONICAL_IN_SITEMAP",),
    title={
        "en": "Sitemap lists only canonical URLs",
        "nl": "Sitemap bevat alleen canonieke URL's",
    },
    failure_title={
        "en": "Sitemap lists URLs that name another canonical URL",
        "nl": "Sitemap bevat URL's die een andere canonieke URL opgeven",
    },
    why=_SITEMAP_WHY,
    how_to_fix={
        "en": "List the canonical URL in the sitemap instead of these.",
        "nl": "Zet in plaats van deze URL's de canonieke URL in de sitemap.",
    },
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
    scope="site",
    title={
        "en": "Sitemap URLs answer 200",
        "nl": "Sitemap-URL's antwoorden met 200",
    },
    failure_title={
        "en": "Sitemap lists URLs that redirect or fail",
        "nl": "Sitemap bevat URL's die doorverwijzen of mislukken",
    },
    why=_SITEMAP_WHY,
    how_to_fix={
        "en": "Replace redirecting URLs with their final URL and remove URLs that return errors.",
        "nl": "Vervang doorverwijzende URL's door hun uiteindelijke URL en haal URL's weg die "
        "een fout geven.",
    },
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
