"""How a page looks when it is shared: Open Graph and Twitter (X) card tags."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from audits.checks.page import CheckedPage
from audits.checks.registry import register

OPEN_GRAPH_TAGS = ("title", "description", "image")


@register(
    id="open-graph-missing",
    category="social",
    severity="notice",
    weight=2,
    applies_to="indexable",
    title=gettext_lazy("Page has Open Graph tags"),
    failure_title=gettext_lazy("Page is missing Open Graph tags"),
    why=gettext_lazy(
        "Facebook, LinkedIn, WhatsApp and many other apps build the preview of a "
        "shared link from og:title, og:description and og:image; without them "
        "the preview is bare or picks a random image."
    ),
    how_to_fix=gettext_lazy(
        'Add <meta property="og:title">, "og:description" and "og:image" (an '
        "absolute URL of an image of at least 1200x630 pixels) to the <head>."
    ),
)
def open_graph_missing(page: CheckedPage) -> list[str]:
    missing = [f"og:{name}" for name in OPEN_GRAPH_TAGS if not (page.og.get(name) or "").strip()]
    return [", ".join(missing)] if missing else []


@register(
    id="twitter-card-missing",
    category="social",
    severity="notice",
    weight=1,
    applies_to="indexable",
    title=gettext_lazy("Page has a Twitter card"),
    failure_title=gettext_lazy("Page has no twitter:card tag"),
    why=gettext_lazy(
        "X (Twitter) only shows a rich preview of a shared link when the page "
        "names a card type; for the rest it falls back on the Open Graph tags."
    ),
    how_to_fix=gettext_lazy(
        'Add <meta name="twitter:card" content="summary_large_image"> to the <head>.'
    ),
)
def twitter_card_missing(page: CheckedPage) -> list[str]:
    return [] if (page.twitter.get("card") or "").strip() else ["no twitter:card"]
