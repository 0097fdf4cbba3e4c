"""Technical page health: mobile viewport, server speed, page size, structured data, and pages
too complex to analyse at all."""

from __future__ import annotations

from typing import Final

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audits.checks.registry import register
from audits.engine.facts import MAX_ELEMENTS, TOO_MANY_ELEMENTS, too_complex_reason
from audits.models import PageResult

# web.dev: a time to first byte of 0.8 seconds or less is good.
SLOW_TTFB_MS: Final = 800


@register(
    id="missing-viewport",
    category="technical",
    severity="warning",
    weight=3,
    title={"en": "Page is set up for mobile", "nl": "Pagina is ingericht voor mobiel"},
    failure_title={
        "en": 'Page has no <meta name="viewport">',
        "nl": 'Pagina heeft geen <meta name="viewport">',
    },
    why={
        "en": "Without a viewport tag, phones show the desktop layout zoomed out. Google "
        "indexes the mobile version of pages, so this hurts rankings as well as visitors.",
        "nl": "Zonder viewport-tag tonen telefoons de desktopweergave uitgezoomd. Google "
        "indexeert de mobiele versie van pagina's, dus dit schaadt zowel de ranking als de "
        "bezoekers.",
    },
    how_to_fix={
        "en": 'Add <meta name="viewport" content="width=device-width, initial-scale=1"> to '
        "the <head> and make the layout responsive.",
        "nl": 'Voeg <meta name="viewport" content="width=device-width, initial-scale=1"> toe '
        "aan de <head> en maak de opmaak responsive.",
    },
)
def missing_viewport(page: PageResult) -> list[str]:
    return [] if "viewport" in page.facts else [_('no <meta name="viewport">')]


@register(
    id="missing-charset",
    category="technical",
    severity="notice",
    weight=1,
    title={
        "en": "Page declares its character encoding",
        "nl": "Pagina geeft haar tekencodering op",
    },
    failure_title={
        "en": "Page does not declare its character encoding",
        "nl": "Pagina geeft haar tekencodering niet op",
    },
    why={
        "en": "Without a declared encoding, browsers have to guess, and Chrome reads such a page "
        "as windows-1252: accented letters, curly quotes and non-Latin text written in UTF-8 "
        "come out garbled, for visitors and in search results.",
        "nl": "Zonder opgegeven codering moeten browsers gokken, en Chrome leest zo'n pagina als "
        "windows-1252: letters met accenten, gekrulde aanhalingstekens en niet-Latijnse tekst "
        "in UTF-8 worden onleesbaar, voor bezoekers en in zoekresultaten.",
    },
    how_to_fix={
        "en": 'Send "Content-Type: text/html; charset=utf-8" from the server, or put '
        '<meta charset="utf-8"> first in the <head>.',
        "nl": 'Laat de server "Content-Type: text/html; charset=utf-8" sturen, of zet '
        '<meta charset="utf-8"> als eerste in de <head>.',
    },
)
def missing_charset(page: PageResult) -> list[str]:
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
    title={"en": "Server answers quickly", "nl": "Server antwoordt snel"},
    failure_title={
        "en": "Server is slow to answer (time to first byte)",
        "nl": "Server antwoordt traag (tijd tot de eerste byte)",
    },
    why={
        "en": "Nothing appears on screen before the first byte arrives. A slow server delays "
        "every page view and limits how many pages search engines crawl.",
        "nl": "Er verschijnt niets op het scherm voordat de eerste byte binnen is. Een trage "
        "server vertraagt elke paginaweergave en beperkt hoeveel pagina's zoekmachines crawlen.",
    },
    how_to_fix={
        "en": f"Bring the time to first byte under {SLOW_TTFB_MS} ms: cache pages, speed up "
        "database queries, or use a CDN and a faster host.",
        "nl": f"Breng de tijd tot de eerste byte onder {SLOW_TTFB_MS} ms: cache pagina's, "
        "versnel databasequery's, of gebruik een CDN en snellere hosting.",
    },
)
def slow_ttfb(page: PageResult) -> list[str]:
    if page.ttfb_ms is not None and page.ttfb_ms > SLOW_TTFB_MS:
        return [f"{page.ttfb_ms} ms"]
    return []


