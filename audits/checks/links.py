"""Links: their text, whether crawlers can follow them, where they lead, what links in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audits.checks.indexing import fetch_error_label
from audits.checks.queries import documents
from audits.checks.registry import register
from audits.engine import facts
from audits.engine.urls import MAX_URL_CHARS
from audits.models import PageLink, PageResult, SEOScan, url_digest

MAX_DEPTH: Final = 4  # SEOnaut: more than 4 clicks from the start page is deep
# The URL length cap as written in the English and Dutch texts ("2,048", "2.048").
_URL_CAP_EN: Final = f"{MAX_URL_CHARS:,}"
_URL_CAP_NL: Final = _URL_CAP_EN.replace(",", ".")

# The parser's codes for uncrawlable anchors (audits/engine/facts.py), as finding details.
ANCHOR_PROBLEMS: Final = {
    facts.UNCRAWLABLE_FILE_URL: gettext_lazy("file: URL"),
    facts.UNCRAWLABLE_SCRIPT_ONLY: gettext_lazy("no href, only a script event handler"),
    facts.UNCRAWLABLE_MISSING_HREF: gettext_lazy("no href"),
    facts.UNCRAWLABLE_JAVASCRIPT_VOID: gettext_lazy("javascript: URL"),
    facts.UNCRAWLABLE_INVALID_URL: gettext_lazy("invalid URL"),
}

_LINKS_WHY = {
    "en": "Links are how crawlers discover pages and how search engines understand what a "
    "page is about. Broken, hidden or vague links waste that.",
    "nl": "Via links ontdekken crawlers pagina's en begrijpen zoekmachines waar een pagina "
    "over gaat. Kapotte, verborgen of vage links gooien dat weg.",
}


@register(
    id="link-text",
    category="links",
    severity="warning",
    weight=2,
    lighthouse=True,
    applies_to="html",
    title={"en": "Links have descriptive text", "nl": "Links hebben beschrijvende tekst"},
    failure_title={
        "en": "Links do not have descriptive text",
        "nl": "Links hebben geen beschrijvende tekst",
    },
    why={
        "en": "Descriptive link text helps search engines understand your content and tells "
        'visitors where a link goes; "click here" or "read more" says nothing.',
        "nl": "Beschrijvende linktekst helpt zoekmachines je inhoud te begrijpen en vertelt "
        'bezoekers waar een link heen gaat; "klik hier" of "lees meer" zegt niets.',
    },
    how_to_fix={
        "en": 'Replace generic texts with words that name the target, e.g. "Compare our '
        'pricing plans" instead of "Click here".',
        "nl": "Vervang algemene teksten door woorden die het doel noemen, bijvoorbeeld "
        '"Vergelijk onze abonnementen" in plaats van "Klik hier".',
    },
)
def link_text(page: PageResult) -> list[str]:
    """Lighthouse 12 link-text: the parser found the links whose text is on its blocklist."""
    links = page.facts.get("non_descriptive_links") or ()
    return [f'"{link["text"]}" -> {link["raw_href"]}' for link in links]


@register(
    id="crawlable-anchors",
    category="links",
    severity="warning",
    weight=3,
    lighthouse=True,
    applies_to="html",
    title={"en": "Links are crawlable", "nl": "Links zijn crawlbaar"},
    failure_title={"en": "Links are not crawlable", "nl": "Links zijn niet crawlbaar"},
    why=_LINKS_WHY,
    how_to_fix={
        "en": 'Use real <a href="/path"> links with a resolvable URL; do not rely on '
        "javascript:void(0), click handlers without href, or file: URLs.",
        "nl": 'Gebruik echte <a href="/pad">-links met een geldige URL; vertrouw niet op '
        "javascript:void(0), klikhandlers zonder href of file:-URL's.",
    },
)
def crawlable_anchors(page: PageResult) -> list[str]:
    """Lighthouse 12 crawlable-anchors: the parser applied its rules to every <a>."""
    anchors = page.facts.get("uncrawlable_anchors") or ()
    return [
        f"{ANCHOR_PROBLEMS.get(anchor['reason'], anchor['reason'])}: "
        f"{anchor['raw_href'] or anchor['text']}"
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
    scope="site",
    title={"en": "Internal links work", "nl": "Interne links werken"},
    failure_title={
        "en": "Page links to broken internal URLs",
        "nl": "Pagina linkt naar kapotte interne URL's",
    },
    why=_LINKS_WHY,
    how_to_fix={
        "en": "Point these links at working pages, or restore or redirect the missing URLs.",
        "nl": "Laat deze links naar werkende pagina's wijzen, of zet de ontbrekende URL's "
        "terug of stuur ze door.",
    },
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
        yield source_id, f"{target_url} ({reason})"


@register(
    id="redirecting-internal-links",
    category="links",
    severity="notice",
    weight=1,
    scope="site",
    title={
        "en": "Internal links point at final URLs",
        "nl": "Interne links wijzen naar uiteindelijke URL's",
    },
    failure_title={
        "en": "Page links to internal URLs that redirect",
        "nl": "Pagina linkt naar interne URL's die doorverwijzen",
    },
    why=_LINKS_WHY,
    how_to_fix={
        "en": "Update these links to the URL the redirect ends at.",
        "nl": "Werk deze links bij naar de URL waar de doorverwijzing eindigt.",
    },
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
    scope="site",
    covers=("SEOnaut ERROR_INTERNAL_NOFOLLOW",),
    title={"en": "Internal links are followed", "nl": "Interne links worden gevolgd"},
    failure_title={
        "en": "Page has nofollow links to its own site",
        "nl": "Pagina heeft nofollow-links naar de eigen site",
    },
    why=_LINKS_WHY,
    how_to_fix={
        "en": 'Remove rel="nofollow" from links to your own pages; keep pages out of search '
        "with noindex instead.",
        "nl": "Haal rel=\"nofollow\" weg bij links naar je eigen pagina's; houd pagina's "
        "liever met noindex buiten de zoekresultaten.",
    },
)
def internal_nofollow_links(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    links = _once_per_document(scan, PageLink.objects.filter(scan=scan, nofollow=True))
    yield from links.order_by("source_id", "id").values_list("source_id", "target_url")


@register(
    id="orphan-pages",
    category="links",
    severity="notice",
    weight=2,
    scope="site",
    covers=("SEOnaut ERROR_ORPHAN",),
    title={
        "en": "Sitemap pages are linked from the site",
        "nl": "Sitemappagina's worden vanaf de site gelinkt",
    },
    failure_title={
        "en": "Page is in the sitemap but no page links to it",
        "nl": "Pagina staat in de sitemap maar geen pagina linkt ernaar",
    },
    why={
        "en": "Pages without internal links are hard to find for visitors and get little "
        "weight from search engines, even when the sitemap lists them.",
        "nl": "Pagina's zonder interne links zijn voor bezoekers moeilijk te vinden en krijgen "
        "weinig gewicht van zoekmachines, ook als de sitemap ze noemt.",
    },
    how_to_fix={
        "en": "Link to the page from related pages or the navigation, or remove it from the "
        "sitemap if it is no longer needed.",
        "nl": "Link naar de pagina vanaf verwante pagina's of de navigatie, of haal haar uit "
        "de sitemap als ze niet meer nodig is.",
    },
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
    covers=("SEOnaut ERROR_PAGE_DEPTH",),
    title={"en": "Page is close to the start page", "nl": "Pagina ligt dicht bij de startpagina"},
    failure_title={
        "en": "Page is many clicks away from the start page",
        "nl": "Pagina ligt veel klikken van de startpagina",
    },
    why={
        "en": "Pages that take many clicks to reach are crawled less often and seen as less "
        "important.",
        "nl": "Pagina's die pas na veel klikken bereikbaar zijn worden minder vaak gecrawld en "
        "als minder belangrijk gezien.",
    },
    how_to_fix={
        "en": f"Bring important pages within {MAX_DEPTH} clicks of the home page with "
        "navigation, category pages or related links.",
        "nl": f"Breng belangrijke pagina's binnen {MAX_DEPTH} klikken van de homepage via "
        "navigatie, categoriepagina's of gerelateerde links.",
    },
)
def page_depth(page: PageResult) -> list[str]:
    if page.depth is not None and page.depth > MAX_DEPTH:
        return [ngettext("%(count)d click", "%(count)d clicks", page.depth) % {"count": page.depth}]
    return []


@register(
    id="http-links",
    category="links",
    severity="warning",
    weight=2,
    covers=("SEOnaut ERROR_HTTP_LINKS",),
    title={"en": "Links use HTTPS", "nl": "Links gebruiken HTTPS"},
    failure_title={
        "en": "Page links to http:// URLs",
        "nl": "Pagina linkt naar http://-URL's",
    },
    why={
        "en": "Links to http:// URLs send visitors over an unencrypted connection (or through "
        "an extra redirect), and browsers may warn them.",
        "nl": "Links naar http://-URL's sturen bezoekers over een onversleutelde verbinding "
        "(of via een extra doorverwijzing), en browsers kunnen hen waarschuwen.",
    },
    how_to_fix={
        "en": "Change these links to https://; for other sites, check that they support it.",
        "nl": "Verander deze links in https://; controleer bij andere sites of zij dat "
        "ondersteunen.",
    },
)
def http_links(page: PageResult) -> list[str]:
    return list(page.facts.get("http_links") or ())


@register(
    id="url-too-long",
    category="links",
    severity="warning",
    weight=2,
    scope="site",
    title={
        "en": "Links lead to URLs of a usable length",
        "nl": "Links leiden naar URL's van een bruikbare lengte",
    },
    failure_title={
        "en": f"Page has links to URLs longer than {_URL_CAP_EN} characters",
        "nl": f"Pagina heeft links naar URL's van meer dan {_URL_CAP_NL} tekens",
    },
    why={
        "en": f"Browsers, search engines and sitemaps stop at about {_URL_CAP_EN} characters: "
        "longer URLs are not followed or indexed, and the pages behind them may never be "
        "found. Such URLs usually come from a broken <base> tag or from parameters that pile "
        "up on every click.",
        "nl": f"Browsers, zoekmachines en sitemaps houden op bij ongeveer {_URL_CAP_NL} tekens: "
        "langere URL's worden niet gevolgd of geïndexeerd, en de pagina's erachter worden "
        "misschien nooit gevonden. Zulke URL's komen meestal van een kapotte <base>-tag of "
        "van parameters die bij elke klik verder aangroeien.",
    },
    how_to_fix={
        "en": "Check the page's <base href> and the links it lists: keep URLs short and "
        "readable, and stop adding parameters to links that already carry them. We left "
        "these URLs out of the audit.",
        "nl": "Controleer de <base href> van de pagina en de links erop: houd URL's kort en "
        "leesbaar, en voeg geen parameters toe aan links die ze al hebben. We hebben deze "
        "URL's buiten de audit gelaten.",
    },
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


def _long_urls(count: int) -> str:
    return ngettext(
        "%(count)s URL longer than %(limit)s characters, left out",
        "%(count)s URLs longer than %(limit)s characters, left out",
        count,
    ) % {
        "count": number_format(count, force_grouping=True),
        "limit": number_format(MAX_URL_CHARS, force_grouping=True),
    }
