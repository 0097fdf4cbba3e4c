"""The document head: title, meta elements, social tags, canonical and hreflang links."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Final

from selectolax.lexbor import LexborHTMLParser, LexborNode

from audits.engine.urls import (
    MAX_URL_CHARS,
    is_absolute_url,
    resolve_base_url,
)

from .dom import _ASCII_WHITESPACE_RE, _attribute, _cap, _in_foreign_content, _Resolver
from .guards import _CpuBudget
from .limits import MAX_PROBLEMS, MAX_URLS
from .model import _OG_KEYS, _TWITTER_KEYS, Hreflang, UrlRef

# Crawlers that is-crawlable.js asks about by name, plus a few more that sites address.
ROBOTS_META_NAMES: Final = frozenset(
    {"robots", "googlebot", "googlebot-news", "bingbot", "duckduckbot", "archive.org_bot", "yandex"}
)


def _document_base_url(tree: LexborHTMLParser, *, page_url: str) -> str:
    base = tree.css_first("base[href]")
    if base is None:
        return page_url
    return resolve_base_url(_attribute(base.attributes, "href"), base=page_url) or page_url


def _title_text(node: LexborNode) -> str:
    # document.title: the title's own text, ASCII whitespace stripped and collapsed.
    text = _ASCII_WHITESPACE_RE.sub(" ", node.text(deep=False)).strip(" ")
    return _cap(text)


def _document_title(tree: LexborHTMLParser, *, budget: _CpuBudget) -> str | None:
    for index, node in enumerate(tree.css("title")):
        if not index & 63:
            budget.check()  # each SVG <title> costs a walk up to the root
        if not _in_foreign_content(node):
            return _title_text(node)
    return None


def _html_lang(tree: LexborHTMLParser) -> str | None:
    root = tree.root
    if root is None or root.tag != "html":
        return None
    attributes = root.attributes
    return _attribute(attributes, "lang") if "lang" in attributes else None


@dataclass(slots=True)
class _HeadMetas:
    descriptions: tuple[str, ...] = ()
    robots: str | None = None
    robots_metas: tuple[tuple[str, str], ...] = ()
    viewport: str | None = None


def _read_head_metas(metas: list[LexborNode], *, budget: _CpuBudget) -> _HeadMetas:
    descriptions: list[str] = []
    robots_metas: list[tuple[str, str]] = []
    robots = viewport = None
    for index, meta in enumerate(metas):
        if not index & 255:
            budget.check()
        attributes = meta.attributes
        name = _attribute(attributes, "name").lower()
        if not name:
            continue
        content = _cap(_attribute(attributes, "content"))
        if name == "description":
            if len(descriptions) < MAX_PROBLEMS:
                descriptions.append(content)
        elif name in ROBOTS_META_NAMES:
            if len(robots_metas) < MAX_PROBLEMS:
                robots_metas.append((_cap(name, 100), content))
            if name == "robots" and robots is None:
                robots = content
        elif name == "viewport" and viewport is None:
            viewport = content
    return _HeadMetas(tuple(descriptions), robots, tuple(robots_metas), viewport)


def _read_social_metas(
    tree: LexborHTMLParser, head_metas: list[LexborNode], *, budget: _CpuBudget
) -> tuple[dict[str, str | None], dict[str, str | None]]:
    og: dict[str, str | None] = dict.fromkeys(_OG_KEYS.values())
    twitter: dict[str, str | None] = dict.fromkeys(_TWITTER_KEYS.values())
    body = tree.body
    body_metas = body.css("meta") if body is not None else []
    for index, meta in enumerate(itertools.chain(head_metas, body_metas)):
        if not index & 255:
            budget.check()
        attributes = meta.attributes
        key = (_attribute(attributes, "property") or _attribute(attributes, "name")).strip()
        key = key.lower()
        if key.startswith("og:"):
            target, field_name = og, _OG_KEYS.get(key)
        elif key.startswith("twitter:"):
            target, field_name = twitter, _TWITTER_KEYS.get(key)
        else:
            continue
        if field_name and target[field_name] is None:
            target[field_name] = _cap(_attribute(attributes, "content").strip())
    return og, twitter


def _url_ref(raw_href: str, *, resolve: _Resolver) -> UrlRef:
    return UrlRef(
        raw_href=_cap(raw_href, MAX_URL_CHARS),
        url=resolve(raw_href),
        is_absolute=is_absolute_url(raw_href),
    )


def _read_head_links(
    links: list[LexborNode], *, resolve: _Resolver, budget: _CpuBudget
) -> tuple[tuple[UrlRef, ...], tuple[Hreflang, ...]]:
    canonicals: list[UrlRef] = []
    hreflangs: list[Hreflang] = []
    for index, link in enumerate(links):
        if not index & 255:
            budget.check()
        attributes = link.attributes
        rel = _attribute(attributes, "rel").lower()
        raw_href = _attribute(attributes, "href")
        if rel == "canonical":
            if raw_href and len(canonicals) < MAX_URLS:
                canonicals.append(_url_ref(raw_href, resolve=resolve))
        elif rel == "alternate":
            hreflang = _attribute(attributes, "hreflang")
            if hreflang and len(hreflangs) < MAX_PROBLEMS:
                href = resolve(raw_href) if raw_href else None
                hreflangs.append(
                    Hreflang(_cap(hreflang, 100), href, _cap(raw_href, MAX_URL_CHARS), "head")
                )
    return tuple(canonicals), tuple(hreflangs)