@register(
    id="page-too-large",
    category="technical",
    severity="notice",
    weight=1,
    applies_to="response",
    title={"en": "Page size is reasonable", "nl": "Paginagrootte is redelijk"},
    failure_title={
        "en": "Page is larger than the crawl limit",
        "nl": "Pagina is groter dan de crawllimiet",
    },
    why={
        "en": "Search engines read only the start of very large HTML files (Google: the first "
        "15 MB); content after that is ignored, and visitors wait long for it.",
        "nl": "Zoekmachines lezen alleen het begin van heel grote HTML-bestanden (Google: de "
        "eerste 15 MB); inhoud daarna wordt genegeerd, en bezoekers wachten er lang op.",
    },
    how_to_fix={
        "en": "Split the page, paginate long lists, and move inline data and images into "
        "separate files.",
        "nl": "Splits de pagina, verdeel lange lijsten over meerdere pagina's en zet inline "
        "data en afbeeldingen in aparte bestanden.",
    },
)
def page_too_large(page: PageResult) -> list[str]:
    if not page.facts.get("truncated"):
        return []
    return [_("cut at %(bytes)s bytes") % {"bytes": page.bytes}]


@register(
    id="invalid-structured-data",
    category="technical",
    severity="notice",
    weight=1,
    applies_to="html",
    title={
        "en": "Structured data can be read",
        "nl": "Gestructureerde gegevens zijn leesbaar",
    },
    failure_title={
        "en": "JSON-LD structured data does not parse",
        "nl": "JSON-LD gestructureerde gegevens zijn onleesbaar",
    },
    why={
        "en": "Search engines skip JSON-LD blocks they cannot parse, so the page loses its "
        "chance at rich results (stars, prices, FAQs).",
        "nl": "Zoekmachines slaan JSON-LD-blokken over die ze niet kunnen lezen, waardoor de "
        "pagina kans op uitgebreide resultaten (sterren, prijzen, FAQ's) misloopt.",
    },
    how_to_fix={
        "en": "Fix the JSON syntax (quotes, commas, brackets) and test the page with Google's "
        "Rich Results Test.",
        "nl": "Herstel de JSON-syntaxis (aanhalingstekens, komma's, haakjes) en test de pagina "
        "met de Test voor uitgebreide resultaten van Google.",
    },
)
def invalid_structured_data(page: PageResult) -> list[str]:
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
    title={
        "en": "Page can be analysed in reasonable time",
        "nl": "Pagina is binnen redelijke tijd te analyseren",
    },
    failure_title={
        "en": "Page is too complex to analyse",
        "nl": "Pagina is te complex om te analyseren",
    },
    why={
        "en": "The page's HTML has so many elements, or is built so unusually, that reading it "
        "took more time than we allow for one page. Search engines and browsers struggle with "
        "such pages too: they render slowly, and crawlers may give up on them. None of the "
        "other checks could run on this page.",
        "nl": "De HTML van de pagina heeft zoveel elementen, of is zo ongewoon opgebouwd, dat "
        "het lezen ervan meer tijd kostte dan we voor één pagina toestaan. Zoekmachines en "
        "browsers hebben ook moeite met zulke pagina's: ze laden traag en crawlers kunnen het "
        "opgeven. Geen van de andere controles kon op deze pagina worden uitgevoerd.",
    },
    how_to_fix={
        "en": "Reduce the size of the HTML: paginate long lists, close the elements you open, "
        "remove generated markup nobody sees, and keep the page well under 1,500 elements "
        "where you can.",
        "nl": "Maak de HTML kleiner: verdeel lange lijsten over meerdere pagina's, sluit de "
        "elementen die je opent, verwijder gegenereerde opmaak die niemand ziet, en houd de "
        "pagina waar mogelijk ruim onder de 1.500 elementen.",
    },
)
def page_too_complex(page: PageResult) -> list[str]:
    reason = too_complex_reason(page.facts.get("parse_error"))
    if reason is None:
        return []
    kind, amount = reason
    if kind == TOO_MANY_ELEMENTS:
        return [
            _("%(count)s HTML elements; we analyse pages of up to %(limit)s")
            % {
                "count": number_format(int(amount), force_grouping=True),
                "limit": number_format(MAX_ELEMENTS, force_grouping=True),
            }
        ]
    return [
        _("not analysed within %(seconds)s seconds of processing")
        % {"seconds": number_format(amount)}
    ]
