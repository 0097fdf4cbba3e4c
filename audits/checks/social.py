"""How a page looks when it is shared: Open Graph and Twitter (X) card tags."""

from __future__ import annotations

from audits.checks.registry import register
from audits.models import PageResult

OPEN_GRAPH_TAGS = ("title", "description", "image")


@register(
    id="open-graph-missing",
    category="social",
    severity="notice",
    weight=2,
    title={"en": "Page has Open Graph tags", "nl": "Pagina heeft Open Graph-tags"},
    failure_title={
        "en": "Page is missing Open Graph tags",
        "nl": "Pagina mist Open Graph-tags",
    },
    why={
        "en": "Facebook, LinkedIn, WhatsApp and many other apps build the preview of a shared "
        "link from og:title, og:description and og:image; without them the preview is bare "
        "or picks a random image.",
        "nl": "Facebook, LinkedIn, WhatsApp en veel andere apps bouwen het voorbeeld van een "
        "gedeelde link op uit og:title, og:description en og:image; zonder die tags is het "
        "voorbeeld kaal of kiest de app een willekeurige afbeelding.",
    },
    how_to_fix={
        "en": 'Add <meta property="og:title">, "og:description" and "og:image" (an absolute '
        "URL of an image of at least 1200x630 pixels) to the <head>.",
        "nl": 'Voeg <meta property="og:title">, "og:description" en "og:image" (een absolute '
        "URL van een afbeelding van minstens 1200x630 pixels) toe aan de <head>.",
    },
)
def open_graph_missing(page: PageResult) -> list[str]:
    missing = [f"og:{name}" for name in OPEN_GRAPH_TAGS if not (page.og.get(name) or "").strip()]
    return [", ".join(missing)] if missing else []


@register(
    id="twitter-card-missing",
    category="social",
    severity="notice",
    weight=1,
    title={"en": "Page has a Twitter card", "nl": "Pagina heeft een Twitter-kaart"},
    failure_title={
        "en": "Page has no twitter:card tag",
        "nl": "Pagina heeft geen twitter:card-tag",
    },
    why={
        "en": "X (Twitter) only shows a rich preview of a shared link when the page names a "
        "card type; for the rest it falls back on the Open Graph tags.",
        "nl": "X (Twitter) toont alleen een uitgebreid voorbeeld van een gedeelde link als de "
        "pagina een kaarttype opgeeft; voor de rest gebruikt X de Open Graph-tags.",
    },
    how_to_fix={
        "en": 'Add <meta name="twitter:card" content="summary_large_image"> to the <head>.',
        "nl": 'Voeg <meta name="twitter:card" content="summary_large_image"> toe aan de <head>.',
    },
)
def twitter_card_missing(page: PageResult) -> list[str]:
    return [] if (page.twitter.get("card") or "").strip() else ["no twitter:card"]
