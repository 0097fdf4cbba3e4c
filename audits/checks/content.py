"""Titles, descriptions, headings, text and images: what a page says and how it says it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from audits.checks.indexability import JS_WHITESPACE
from audits.checks.page import CheckedPage
from audits.checks.queries import canonical_documents, duplicates
from audits.checks.registry import register
from audits.details import Message, Parts
from audits.details import message as _
from audits.details import plural_message as ngettext
from audits.models import SEOScan

# SEOnaut's thresholds (internal/report_manager/reporters).
TITLE_MIN_CHARS: Final = 20
TITLE_MAX_CHARS: Final = 60
DESCRIPTION_MIN_CHARS: Final = 80
DESCRIPTION_MAX_CHARS: Final = 160
THIN_CONTENT_WORDS: Final = 200
# sha1 of the empty text: pages without any visible text are not "duplicates" of each other.
EMPTY_CONTENT_HASH: Final = "da39a3ee5e6b4b0d3255bfef95601890afd80709"

_TITLE_WHY = gettext_lazy(
    "The title is the clickable headline in search results and the name of "
    "the browser tab. It is one of the strongest signals of what a page is "
    "about."
)
_DESCRIPTION_WHY = gettext_lazy(
    "Search engines often show the meta description as the snippet under the "
    "title; a clear description of the right length earns more clicks."
)
_HEADINGS_WHY = gettext_lazy(
    "Headings give a page its outline. Search engines and screen readers use "
    "them to understand the structure and the main topic."
)
_ALT_WHY = gettext_lazy(
    "Alternative text describes an image to search engines and to people who "
    "cannot see it; without it, image search and screen readers get nothing."
)


def _sanitized_title(page: CheckedPage) -> str:
    # axe's doc-has-title: document.title with non-breaking spaces as spaces, trimmed.
    return (page.title or "").replace("\u00a0", " ").strip(JS_WHITESPACE)


@register(
    id="document-title",
    category="onpage",
    severity="warning",
    weight=5,
    lighthouse=True,
    applies_to="indexable",
    covers=("SEOnaut ERROR_EMPTY_TITLE",),
    title=gettext_lazy("Document has a <title> element"),
    failure_title=gettext_lazy("Document doesn't have a <title> element"),
    why=_TITLE_WHY,
    how_to_fix=gettext_lazy(
        "Give every page a unique <title> in its <head> that names the page's topic."
    ),
)
def document_title(page: CheckedPage) -> list[str]:
    """axe-core's document-title rule, which Lighthouse 12 runs in its SEO category."""
    if _sanitized_title(page):
        return []
    return [_("no <title> element") if page.title is None else _("the <title> is empty")]


@register(
    id="title-too-short",
    category="onpage",
    severity="notice",
    weight=1,
    applies_to="indexable",
    covers=("SEOnaut ERROR_SHORT_TITLE",),
    title=gettext_lazy("Title is long enough"),
    failure_title=gettext_lazy("Title is too short"),
    why=_TITLE_WHY,
    how_to_fix=format_lazy(
        gettext_lazy(
            "Write a title of {title_min_chars} to {title_max_chars} characters that "
            "describes the page and includes its main keyword."
        ),
        title_min_chars=TITLE_MIN_CHARS,
        title_max_chars=TITLE_MAX_CHARS,
    ),
)
def title_too_short(page: CheckedPage) -> list[str]:
    title = _sanitized_title(page)
    if 0 < len(title) < TITLE_MIN_CHARS:
        return [_characters(title, shown=title)]
    return []


@register(
    id="title-too-long",
    category="onpage",
    severity="notice",
    weight=1,
    applies_to="indexable",
    covers=("SEOnaut ERROR_LONG_TITLE",),
    title=gettext_lazy("Title fits in search results"),
    failure_title=gettext_lazy("Title is too long"),
    why=_TITLE_WHY,
    how_to_fix=format_lazy(
        gettext_lazy(
            "Shorten the title to at most {title_max_chars} characters, with the "
            "most important words first; longer titles are cut off in search results."
        ),
        title_max_chars=TITLE_MAX_CHARS,
    ),
)
def title_too_long(page: CheckedPage) -> list[str]:
    title = _sanitized_title(page)
    if len(title) > TITLE_MAX_CHARS:
        return [_characters(title, shown=title)]
    return []


