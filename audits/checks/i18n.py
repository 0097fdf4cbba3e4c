"""Languages: the html lang attribute and hreflang alternates, on each page and across pages."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import batched
from typing import Any, Final

from django.utils.translation import gettext as _

from audits.checks.indexing import fetch_error_label
from audits.checks.langs import X_DEFAULT, is_valid_hreflang, is_valid_html_lang
from audits.checks.queries import CHUNK_SIZE, documents
from audits.checks.registry import register
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

_HREFLANG_WHY = {
    "en": "hreflang links tell search engines which version of a page to show for each "
    "language or region. Mistakes make them ignore the whole set, so visitors land on the "
    "wrong language.",
    "nl": "hreflang-links vertellen zoekmachines welke versie van een pagina ze per taal of "
    "regio tonen. Bij fouten negeren ze de hele set, en komen bezoekers op de verkeerde taal "
    "uit.",
}
_LANG_WHY = {
    "en": "The lang attribute tells browsers, screen readers and search engines which "
    "language the page is in, for pronunciation, translation and regional results.",
    "nl": "Het lang-attribuut vertelt browsers, schermlezers en zoekmachines in welke taal de "
    "pagina is, voor de uitspraak, vertaling en regionale resultaten.",
}


@register(
    id="hreflang",
    category="technical",
    severity="warning",
    weight=3,
    lighthouse=True,
    applies_to="html",
    covers=("SEOnaut ERROR_HREFLANG_RELATIVE_URL",),
    title={"en": "Document has a valid hreflang", "nl": "Document heeft een geldige hreflang"},
    failure_title={
        "en": "Document doesn't have a valid hreflang",
        "nl": "Document heeft geen geldige hreflang",
    },
    why=_HREFLANG_WHY,
    how_to_fix={
        "en": "Use a valid language code (optionally with region, e.g. nl-BE) or x-default in "
        "every hreflang, and a full https:// URL in its href.",
        "nl": "Gebruik in elke hreflang een geldige taalcode (eventueel met regio, zoals "
        "nl-BE) of x-default, en een volledige https://-URL in de href.",
    },
)
def hreflang(page: PageResult) -> list[str]:
    """Lighthouse 12 hreflang.js: each alternate in <head> or a Link header."""
    details = []
    for alternate in page.hreflang:
        reasons = []
        if not is_valid_hreflang(alternate["lang"]):
            reasons.append(_("Unexpected language code"))
        if not alternate["raw_href"].lower().startswith(("http:", "https:")):
            reasons.append(_("Relative href value"))
        if reasons:
            details.append(f"{alternate['lang']} {alternate['raw_href']}: {', '.join(reasons)}")
    return details


def _own_urls(page: PageResult) -> set[str]:
    return {url for url in (page.url, page.final_url) if url}


@register(
    id="hreflang-x-default-missing",
    category="technical",
    severity="notice",
    weight=1,
    covers=("SEOnaut ERROR_HREFLANG_XDEFAULT",),
    title={"en": "hreflang set has an x-default", "nl": "hreflang-set heeft een x-default"},
    failure_title={
        "en": "hreflang set has no x-default",
        "nl": "hreflang-set heeft geen x-default",
    },
    why=_HREFLANG_WHY,
    how_to_fix={
        "en": 'Add <link rel="alternate" hreflang="x-default" href="..."> pointing at the '
        "page for visitors whose language you do not serve.",
        "nl": 'Voeg <link rel="alternate" hreflang="x-default" href="..."> toe die wijst naar '
        "de pagina voor bezoekers van wie je de taal niet aanbiedt.",
    },
)
def hreflang_x_default_missing(page: PageResult) -> list[str]:
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
    covers=("SEOnaut ERROR_HREFLANG_SELF_REFERENCE",),
    title={
        "en": "hreflang set includes the page itself",
        "nl": "hreflang-set bevat de pagina zelf",
    },
    failure_title={
        "en": "hreflang set does not include the page itself",
        "nl": "hreflang-set bevat de pagina zelf niet",
    },
    why=_HREFLANG_WHY,
    how_to_fix={
        "en": "List the page itself in its hreflang set, with its own language code.",
        "nl": "Neem de pagina zelf op in haar hreflang-set, met haar eigen taalcode.",
    },
)
def hreflang_self_reference_missing(page: PageResult) -> list[str]:
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
    covers=("SEOnaut ERROR_HREFLANG_MISMATCHING_LANG",),
    title={
        "en": "hreflang matches the page language",
        "nl": "hreflang komt overeen met de paginataal",
    },
    failure_title={
        "en": "The page's own hreflang differs from its lang attribute",
        "nl": "De eigen hreflang van de pagina wijkt af van haar lang-attribuut",
    },
    why=_HREFLANG_WHY,
    how_to_fix={
        "en": "Make the hreflang that points at the page itself use the same language as "
        "<html lang>.",
        "nl": "Laat de hreflang die naar de pagina zelf wijst dezelfde taal gebruiken als "
        "<html lang>.",
    },
)
def hreflang_lang_mismatch(page: PageResult) -> list[str]:
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
    scope="site",
    covers=("SEOnaut ERROR_HREFLANGS_RETURN_LINK",),
    title={"en": "hreflang links are reciprocal", "nl": "hreflang-links zijn wederzijds"},
    failure_title={
        "en": "hreflang alternate does not link back",
        "nl": "hreflang-alternatief linkt niet terug",
    },
    why=_HREFLANG_WHY,
    how_to_fix={
        "en": "Every page in an hreflang set must list all the others, itself included; add "
        "the missing return links on the alternates.",
        "nl": "Elke pagina in een hreflang-set moet alle andere noemen, zichzelf inbegrepen; "
        "voeg de ontbrekende terugverwijzingen toe op de alternatieven.",
    },
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
    scope="site",
    covers=(
        "SEOnaut ERROR_HREFLANG_TO_REDIRECT",
        "SEOnaut ERROR_HREFLANG_TO_ERROR",
        "SEOnaut ERROR_HREFLANG_NOINDEXABLE",
    ),
    title={
        "en": "hreflang alternates are indexable pages",
        "nl": "hreflang-alternatieven zijn indexeerbare pagina's",
    },
    failure_title={
        "en": "hreflang points at a redirect, an error or a noindex page",
        "nl": "hreflang wijst naar een doorverwijzing, een fout of een noindex-pagina",
    },
    why=_HREFLANG_WHY,
    how_to_fix={
        "en": "Point every hreflang at the final, indexable URL of the alternate page.",
        "nl": "Laat elke hreflang naar de uiteindelijke, indexeerbare URL van de alternatieve "
        "pagina wijzen.",
    },
)
def hreflang_to_non_indexable(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    for page_id, _own, alternate, target in _alternates_with_targets(scan):
        problem = _not_indexable_because(target)
        if problem:
            yield page_id, f"{alternate['href']} ({alternate['lang']}): {problem}"


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
    covers=("SEOnaut ERROR_NO_LANG",),
    title={"en": "Page declares its language", "nl": "Pagina geeft haar taal op"},
    failure_title={
        "en": "<html> element has no lang attribute",
        "nl": "<html>-element heeft geen lang-attribuut",
    },
    why=_LANG_WHY,
    how_to_fix={
        "en": 'Add the page language to the root element, e.g. <html lang="en">.',
        "nl": 'Zet de taal van de pagina op het hoofdelement, bijvoorbeeld <html lang="nl">.',
    },
)
def missing_lang(page: PageResult) -> list[str]:
    return [] if page.lang.strip() else ["no lang attribute on <html>"]


@register(
    id="invalid-lang",
    category="technical",
    severity="warning",
    weight=2,
    covers=("SEOnaut INVALID_LANG",),
    title={"en": "lang attribute is valid", "nl": "lang-attribuut is geldig"},
    failure_title={
        "en": "<html> element has an invalid lang value",
        "nl": "<html>-element heeft een ongeldige lang-waarde",
    },
    why=_LANG_WHY,
    how_to_fix={
        "en": "Use a language code from BCP 47, such as en, nl or en-GB.",
        "nl": "Gebruik een taalcode volgens BCP 47, zoals nl, en of nl-BE.",
    },
)
def invalid_lang(page: PageResult) -> list[str]:
    lang = page.lang
    if lang.strip() and not is_valid_html_lang(lang):
        return [f'lang="{lang}"']
    return []
