"""Canonical URLs: Lighthouse's canonical audit and where canonicals point across the site."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy

from audits.checks.indexing import fetch_error_label
from audits.checks.page import CheckedPage
from audits.checks.queries import self_canonical
from audits.checks.registry import register
from audits.details import Parts
from audits.details import message as _
from audits.engine.urls import normalize_url, url_scheme
from audits.models import PageResult, SEOScan

# Schemes whose URLs have an origin (the URL Standard); others count as "relative".
_SCHEMES_WITH_ORIGIN = frozenset({"http", "https", "ws", "wss", "ftp"})

_WHY = gettext_lazy(
    "Canonical links tell search engines which URL to show in results when "
    "the same content is reachable under several URLs. A wrong canonical can "
    "hide the page you want found, or merge it into the wrong one."
)


@register(
    id="canonical",
    category="technical",
    severity="warning",
    weight=4,
    lighthouse=True,
    applies_to="indexable",
    covers=("SEOnaut ERROR_RELATIVE_CANONICAL_URL", "SEOnaut ERROR_CANONICAL_MISMATCH"),
    title=gettext_lazy("Document has a valid rel=canonical"),
    failure_title=gettext_lazy("Document does not have a valid rel=canonical"),
    why=_WHY,
    how_to_fix=gettext_lazy(
        "Declare one absolute canonical URL (https://...) per page, in <head> or "
        "the Link header but never conflicting, pointing at the equivalent page "
        "itself: not at the home page, and not at a page in another language."
    ),
)
def canonical(page: CheckedPage) -> list[str]:
    """Lighthouse 12 canonical.js, rule for rule."""
    facts = page.facts
    invalid = relative = None
    unique: dict[str, None] = {}
    for ref in (*facts.get("canonicals", ()), *facts.get("canonical_headers", ())):
        raw = ref["raw_href"]
        if not raw:
            continue
        if not ref["is_absolute"]:
            invalid = raw  # new URL(hrefRaw) throws without a base
        elif url_scheme(raw) not in _SCHEMES_WITH_ORIGIN:
            relative = raw  # parses, but has no origin (mailto:, data:...)
        else:
            unique[ref["url"] or raw] = None
    if invalid is not None:
        return [_("Invalid URL (%(url)s)") % {"url": invalid}]
    if relative is not None:
        return [_("Is not an absolute URL (%(url)s)") % {"url": relative}]
    if len(unique) != 1:
        if not unique:
            return []
        return [_("Multiple conflicting URLs (%(urls)s)") % {"urls": ", ".join(unique)}]
    canonical_url = next(iter(unique))
    base_url = normalize_url(page.final_url or page.url) or page.final_url or page.url
    hreflang_urls = {item["href"] for item in page.hreflang if item.get("href")}
    if base_url in hreflang_urls and canonical_url in hreflang_urls and base_url != canonical_url:
        return [_("Points to another hreflang location (%(url)s)") % {"url": base_url}]
    canonical_parts, base_parts = urlsplit(canonical_url), urlsplit(base_url)
    same_origin = (canonical_parts.scheme, canonical_parts.netloc) == (
        base_parts.scheme,
        base_parts.netloc,
    )
    if same_origin and canonical_parts.path == "/" and base_parts.path != "/":
        return [_("Points to the domain's root URL (the homepage), instead of an equivalent page")]
    return []


@register(
    id="multiple-canonicals",
    category="technical",
    severity="warning",
    weight=2,
    applies_to="indexable",
    covers=("SEOnaut ERROR_MULTIPLE_CANONICAL_TAGS",),
    title=gettext_lazy("Page declares one canonical URL"),
    failure_title=gettext_lazy("Page declares more than one canonical URL"),
    why=_WHY,
    how_to_fix=gettext_lazy(
        "Keep a single rel=canonical: remove the duplicates that themes, plugins or the server add."
    ),
)
def multiple_canonicals(page: CheckedPage) -> list[str]:
    facts = page.facts
    refs = [*facts.get("canonicals", ()), *facts.get("canonical_headers", ())]
    if len(refs) < 2:
        return []
    return [ref["raw_href"] for ref in refs]


def _canonicalized_pages(scan: SEOScan):
    """HTML 2xx pages naming another URL as canonical, with the stored row of that URL."""
    target = PageResult.objects.filter(scan=scan, url_hash=OuterRef("canonical_hash"))
    return (
        PageResult.objects.filter(scan=scan, is_html=True, status_code__gte=200)
        .filter(status_code__lt=300)
        .exclude(self_canonical())
        .annotate(
            target_status=Subquery(target.values("status_code")[:1]),
            target_error=Subquery(target.values("error")[:1]),
            target_redirects=Subquery(target.values("redirect_count")[:1]),
            target_final_url=Subquery(target.values("final_url")[:1]),
            target_noindex=Subquery(target.values("noindex")[:1]),
            target_blocked=Subquery(target.values("blocked_by_robots")[:1]),
            target_canonical=Subquery(target.values("canonical")[:1]),
            target_is_self_canonical=Subquery(target.filter(self_canonical()).values("id")[:1]),
        )
        .order_by("id")
    )


@register(
    id="canonical-to-redirect",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="site",
    scope="site",
    covers=("SEOnaut ERROR_CANONICALIZED_TO_REDIRECT",),
    title=gettext_lazy("Canonical URLs do not redirect"),
    failure_title=gettext_lazy("Canonical URL redirects"),
    why=_WHY,
    how_to_fix=gettext_lazy("Make the canonical point at the final URL the redirect leads to."),
)
def canonical_to_redirect(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    rows = _canonicalized_pages(scan).filter(target_redirects__gt=0)
    for page_id, canonical_url, final_url in rows.values_list(
        "id", "canonical", "target_final_url"
    ):
        yield page_id, f"{canonical_url} -> {final_url}"


@register(
    id="canonical-to-error",
    category="technical",
    severity="warning",
    weight=4,
    applies_to="site",
    scope="site",
    covers=("SEOnaut ERROR_CANONICALIZED_TO_ERROR",),
    title=gettext_lazy("Canonical URLs work"),
    failure_title=gettext_lazy("Canonical URL returns an error"),
    why=_WHY,
    how_to_fix=gettext_lazy(
        "Point the canonical at a working page (usually the page itself), or "
        "restore the page it names."
    ),
)
def canonical_to_error(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    rows = _canonicalized_pages(scan).filter(
        Q(target_status__gte=400) | (Q(target_status__isnull=True) & ~Q(target_error=""))
    )
    for page_id, canonical_url, status, error in rows.values_list(
        "id", "canonical", "target_status", "target_error"
    ):
        reason = f"HTTP {status}" if status else fetch_error_label(error)
        yield page_id, Parts(f"{canonical_url}: ", reason)


@register(
    id="canonical-to-non-canonical",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="site",
    scope="site",
    covers=("SEOnaut ERROR_CANONICALIZED_NON_CANONICAL",),
    title=gettext_lazy("Canonical URLs are canonical themselves"),
    failure_title=gettext_lazy("Canonical URL names yet another canonical URL"),
    why=_WHY,
    how_to_fix=gettext_lazy(
        "Point the canonical straight at the final canonical URL; search engines "
        "may ignore canonical chains."
    ),
)
def canonical_to_non_canonical(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    rows = _canonicalized_pages(scan).filter(
        target_status__gte=200,
        target_status__lt=300,
        target_redirects=0,
        target_is_self_canonical__isnull=True,
    )
    for page_id, canonical_url, next_canonical in rows.values_list(
        "id", "canonical", "target_canonical"
    ):
        yield page_id, f"{canonical_url} -> {next_canonical}"


@register(
    id="canonical-to-noindex",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="site",
    scope="site",
    covers=("SEOnaut ERROR_CANONICALIZED_NON_INDEXABLE",),
    title=gettext_lazy("Canonical URLs can be indexed"),
    failure_title=gettext_lazy("Canonical URL is noindex or blocked by robots.txt"),
    why=_WHY,
    how_to_fix=gettext_lazy(
        "Point the canonical at an indexable page, or lift the noindex or "
        "robots.txt block on the page it names."
    ),
)
def canonical_to_noindex(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    rows = _canonicalized_pages(scan).filter(Q(target_noindex=True) | Q(target_blocked=True))
    for page_id, canonical_url, noindex in rows.values_list("id", "canonical", "target_noindex"):
        reason = "noindex" if noindex else _("blocked by robots.txt")
        yield page_id, Parts(f"{canonical_url}: ", reason)
