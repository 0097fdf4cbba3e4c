"""Titles, descriptions, headings, text and images: what a page says and how it says it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audits.checks.indexability import JS_WHITESPACE
from audits.checks.queries import canonical_documents, duplicates
from audits.checks.registry import register
from audits.models import PageResult, SEOScan

# SEOnaut's thresholds (internal/report_manager/reporters).
TITLE_MIN_CHARS: Final = 20
TITLE_MAX_CHARS: Final = 60
DESCRIPTION_MIN_CHARS: Final = 80
DESCRIPTION_MAX_CHARS: Final = 160
THIN_CONTENT_WORDS: Final = 200
# sha1 of the empty text: pages without any visible text are not "duplicates" of each other.
EMPTY_CONTENT_HASH: Final = "da39a3ee5e6b4b0d3255bfef95601890afd80709"

_TITLE_WHY = {
    "en": "The title is the clickable headline in search results and the name of the browser "
    "tab. It is one of the strongest signals of what a page is about.",
    "nl": "De titel is de klikbare kop in de zoekresultaten en de naam van het browsertabblad. "
    "Het is een van de sterkste signalen van waar een pagina over gaat.",
}
_DESCRIPTION_WHY = {
    "en": "Search engines often show the meta description as the snippet under the title; a "
    "clear description of the right length earns more clicks.",
    "nl": "Zoekmachines tonen de metabeschrijving vaak als tekstfragment onder de titel; een "
    "duidelijke beschrijving van de juiste lengte levert meer klikken op.",
}
_HEADINGS_WHY = {
    "en": "Headings give a page its outline. Search engines and screen readers use them to "
    "understand the structure and the main topic.",
    "nl": "Koppen geven een pagina haar structuur. Zoekmachines en schermlezers gebruiken ze "
    "om de opbouw en het hoofdonderwerp te begrijpen.",
}
_ALT_WHY = {
    "en": "Alternative text describes an image to search engines and to people who cannot see "
    "it; without it, image search and screen readers get nothing.",
    "nl": "Alternatieve tekst beschrijft een afbeelding voor zoekmachines en voor mensen die "
    "haar niet kunnen zien; zonder alt-tekst krijgen afbeeldingen zoeken en schermlezers niets.",
}


def _sanitized_title(page: PageResult) -> str:
    # axe's doc-has-title: document.title with non-breaking spaces as spaces, trimmed.
    return (page.title or "").replace("\u00a0", " ").strip(JS_WHITESPACE)


@register(
    id="document-title",
    category="onpage",
    severity="warning",
    weight=5,
    lighthouse=True,
    applies_to="html",
    covers=("SEOnaut ERROR_EMPTY_TITLE",),
    title={"en": "Document has a <title> element", "nl": "Document heeft een <title>-element"},
    failure_title={
        "en": "Document doesn't have a <title> element",
        "nl": "Document heeft geen <title>-element",
    },
    why=_TITLE_WHY,
    how_to_fix={
        "en": "Give every page a unique <title> in its <head> that names the page's topic.",
        "nl": "Geef elke pagina een unieke <title> in de <head> die het onderwerp van de "
        "pagina noemt.",
    },
)
def document_title(page: PageResult) -> list[str]:
    """axe-core's document-title rule, which Lighthouse 12 runs in its SEO category."""
    if _sanitized_title(page):
        return []
    return [_("no <title> element") if page.title is None else _("the <title> is empty")]


@register(
    id="title-too-short",
    category="onpage",
    severity="notice",
    weight=1,
    covers=("SEOnaut ERROR_SHORT_TITLE",),
    title={"en": "Title is long enough", "nl": "Titel is lang genoeg"},
    failure_title={"en": "Title is too short", "nl": "Titel is te kort"},
    why=_TITLE_WHY,
    how_to_fix={
        "en": f"Write a title of {TITLE_MIN_CHARS} to {TITLE_MAX_CHARS} characters that "
        "describes the page and includes its main keyword.",
        "nl": f"Schrijf een titel van {TITLE_MIN_CHARS} tot {TITLE_MAX_CHARS} tekens die de "
        "pagina beschrijft en het belangrijkste zoekwoord bevat.",
    },
)
def title_too_short(page: PageResult) -> list[str]:
    title = _sanitized_title(page)
    if 0 < len(title) < TITLE_MIN_CHARS:
        return [_characters(title, shown=title)]
    return []