@register(
    id="multiple-titles",
    category="onpage",
    severity="warning",
    weight=2,
    applies_to="indexable",
    covers=("SEOnaut ERROR_MULTIPLE_TITLES",),
    title=gettext_lazy("Page has one title"),
    failure_title=gettext_lazy("Page has more than one <title>"),
    why=_TITLE_WHY,
    how_to_fix=gettext_lazy(
        "Keep one <title> in the <head>; remove the others (often added twice by "
        "a theme and a plugin)."
    ),
)
def multiple_titles(page: CheckedPage) -> list[str]:
    titles = page.facts.get("titles") or ()
    return list(titles) if len(titles) > 1 else []


@register(
    id="duplicate-title",
    category="onpage",
    severity="warning",
    weight=3,
    applies_to="site",
    scope="site",
    covers=("SEOnaut ERROR_DUPLICATED_TITLE",),
    title=gettext_lazy("Titles are unique"),
    failure_title=gettext_lazy("Pages share the same title"),
    why=_TITLE_WHY,
    how_to_fix=gettext_lazy(
        "Give each indexable page its own title, or point duplicates at one page "
        "with a canonical link."
    ),
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
    applies_to="indexable",
    covers=("SEOnaut ERROR_EMPTY_DESCRIPTION",),
    title=gettext_lazy("Document has a meta description"),
    failure_title=gettext_lazy("Document does not have a meta description"),
    why=_DESCRIPTION_WHY,
    how_to_fix=gettext_lazy(
        'Add <meta name="description" content="..."> to the <head>: one or two '
        "sentences that summarise the page."
    ),
)
def meta_description(page: CheckedPage) -> list[str]:
    """Lighthouse 12 meta-description.js: the first description meta, non-blank."""
    if page.meta_description is None:
        return [_("no meta description")]
    if not page.meta_description.strip(JS_WHITESPACE):
        return [_("Description text is empty.")]
    return []


def _description(page: CheckedPage) -> str:
    return (page.meta_description or "").strip(JS_WHITESPACE)


@register(
    id="description-too-short",
    category="onpage",
    severity="notice",
    weight=1,
    applies_to="indexable",
    covers=("SEOnaut ERROR_SHORT_DESCRIPTION",),
    title=gettext_lazy("Meta description is long enough"),
    failure_title=gettext_lazy("Meta description is too short"),
    why=_DESCRIPTION_WHY,
    how_to_fix=format_lazy(
        gettext_lazy(
            "Write {description_min_chars} to {description_max_chars} characters "
            "that tell searchers what they will find on the page."
        ),
        description_min_chars=DESCRIPTION_MIN_CHARS,
        description_max_chars=DESCRIPTION_MAX_CHARS,
    ),
)
def description_too_short(page: CheckedPage) -> list[str]:
    description = _description(page)
    if 0 < len(description) < DESCRIPTION_MIN_CHARS:
        return [_characters(description, shown=description)]
    return []


@register(
    id="description-too-long",
    category="onpage",
    severity="notice",
    weight=1,
    applies_to="indexable",
    covers=("SEOnaut ERROR_LONG_DESCRIPTION",),
    title=gettext_lazy("Meta description fits in search results"),
    failure_title=gettext_lazy("Meta description is too long"),
    why=_DESCRIPTION_WHY,
    how_to_fix=format_lazy(
        gettext_lazy(
            "Shorten the description to at most {description_max_chars} characters; "
            "search engines cut off the rest."
        ),
        description_max_chars=DESCRIPTION_MAX_CHARS,
    ),
)
def description_too_long(page: CheckedPage) -> list[str]:
    description = _description(page)
    if len(description) > DESCRIPTION_MAX_CHARS:
        return [_characters(description)]
    return []


@register(
    id="multiple-descriptions",
    category="onpage",
    severity="warning",
    weight=2,
    applies_to="indexable",
    covers=("SEOnaut ERROR_MULTIPLE_DESCRIPTIONS",),
    title=gettext_lazy("Page has one meta description"),
    failure_title=gettext_lazy("Page has more than one meta description"),
    why=_DESCRIPTION_WHY,
    how_to_fix=gettext_lazy(
        "Keep one meta description; search engines use only the first and may ignore both."
    ),
)
def multiple_descriptions(page: CheckedPage) -> list[str]:
    descriptions = page.facts.get("meta_descriptions") or ()
    return list(descriptions) if len(descriptions) > 1 else []


@register(
    id="duplicate-description",
    category="onpage",
    severity="warning",
    weight=2,
    applies_to="site",
    scope="site",
    covers=("SEOnaut ERROR_DUPLICATED_DESCRIPTION",),
    title=gettext_lazy("Meta descriptions are unique"),
    failure_title=gettext_lazy("Pages share the same meta description"),
    why=_DESCRIPTION_WHY,
    how_to_fix=gettext_lazy("Write a description for each page about that page's own content."),
)
def duplicate_description(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[int, str]]:
    for page_id, description, sharing in duplicates(canonical_documents(scan), "meta_description"):
        yield page_id, _shared_by(sharing, description)


