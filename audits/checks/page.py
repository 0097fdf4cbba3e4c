"""What a page check reads: the facts of one page, as a plain dataclass (no database row).

The crawler builds one per URL (:func:`audits.storage.checked_page_build`) from what it fetched
and parsed, and stores the same values as a :class:`~audits.models.PageResult`. Because a check
needs no row, the same :func:`audits.checks.runner.page_checks_run` serves a crawl, the command
line and a page that is only being previewed in the editor.

The field names are the ``PageResult`` columns a check reads, so a stored row can be checked
again through :meth:`CheckedPage.from_row`. ``facts`` is the JSON object described in
:mod:`audits.storage` (keys left out when empty).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(slots=True, kw_only=True)
class CheckedPage:
    url: str
    final_url: str = ""
    status_code: int | None = None
    # Why the URL could not be fetched: a code (audits.checks.indexing) and the engine's words.
    error: str = ""
    error_detail: str = ""
    redirect_chain: list[dict[str, Any]] = field(default_factory=list)
    redirect_count: int = 0
    depth: int | None = None
    ttfb_ms: int | None = None
    bytes: int = 0
    content_type: str = ""
    is_html: bool = False
    noindex: bool = False
    indexable: bool = False
    in_sitemap: bool = False
    blocked_by_robots: bool = False
    meta_robots: str = ""
    x_robots_tag: str = ""
    title: str | None = None
    meta_description: str | None = None
    h1: list[str] = field(default_factory=list)
    h2_count: int = 0
    canonical: str = ""
    lang: str = ""
    hreflang: list[dict[str, Any]] = field(default_factory=list)
    og: dict[str, str] = field(default_factory=dict)
    twitter: dict[str, str] = field(default_factory=dict)
    images_total: int = 0
    images_without_alt: int = 0
    jsonld_types: list[str] = field(default_factory=list)
    word_count: int = 0
    internal_links: int = 0
    external_links: int = 0
    content_hash: str = ""
    facts: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: Any) -> CheckedPage:
        """The facts of a stored (or unsaved) ``PageResult``."""
        return cls(**{name: getattr(row, name) for name in FIELD_NAMES})


FIELD_NAMES: tuple[str, ...] = tuple(item.name for item in fields(CheckedPage))
