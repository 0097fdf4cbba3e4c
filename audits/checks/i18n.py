"""Languages: the html lang attribute and hreflang alternates, on each page and across pages."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import batched
from typing import Any, Final

from django.utils.translation import gettext_lazy

from audits.checks.indexing import fetch_error_label
from audits.checks.langs import X_DEFAULT, is_valid_hreflang, is_valid_html_lang
from audits.checks.page import CheckedPage
from audits.checks.queries import CHUNK_SIZE, documents
from audits.checks.registry import register
from audits.details import Parts, joined
from audits.details import message as _
from audits.models import PageResult, SEOScan, url_digest

_TARGET_FIELDS: Final = (
    "url_hash",
    "status_code",
    "error",
    "redirect_count",
    "final_url",
    "noindex",
    "blocked_by_robots",
    "indexable",
    "hreflang",
)

_HREFLANG_WHY = gettext_lazy(
    "hreflang links tell search engines which version of a page to show for "
    "each language or region. Mistakes make them ignore the whole set, so "
    "visitors land on the wrong language."
)
_LANG_WHY = gettext_lazy(
    "The lang attribute tells browsers, screen readers and search engines "
    "which language the page is in, for pronunciation, translation and "
    "regional results."
)


@register(
    id="hreflang",
    category="technical",
    severity="warning",
    weight=3,
    lighthouse=True,
    applies_to="indexable",
    covers=("SEOnaut ERROR_HREFLANG_RELATIVE_URL",),
    title=gettext_lazy("Document has a valid hreflang"),
    failure_title=gettext_lazy("Document doesn't have a valid hreflang"),
    why=_HREFLANG_WHY,
    how_to_fix=gettext_lazy(
        "Use a valid language code (optionally with region, e.g. nl-BE) or "
        "x-default in every hreflang, and a full https:// URL in its href."
    ),
)
def hreflang(page: CheckedPage) -> list[str]:
    """Lighthouse 12 hreflang.js: each alternate in <head> or a Link header."""
    details = []
    for alternate in page.hreflang:
        reasons = []
        if not is_valid_hreflang(alternate["lang"]):
            reasons.append(_("Unexpected language code"))
        if not alternate["raw_href"].lower().startswith(("http:", "https:")):
            reasons.append(_("Relative href value"))
        if reasons:
            details.append(
                Parts(f"{alternate['lang']} {alternate['raw_href']}: ", *joined(reasons))
            )
    return details


def _own_urls(page: CheckedPage) -> set[str]:
    return {url for url in (page.url, page.final_url) if url}


@register(
    id="hreflang-x-default-missing",
    category="technical",
    severity="notice",
    weight=1,
    applies_to="indexable",
    covers=("SEOnaut ERROR_HREFLANG_XDEFAULT",),
    title=gettext_lazy("hreflang set has an x-default"),
    failure_title=gettext_lazy("hreflang set has no x-default"),
    why=_HREFLANG_WHY,
    how_to_fix=gettext_lazy(
        'Add <link rel="alternate" hreflang="x-default" href="..."> pointing at '
        "the page for visitors whose language you do not serve."
    ),
)
def hreflang_x_default_missing(page: CheckedPage) -> list[str]:
    if not page.hreflang:
        return []
    if any(alternate["lang"].lower() == X_DEFAULT for alternate in page.hreflang):
        return []
    return [", ".join(alternate["lang"] for alternate in page.hreflang)]


@register(
    id="hreflang-self-reference-missing",
    category="technical",
    severity="warning",
    weight=2,
    applies_to="indexable",
    covers=("SEOnaut ERROR_HREFLANG_SELF_REFERENCE",),
    title=gettext_lazy("hreflang set includes the page itself"),
    failure_title=gettext_lazy("hreflang set does not include the page itself"),
    why=_HREFLANG_WHY,
    how_to_fix=gettext_lazy(
        "List the page itself in its hreflang set, with its own language code."
    ),
)
def hreflang_self_reference_missing(page: CheckedPage) -> list[str]:
    if not page.hreflang:
        return []
    own = _own_urls(page)
    if any(alternate["href"] in own for alternate in page.hreflang):
        return []
    return [_("no alternate points at %(url)s") % {"url": page.final_url or page.url}]


@register(
    id="hreflang-lang-mismatch",
    category="technical",
    severity="notice",
    weight=1,
    applies_to="indexable",
    covers=("SEOnaut ERROR_HREFLANG_MISMATCHING_LANG",),
    title=gettext_lazy("hreflang matches the page language"),
    failure_title=gettext_lazy("The page's own hreflang differs from its lang attribute"),
    why=_HREFLANG_WHY,
    how_to_fix=gettext_lazy(
        "Make the hreflang that points at the page itself use the same language as <html lang>."
    ),
)
def hreflang_lang_mismatch(page: CheckedPage) -> list[str]:
    lang = page.lang.strip().split("-")[0].lower()
    if not lang:
        return []
    own = _own_urls(page)
    return [
        f"hreflang {alternate['lang']}, lang {page.lang}"
        for alternate in page.hreflang
        if alternate["href"] in own
        and alternate["lang"].lower() != X_DEFAULT
        and alternate["lang"].split("-")[0].lower() != lang
    ]


def _alternates_with_targets(scan: SEOScan) -> Iterator[tuple[int, set[str], dict, dict]]:
    """``(page_id, page URLs, alternate, stored target row)`` for crawled hreflang targets.

    Pages are read a chunk at a time, and each chunk's targets with one query.
    """
    pages = (
        documents(scan)
        .exclude(hreflang=[])
        .order_by("id")
        .values_list("id", "url", "final_url", "hreflang")
    )
    for chunk in batched(pages.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        wanted = {
            url_digest(alternate["href"])
            for _page_id, url, final_url, alternates in chunk
            for alternate in alternates
            if alternate.get("href") and alternate["href"] not in (url, final_url)
        }
        targets = {
            row["url_hash"]: row
            for row in PageResult.objects.filter(scan=scan, url_hash__in=wanted).values(
                *_TARGET_FIELDS
            )
        }
        for page_id, url, final_url, alternates in chunk:
            own = {url, final_url}
            for alternate in alternates:
                href = alternate.get("href")
                if not href or href in own:
                    continue
                target = targets.get(url_digest(href))
                if target is not None:
                    yield page_id, own, alternate, target


@register(
    id="hreflang-return-link",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="site",
    scope="site",
    covers=("SEOnaut ERROR_HREFLANGS_RETURN_LINK",),
    title=gettext_lazy("hreflang links are reciprocal"),
    failure_title=gettext_lazy("hreflang alternate does not link back"),
    why=_HREFLANG_WHY,
    how_to_fix=gettext_lazy(
        "Every page in an hreflang set must list all the others, itself "
        "included; add the missing return links on the alternates."
    ),
)
def hreflang_return_link(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    for page_id, own, alternate, target in _alternates_with_targets(scan):
        if not target["indexable"] or target["redirect_count"]:
            continue  # hreflang-to-non-indexable reports those
        back = {item.get("href") for item in target["hreflang"]}
        if not own & back:
            yield (
                page_id,
                _("%(url)s (%(lang)s) has no hreflang back")
                % {
                    "url": alternate["href"],
                    "lang": alternate["lang"],
                },
            )


@register(
    id="hreflang-to-non-indexable",
    category="technical",
    severity="warning",
    weight=2,
    applies_to="site",
    scope="site",
    covers=(
        "SEOnaut ERROR_HREFLANG_TO_REDIRECT",
        "SEOnaut ERROR_HREFLANG_TO_ERROR",
        "SEOnaut ERROR_HREFLANG_NOINDEXABLE",
    ),
    title=gettext_lazy("hreflang alternates are indexable pages"),
    failure_title=gettext_lazy("hreflang points at a redirect, an error or a noindex page"),
    why=_HREFLANG_WHY,
    how_to_fix=gettext_lazy(
        "Point every hreflang at the final, indexable URL of the alternate page."
    ),
)
def hreflang_to_non_indexable(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    for page_id, _own, alternate, target in _alternates_with_targets(scan):
        problem = _not_indexable_because(target)
        if problem:
            yield page_id, Parts(f"{alternate['href']} ({alternate['lang']}): ", problem)


def _not_indexable_because(target: dict[str, Any]) -> str | None:
    if target["redirect_count"]:
        return _("redirects to %(url)s") % {"url": target["final_url"]}
    if target["status_code"] is None:
        return fetch_error_label(target["error"]) or None
    if target["status_code"] >= 400:
        return f"HTTP {target['status_code']}"
    if target["noindex"]:
        return "noindex"
    if target["blocked_by_robots"]:
        return _("blocked by robots.txt")
    return None


@register(
    id="missing-lang",
    category="technical",
    severity="notice",
    weight=1,
    applies_to="indexable",
    covers=("SEOnaut ERROR_NO_LANG",),
    title=gettext_lazy("Page declares its language"),
    failure_title=gettext_lazy("<html> element has no lang attribute"),
    why=_LANG_WHY,
    how_to_fix=gettext_lazy('Add the page language to the root element, e.g. <html lang="en">.'),
)
def missing_lang(page: CheckedPage) -> list[str]:
    return [] if page.lang.strip() else ["no lang attribute on <html>"]


@register(
    id="invalid-lang",
    category="technical",
    severity="warning",
    weight=2,
    applies_to="indexable",
    covers=("SEOnaut INVALID_LANG",),
    title=gettext_lazy("lang attribute is valid"),
    failure_title=gettext_lazy("<html> element has an invalid lang value"),
    why=_LANG_WHY,
    how_to_fix=gettext_lazy("Use a language code from BCP 47, such as en, nl or en-GB."),
)
def invalid_lang(page: CheckedPage) -> list[str]:
    lang = page.lang
    if lang.strip() and not is_valid_html_lang(lang):
        return [f'lang="{lang}"']
    return []