@register(
    id="missing-h1",
    category="onpage",
    severity="warning",
    weight=3,
    applies_to="indexable",
    covers=("SEOnaut ERROR_NO_H1",),
    title=gettext_lazy("Page has an H1 heading"),
    failure_title=gettext_lazy("Page has no H1 heading"),
    why=_HEADINGS_WHY,
    how_to_fix=gettext_lazy(
        "Start the main content with one <h1> that states what the page is about."
    ),
)
def missing_h1(page: CheckedPage) -> list[str]:
    if any(text.strip() for text in page.h1):
        return []
    return [_("the <h1> is empty") if page.h1 else _("no <h1>")]


@register(
    id="skipped-heading-levels",
    category="onpage",
    severity="notice",
    weight=1,
    applies_to="indexable",
    covers=("SEOnaut ERROR_NOT_VALID_HEADINGS",),
    title=gettext_lazy("Headings are in order"),
    failure_title=gettext_lazy("Heading levels are skipped"),
    why=_HEADINGS_WHY,
    how_to_fix=gettext_lazy(
        "Go down one level at a time (h1, then h2, then h3); style headings with "
        "CSS instead of picking a level for its size."
    ),
)
def skipped_heading_levels(page: CheckedPage) -> list[str]:
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
    applies_to="indexable",
    covers=("SEOnaut ERROR_LITTLE_CONTENT",),
    title=gettext_lazy("Page has enough text"),
    failure_title=gettext_lazy("Page has little text"),
    why=gettext_lazy(
        "Pages with very little text rarely answer a searcher's question and are "
        "often judged thin or low-value."
    ),
    how_to_fix=format_lazy(
        gettext_lazy(
            "Add useful text (at least {thin_content_words} words), merge the page "
            "with a related one, or mark it noindex if it is not meant for search."
        ),
        thin_content_words=THIN_CONTENT_WORDS,
    ),
)
def thin_content(page: CheckedPage) -> list[str]:
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
    applies_to="site",
    scope="site",
    covers=("SEOnaut ERROR_DUPLICATED_CONTENT",),
    title=gettext_lazy("Page content is unique"),
    failure_title=gettext_lazy("Pages have exactly the same content"),
    why=gettext_lazy(
        "When several URLs show the same text, search engines pick one to show "
        "and may pick the wrong one; the others compete with each other."
    ),
    how_to_fix=gettext_lazy(
        "Keep one URL per piece of content: redirect or canonicalise the copies "
        "(often caused by parameters, trailing slashes or print versions)."
    ),
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
    applies_to="indexable",
    covers=("SEOnaut ERROR_IMAGES_NO_ALT",),
    title=gettext_lazy("Image elements have [alt] attributes"),
    failure_title=gettext_lazy("Image elements do not have [alt] attributes"),
    why=_ALT_WHY,
    how_to_fix=gettext_lazy(
        'Give every <img> an alt attribute: a short description, or alt="" for '
        "purely decorative images."
    ),
)
def image_alt(page: CheckedPage) -> list[str]:
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
    applies_to="indexable",
    covers=("SEOnaut ERROR_IMAGES_NO_ALT",),
    title=gettext_lazy("Images describe themselves"),
    failure_title=gettext_lazy("Images have an empty alt text"),
    why=_ALT_WHY,
    how_to_fix=gettext_lazy(
        'alt="" is right for decorative images only. Describe images that carry '
        "meaning (products, diagrams, photos of people or places)."
    ),
)
def image_alt_empty(page: CheckedPage) -> list[str]:
    facts = page.facts
    empty = facts.get("images_empty_alt", 0) - facts.get("images_whitespace_alt", 0)
    if empty <= 0:
        return []
    samples = [image["src"] for image in facts.get("images") or () if image["alt"] == ""]
    return samples or [_images(empty)]


# Details are message ids, rendered in the reader's language (audits.details).
def _characters(text: str, *, shown: str | None = None) -> Message | Parts:
    count = ngettext("%(count)d character", "%(count)d characters", len(text)) % {
        "count": len(text)
    }
    return Parts(count, f": {shown}") if shown is not None else count


def _images(count: int) -> Message:
    return ngettext("%(count)d image", "%(count)d images", count) % {"count": count}


def _shared_by(sharing: int, text: str) -> Message:
    return ngettext("%(count)d page: %(text)s", "%(count)d pages: %(text)s", sharing) % {
        "count": sharing,
        "text": text,
    }
