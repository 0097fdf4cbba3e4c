"""parse_page: one fetched page in, its :class:`PageFacts` out, never an exception."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from audits.engine.urls import (
    MAX_URL_CHARS,
    normalize_url,
)

from .anchors import _read_anchors
from .body import _insecure_forms, _mixed_content, _read_headings, _read_images
from .decoding import _decode, declared_codec, is_html_content_type
from .dom import _Resolver
from .guards import PageTooComplex, _CpuBudget, _parse_html
from .head import (
    _document_base_url,
    _document_title,
    _html_lang,
    _read_head_links,
    _read_head_metas,
    _read_social_metas,
    _title_text,
)
from .jsonld import _read_jsonld
from .limits import MAX_BODY_BYTES, MAX_PROBLEMS, PAGE_CPU_BUDGET_SECONDS, TOO_COMPLEX
from .link_headers import _header_values, _read_link_headers
from .model import Hreflang, PageFacts, UrlRef
from .text import _LARGE_PAGE_BYTES, _read_visible_text

logger = logging.getLogger(__name__)


def parse_page(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    headers: Mapping[str, str] | None = None,
    cpu_budget_seconds: float | None = PAGE_CPU_BUDGET_SECONDS,
) -> PageFacts:
    """Extract :class:`PageFacts` from a fetched page; never raises.

    ``url`` is the final URL (after redirects), ``content_type`` the response's
    ``Content-Type`` and ``headers`` its headers (a multidict keeps repeated ``Link`` and
    ``X-Robots-Tag`` headers apart; a plain dict works too). A page that needs more than
    ``cpu_budget_seconds`` of CPU (None: no limit) comes back "too complex": only what the
    headers say, and ``parse_error`` starting with :data:`TOO_COMPLEX`.
    """
    page_url = normalize_url(url) or url
    budget = _CpuBudget(cpu_budget_seconds)
    try:
        from_headers = _read_headers(headers, page_url=page_url, budget=budget)
        if not is_html_content_type(content_type):
            return PageFacts(
                url=page_url,
                is_html=False,
                canonical_headers=from_headers.canonicals,
                hreflang=from_headers.hreflang,
                x_robots_tag=from_headers.x_robots_tag,
                urls_too_long=from_headers.urls_too_long,
            )
        return _parse_html_page(
            body, page_url=page_url, content_type=content_type, headers=headers,
            from_headers=from_headers, budget=budget,
        )  # fmt: skip
    except PageTooComplex as error:
        logger.info("Too complex to analyse: %s (%s)", page_url, error)
        return PageFacts(
            url=page_url,
            parse_error=f"{TOO_COMPLEX}: {error}"[:500],
            x_robots_tag=tuple(_header_values(headers, "x-robots-tag")),
        )
    except Exception as error:  # a crawler must survive any page; log it and carry on
        logger.exception("Could not extract facts from %s", page_url)
        return PageFacts(url=page_url, parse_error=f"{type(error).__name__}: {error}"[:500])


@dataclass(slots=True)
class _HeaderFacts:
    canonicals: tuple[UrlRef, ...]
    hreflang: tuple[Hreflang, ...]
    x_robots_tag: tuple[str, ...]
    urls_too_long: int


def _read_headers(
    headers: Mapping[str, str] | None, *, page_url: str, budget: _CpuBudget
) -> _HeaderFacts:
    resolve = _Resolver(page_url)
    canonicals, hreflang = _read_link_headers(
        _header_values(headers, "link"), resolve=resolve, budget=budget
    )
    x_robots_tag = tuple(_header_values(headers, "x-robots-tag"))
    return _HeaderFacts(canonicals, hreflang, x_robots_tag, resolve.too_long)


def _parse_html_page(
    body: bytes,
    *,
    page_url: str,
    content_type: str | None,
    headers: Mapping[str, str] | None,
    from_headers: _HeaderFacts,
    budget: _CpuBudget,
) -> PageFacts:
    body = body[:MAX_BODY_BYTES]
    # The crawler hands over the bare media type; the charset is in the header itself.
    declared_types = [content_type or "", *_header_values(headers, "content-type")]
    declared = declared_codec(
        body, content_type=next((t for t in declared_types if "charset" in t.lower()), None)
    )
    text, encoding = _decode(body, declared)
    budget.check()
    tree = _parse_html(text, budget=budget)
    del text  # the tree holds its own copy; 5 MB less while the facts are read
    budget.check()
    base_url = _document_base_url(tree, page_url=page_url)
    head = tree.head
    head_metas = head.css("meta") if head is not None else []
    head_links = head.css("link") if head is not None else []

    meta = _read_head_metas(head_metas, budget=budget)
    social = _read_social_metas(tree, head_metas, budget=budget)
    resolve = _Resolver(base_url)
    canonicals, head_hreflang = _read_head_links(head_links, resolve=resolve, budget=budget)
    headings = _read_headings(tree, budget=budget)
    images = _read_images(tree, resolve=resolve, budget=budget)
    anchors = _read_anchors(tree, page_url=page_url, resolve=resolve, budget=budget)
    jsonld_types, jsonld_blocks, jsonld_errors = _read_jsonld(tree, budget=budget)
    is_https = page_url.startswith("https://")
    insecure_forms = _insecure_forms(tree, resolve=resolve, budget=budget) if is_https else ()
    mixed_content = _mixed_content(tree, resolve=resolve, budget=budget) if is_https else ()
    title = _document_title(tree, budget=budget)
    head_titles = head.css("title")[:MAX_PROBLEMS] if head is not None else []
    titles = tuple(_title_text(node) for node in head_titles)
    lang = _html_lang(tree)
    plugins = len(tree.css("embed, object, applet"))
    budget.check()
    # Last: it strips invisible elements from the tree.
    word_count, content_hash = _read_visible_text(tree, large=len(body) > _LARGE_PAGE_BYTES)
    budget.check()

    return PageFacts(
        url=page_url,
        is_html=True,
        encoding=encoding,
        encoding_declared=declared is not None,
        # A <base> over the URL cap is used to resolve links (which it makes too long) but is
        # not kept: it would travel with the page's facts.
        base_url=base_url if len(base_url) <= MAX_URL_CHARS else None,
        title=title,
        titles=titles,
        meta_descriptions=meta.descriptions,
        h1=headings.h1,
        h2_count=headings.h2_count,
        headings=headings.headings,
        canonicals=canonicals,
        canonical_headers=from_headers.canonicals,
        lang=lang,
        hreflang=head_hreflang + from_headers.hreflang,
        meta_robots=meta.robots,
        robots_metas=meta.robots_metas,
        x_robots_tag=from_headers.x_robots_tag,
        viewport=meta.viewport,
        og=social[0],
        twitter=social[1],
        images_total=images.total,
        images_missing_alt_attr=images.missing_alt_attr,
        images_empty_alt=images.empty_alt,
        images_without_alt=images.missing_alt_attr + images.empty_alt,
        images_failing_axe_alt=images.failing_axe_alt,
        images=images.sample,
        jsonld_types=jsonld_types,
        jsonld_blocks=jsonld_blocks,
        jsonld_errors=jsonld_errors,
        word_count=word_count,
        content_hash=content_hash,
        links=anchors.links,
        links_total=anchors.links_total,
        link_chars=anchors.link_chars,
        uncrawlable_anchors=anchors.uncrawlable,
        non_descriptive_links=anchors.non_descriptive,
        insecure_forms=insecure_forms,
        mixed_content=mixed_content,
        plugins=plugins,
        urls_too_long=from_headers.urls_too_long + resolve.too_long,
    )