@register(
    id="title-too-long",
    category="onpage",
    severity="notice",
    weight=1,
    covers=("SEOnaut ERROR_LONG_TITLE",),
    title={"en": "Title fits in search results", "nl": "Titel past in de zoekresultaten"},
    failure_title={"en": "Title is too long", "nl": "Titel is te lang"},
    why=_TITLE_WHY,
    how_to_fix={
        "en": f"Shorten the title to at most {TITLE_MAX_CHARS} characters, with the most "
        "important words first; longer titles are cut off in search results.",
        "nl": f"Kort de titel in tot hoogstens {TITLE_MAX_CHARS} tekens, met de belangrijkste "
        "woorden voorop; langere titels worden in de zoekresultaten afgekapt.",
    },
)
def title_too_long(page: PageResult) -> list[str]:
    title = _sanitized_title(page)
    if len(title) > TITLE_MAX_CHARS:
        return [_characters(title, shown=title)]
    return []


@register(
    id="multiple-titles",
    category="onpage",
    severity="warning",
    weight=2,
    covers=("SEOnaut ERROR_MULTIPLE_TITLES",),
    title={"en": "Page has one title", "nl": "Pagina heeft één titel"},
    failure_title={
        "en": "Page has more than one <title>",
        "nl": "Pagina heeft meer dan één <title>",
    },
    why=_TITLE_WHY,
    how_to_fix={
        "en": "Keep one <title> in the <head>; remove the others (often added twice by a "
        "theme and a plugin).",
        "nl": "Houd één <title> in de <head> over; verwijder de andere (vaak dubbel "
        "toegevoegd door een thema en een plug-in).",
    },
)
def multiple_titles(page: PageResult) -> list[str]:
    titles = page.facts.get("titles") or ()
    return list(titles) if len(titles) > 1 else []


