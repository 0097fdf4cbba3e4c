"""What the SEO checks know about one page: :class:`PageFacts` and the values in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from .guards import too_complex_reason

_OG_KEYS: Final = {"og:title": "title", "og:description": "description", "og:image": "image"}


_TWITTER_KEYS: Final = {
    "twitter:card": "card",
    "twitter:title": "title",
    "twitter:description": "description",
    "twitter:image": "image",
}


@dataclass(slots=True)
class Link:
    """A followable ``<a href>`` or ``<area href>`` whose target is an http(s) URL."""

    url: str  # normalized, absolute
    text: str  # visible text, or the image alt text when the link only holds an image
    rel: tuple[str, ...]  # lowercased rel tokens
    nofollow: bool
    raw_href: str


@dataclass(slots=True)
class AnchorProblem:
    """An ``<a>`` that a Lighthouse link rule flags; ``reason`` is one of the constants below."""

    reason: str
    raw_href: str
    text: str
    url: str | None = None  # normalized target when it is an http(s) URL
    lang: str | None = None  # the text language used for the link-text lookup, if known


# crawlable-anchors
UNCRAWLABLE_FILE_URL: Final = "file-url"


UNCRAWLABLE_SCRIPT_ONLY: Final = "no-href-with-event-handler"


UNCRAWLABLE_MISSING_HREF: Final = "missing-href"


UNCRAWLABLE_JAVASCRIPT_VOID: Final = "javascript-void"


UNCRAWLABLE_INVALID_URL: Final = "invalid-url"


# link-text
LINK_TEXT_NON_DESCRIPTIVE: Final = "non-descriptive-text"


LINK_TEXT_IS_URL: Final = "url-as-text"


@dataclass(frozen=True, slots=True)
class UrlRef:
    """A URL-valued declaration (a canonical) as written and as resolved."""

    raw_href: str
    url: str | None  # normalized; None when it cannot be resolved to an http(s) URL
    is_absolute: bool  # whether raw_href parses on its own (Lighthouse: "relative" otherwise)


@dataclass(frozen=True, slots=True)
class Hreflang:
    lang: str  # the hreflang value as written
    href: str | None  # normalized absolute URL, None if unresolvable
    raw_href: str
    source: str  # "head" or "header"


@dataclass(slots=True)
class Image:
    src: str  # normalized absolute URL when it is one, else the raw attribute
    alt: str | None  # None when the alt attribute is missing
    fails_axe_alt: bool = False  # fails axe-core's image-alt rule (see _fails_axe_image_alt)


@dataclass(frozen=True, slots=True)
class PageFacts:
    """Everything the per-page checks read. Lists keep document order."""

    url: str
    is_html: bool = True
    encoding: str | None = None
    encoding_declared: bool = True  # False: no BOM, Content-Type charset or <meta charset>
    base_url: str | None = None
    title: str | None = None
    titles: tuple[str, ...] = ()
    meta_descriptions: tuple[str, ...] = ()
    h1: tuple[str, ...] = ()
    h2_count: int = 0
    headings: tuple[tuple[int, str], ...] = ()
    canonicals: tuple[UrlRef, ...] = ()
    canonical_headers: tuple[UrlRef, ...] = ()
    lang: str | None = None
    hreflang: tuple[Hreflang, ...] = ()
    meta_robots: str | None = None
    robots_metas: tuple[tuple[str, str], ...] = ()
    x_robots_tag: tuple[str, ...] = ()
    viewport: str | None = None
    og: dict[str, str | None] = field(default_factory=lambda: dict.fromkeys(_OG_KEYS.values()))
    twitter: dict[str, str | None] = field(
        default_factory=lambda: dict.fromkeys(_TWITTER_KEYS.values())
    )
    images_total: int = 0
    images_missing_alt_attr: int = 0
    images_empty_alt: int = 0
    images_without_alt: int = 0
    images_failing_axe_alt: int = 0  # what Lighthouse's image-alt audit (axe-core) fails
    images: tuple[Image, ...] = ()
    jsonld_types: tuple[str, ...] = ()
    jsonld_blocks: int = 0
    jsonld_errors: int = 0
    word_count: int = 0
    content_hash: str | None = None
    links: tuple[Link, ...] = ()
    links_total: int = 0
    link_chars: int = 0  # URL, href and text characters of the links kept
    uncrawlable_anchors: tuple[AnchorProblem, ...] = ()
    non_descriptive_links: tuple[AnchorProblem, ...] = ()
    insecure_forms: tuple[str, ...] = ()
    mixed_content: tuple[str, ...] = ()
    plugins: int = 0
    urls_too_long: int = 0  # URLs dropped for being longer than MAX_URL_CHARS
    parse_error: str | None = None

    @property
    def too_complex(self) -> bool:
        """The page ran out of its CPU budget (or had too many elements) and was not read."""
        return too_complex_reason(self.parse_error) is not None

    @property
    def meta_description(self) -> str | None:
        """The description Lighthouse and search engines use: the first one."""
        return self.meta_descriptions[0] if self.meta_descriptions else None

    @property
    def canonical_header(self) -> str | None:
        """The first canonical URL declared in an HTTP ``Link`` header."""
        return self.canonical_headers[0].url if self.canonical_headers else None

    @property
    def canonical_urls(self) -> tuple[str, ...]:
        """Distinct resolved canonical URLs from ``<head>`` and headers, in order."""
        urls = (ref.url for ref in (*self.canonicals, *self.canonical_headers) if ref.url)
        return tuple(dict.fromkeys(urls))