@register(
    id="duplicate-title",
    category="onpage",
    severity="warning",
    weight=3,
    scope="site",
    covers=("SEOnaut ERROR_DUPLICATED_TITLE",),
    title={"en": "Titles are unique", "nl": "Titels zijn uniek"},
    failure_title={
        "en": "Pages share the same title",
        "nl": "Pagina's hebben dezelfde titel",
    },
    why=_TITLE_WHY,
    how_to_fix={
        "en": "Give each indexable page its own title, or point duplicates at one page with a "
        "canonical link.",
        "nl": "Geef elke indexeerbare pagina een eigen titel, of laat duplicaten met een "
        "canonieke link naar één pagina wijzen.",
    },
)
def duplicate_title(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    for page_id, title, sharing in duplicates(canonical_documents(scan), "title"):
        yield page_id, _shared_by(sharing, title)


@register(
    id="meta-description",
    category="onpage",
    severity="warning",
    weight=4,
    lighthouse=True,
    applies_to="html",
    covers=("SEOnaut ERROR_EMPTY_DESCRIPTION",),
    title={"en": "Document has a meta description", "nl": "Document heeft een metabeschrijving"},
    failure_title={
        "en": "Document does not have a meta description",
        "nl": "Document heeft geen metabeschrijving",
    },
    why=_DESCRIPTION_WHY,
    how_to_fix={
        "en": 'Add <meta name="description" content="..."> to the <head>: one or two '
        "sentences that summarise the page.",
        "nl": 'Voeg <meta name="description" content="..."> toe aan de <head>: een of twee '
        "zinnen die de pagina samenvatten.",
    },
)
def meta_description(page: PageResult) -> list[str]:
    """Lighthouse 12 meta-description.js: the first description meta, non-blank."""
    if page.meta_description is None:
        return [_("no meta description")]
    if not page.meta_description.strip(JS_WHITESPACE):
        return [_("Description text is empty.")]
    return []


def _description(page: PageResult) -> str:
    return (page.meta_description or "").strip(JS_WHITESPACE)


@register(
    id="description-too-short",
    category="onpage",
    severity="notice",
    weight=1,
    covers=("SEOnaut ERROR_SHORT_DESCRIPTION",),
    title={"en": "Meta description is long enough", "nl": "Metabeschrijving is lang genoeg"},
    failure_title={"en": "Meta description is too short", "nl": "Metabeschrijving is te kort"},
    why=_DESCRIPTION_WHY,
    how_to_fix={
        "en": f"Write {DESCRIPTION_MIN_CHARS} to {DESCRIPTION_MAX_CHARS} characters that tell "
        "searchers what they will find on the page.",
        "nl": f"Schrijf {DESCRIPTION_MIN_CHARS} tot {DESCRIPTION_MAX_CHARS} tekens die "
        "zoekers vertellen wat ze op de pagina vinden.",
    },
)
def description_too_short(page: PageResult) -> list[str]:
    description = _description(page)
    if 0 < len(description) < DESCRIPTION_MIN_CHARS:
        return [_characters(description, shown=description)]
    return []


@register(
    id="description-too-long",
    category="onpage",
    severity="notice",
    weight=1,
    covers=("SEOnaut ERROR_LONG_DESCRIPTION",),
    title={
        "en": "Meta description fits in search results",
        "nl": "Metabeschrijving past in de zoekresultaten",
    },
    failure_title={"en": "Meta description is too long", "nl": "Metabeschrijving is te lang"},
    why=_DESCRIPTION_WHY,
    how_to_fix={
        "en": f"Shorten the description to at most {DESCRIPTION_MAX_CHARS} characters; "
        "search engines cut off the rest.",
        "nl": f"Kort de beschrijving in tot hoogstens {DESCRIPTION_MAX_CHARS} tekens; "
        "zoekmachines kappen de rest af.",
    },
)
def description_too_long(page: PageResult) -> list[str]:
    description = _description(page)
    if len(description) > DESCRIPTION_MAX_CHARS:
        return [_characters(description)]
    return []


@register(
    id="multiple-descriptions",
    category="onpage",
    severity="warning",
    weight=2,
    covers=("SEOnaut ERROR_MULTIPLE_DESCRIPTIONS",),
    title={"en": "Page has one meta description", "nl": "Pagina heeft één metabeschrijving"},
    failure_title={
        "en": "Page has more than one meta description",
        "nl": "Pagina heeft meer dan één metabeschrijving",
    },
    why=_DESCRIPTION_WHY,
    how_to_fix={
        "en": "Keep one meta description; search engines use only the first and may ignore both.",
        "nl": "Houd één metabeschrijving over; zoekmachines gebruiken alleen de eerste en "
        "negeren ze mogelijk allebei.",
    },
)
def multiple_descriptions(page: PageResult) -> list[str]:
    descriptions = page.facts.get("meta_descriptions") or ()
    return list(descriptions) if len(descriptions) > 1 else []


@register(
    id="duplicate-description",
    category="onpage",
    severity="warning",
    weight=2,
    scope="site",
    covers=("SEOnaut ERROR_DUPLICATED_DESCRIPTION",),
    title={"en": "Meta descriptions are unique", "nl": "Metabeschrijvingen zijn uniek"},
    failure_title={
        "en": "Pages share the same meta description",
        "nl": "Pagina's hebben dezelfde metabeschrijving",
    },
    why=_DESCRIPTION_WHY,
    how_to_fix={
        "en": "Write a description for each page about that page's own content.",
        "nl": "Schrijf voor elke pagina een beschrijving over de eigen inhoud van die pagina.",
    },
)
def duplicate_description(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    for page_id, description, sharing in duplicates(canonical_documents(scan), "meta_description"):
        yield page_id, _shared_by(sharing, description)


@register(
    id="missing-h1",
    category="onpage",
    severity="warning",
    weight=3,
    covers=("SEOnaut ERROR_NO_H1",),
    title={"en": "Page has an H1 heading", "nl": "Pagina heeft een H1-kop"},
    failure_title={"en": "Page has no H1 heading", "nl": "Pagina heeft geen H1-kop"},
    why=_HEADINGS_WHY,
    how_to_fix={
        "en": "Start the main content with one <h1> that states what the page is about.",
        "nl": "Begin de hoofdinhoud met één <h1> die zegt waar de pagina over gaat.",
    },
)
def missing_h1(page: PageResult) -> list[str]:
    if any(text.strip() for text in page.h1):
        return []
    return [_("the <h1> is empty") if page.h1 else _("no <h1>")]


@register(
    id="skipped-heading-levels",
    category="onpage",
    severity="notice",
    weight=1,
    covers=("SEOnaut ERROR_NOT_VALID_HEADINGS",),
    title={"en": "Headings are in order", "nl": "Koppen staan in de juiste volgorde"},
    failure_title={
        "en": "Heading levels are skipped",
        "nl": "Er worden kopniveaus overgeslagen",
    },
    why=_HEADINGS_WHY,
    how_to_fix={
        "en": "Go down one level at a time (h1, then h2, then h3); style headings with CSS "
        "instead of picking a level for its size.",
        "nl": "Ga één niveau tegelijk omlaag (h1, dan h2, dan h3); geef koppen hun uiterlijk "
        "met CSS in plaats van een niveau te kiezen om de grootte.",
    },
)
def skipped_heading_levels(page: PageResult) -> list[str]:
    """SEOnaut's rule: the outline starts at h1 or h2 and never goes more than one level down."""
    previous = 1
    for level in map(int, page.facts.get("heading_levels", "")):
        if level > previous + 1:
            return [f"h{previous} -> h{level}"]
        previous = level
    return []


@register(
    id="thin-content",
    category="content",
    severity="notice",
    weight=2,
    covers=("SEOnaut ERROR_LITTLE_CONTENT",),
    title={"en": "Page has enough text", "nl": "Pagina heeft genoeg tekst"},
    failure_title={"en": "Page has little text", "nl": "Pagina heeft weinig tekst"},
    why={
        "en": "Pages with very little text rarely answer a searcher's question and are often "
        "judged thin or low-value.",
        "nl": "Pagina's met heel weinig tekst beantwoorden zelden de vraag van een zoeker en "
        "worden vaak als mager of weinig waardevol gezien.",
    },
    how_to_fix={
        "en": f"Add useful text (at least {THIN_CONTENT_WORDS} words), merge the page with a "
        "related one, or mark it noindex if it is not meant for search.",
        "nl": f"Voeg nuttige tekst toe (minstens {THIN_CONTENT_WORDS} woorden), voeg de "
        "pagina samen met een verwante pagina, of zet er noindex op als ze niet voor "
        "zoekmachines bedoeld is.",
    },
)
def thin_content(page: PageResult) -> list[str]:
    if page.word_count < THIN_CONTENT_WORDS:
        return [
            ngettext("%(count)d word", "%(count)d words", page.word_count)
            % {"count": page.word_count}
        ]
    return []


@register(
    id="duplicate-content",
    category="content",
    severity="warning",
    weight=3,
    scope="site",
    covers=("SEOnaut ERROR_DUPLICATED_CONTENT",),
    title={"en": "Page content is unique", "nl": "Pagina-inhoud is uniek"},
    failure_title={
        "en": "Pages have exactly the same content",
        "nl": "Pagina's hebben precies dezelfde inhoud",
    },
    why={
        "en": "When several URLs show the same text, search engines pick one to show and may "
        "pick the wrong one; the others compete with each other.",
        "nl": "Als meerdere URL's dezelfde tekst tonen, kiezen zoekmachines er één om te "
        "tonen, mogelijk de verkeerde; de andere beconcurreren elkaar.",
    },
    how_to_fix={
        "en": "Keep one URL per piece of content: redirect or canonicalise the copies (often "
        "caused by parameters, trailing slashes or print versions).",
        "nl": "Houd één URL per stuk inhoud aan: stuur de kopieën door of geef ze een "
        "canonical (vaak veroorzaakt door parameters, slashes aan het eind of printversies).",
    },
)
def duplicate_content(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    pages = canonical_documents(scan).exclude(content_hash=EMPTY_CONTENT_HASH)
    for page_id, _content_hash, sharing in duplicates(pages, "content_hash"):
        others = sharing - 1
        yield (
            page_id,
            ngettext(
                "same text as %(count)d other page", "same text as %(count)d other pages", others
            )
            % {"count": others},
        )


@register(
    id="image-alt",
    category="content",
    severity="warning",
    weight=3,
    lighthouse=True,
    applies_to="html",
    covers=("SEOnaut ERROR_IMAGES_NO_ALT",),
    title={
        "en": "Image elements have [alt] attributes",
        "nl": "Afbeeldingselementen hebben een [alt]-attribuut",
    },
    failure_title={
        "en": "Image elements do not have [alt] attributes",
        "nl": "Afbeeldingselementen hebben geen [alt]-attribuut",
    },
    why=_ALT_WHY,
    how_to_fix={
        "en": 'Give every <img> an alt attribute: a short description, or alt="" for purely '
        "decorative images.",
        "nl": 'Geef elke <img> een alt-attribuut: een korte beschrijving, of alt="" voor '
        "puur decoratieve afbeeldingen.",
    },
)
def image_alt(page: PageResult) -> list[str]:
    """axe-core's image-alt: no alt attribute (unless an aria-label, aria-labelledby, title or
    a presentational role names it, or it is hidden), or an alt of only whitespace."""
    facts = page.facts
    failing = facts.get("images_failing_axe_alt", 0)
    if not failing:
        return []
    samples = [image["src"] for image in facts.get("images") or () if image.get("fails")]
    return samples or [_images(failing)]


@register(
    id="image-alt-empty",
    category="content",
    severity="notice",
    weight=1,
    covers=("SEOnaut ERROR_IMAGES_NO_ALT",),
    title={"en": "Images describe themselves", "nl": "Afbeeldingen hebben een beschrijving"},
    failure_title={
        "en": "Images have an empty alt text",
        "nl": "Afbeeldingen hebben een lege alt-tekst",
    },
    why=_ALT_WHY,
    how_to_fix={
        "en": 'alt="" is right for decorative images only. Describe images that carry '
        "meaning (products, diagrams, photos of people or places).",
        "nl": 'alt="" is alleen juist voor decoratieve afbeeldingen. Beschrijf afbeeldingen '
        "die betekenis hebben (producten, diagrammen, foto's van mensen of plaatsen).",
    },
)
def image_alt_empty(page: PageResult) -> list[str]:
    facts = page.facts
    empty = facts.get("images_empty_alt", 0) - facts.get("images_whitespace_alt", 0)
    if empty <= 0:
        return []
    samples = [image["src"] for image in facts.get("images") or () if image["alt"] == ""]
    return samples or [_images(empty)]


# Details are written in the scan owner's language (scan_run runs under their language).
def _characters(text: str, *, shown: str | None = None) -> str:
    count = ngettext("%(count)d character", "%(count)d characters", len(text)) % {
        "count": len(text)
    }
    return f"{count}: {shown}" if shown is not None else count


def _images(count: int) -> str:
    return ngettext("%(count)d image", "%(count)d images", count) % {"count": count}


def _shared_by(sharing: int, text: str) -> str:
    return ngettext("%(count)d page: %(text)s", "%(count)d pages: %(text)s", sharing) % {
        "count": sharing,
        "text": text,
    }
