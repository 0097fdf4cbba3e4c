"""Links: the crawl frontier, Lighthouse's crawlable-anchors and link-text rules."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from selectolax.lexbor import LexborHTMLParser, LexborNode

from audits.engine.urls import (
    is_valid_url,
    normalize_url,
    url_scheme,
)

from .dom import _attribute, _cap, _collapse, _Resolver
from .guards import _CpuBudget
from .limits import MAX_LINK_CHARS, MAX_LINK_TEXT_CHARS, MAX_LINKS, MAX_PROBLEMS
from .model import (
    LINK_TEXT_IS_URL,
    LINK_TEXT_NON_DESCRIPTIVE,
    UNCRAWLABLE_FILE_URL,
    UNCRAWLABLE_INVALID_URL,
    UNCRAWLABLE_JAVASCRIPT_VOID,
    UNCRAWLABLE_MISSING_HREF,
    UNCRAWLABLE_SCRIPT_ONLY,
    AnchorProblem,
    Link,
)

# Lighthouse 12 link-text.js: link texts that say nothing about the target, per language.
_NON_DESCRIPTIVE_LINK_TEXTS_BY_LANG: Final = {
    "en": "click here|click this|go|here|information|learn more|more|more info|more information|"
    "right here|read more|see more|start|this",
    "ja": "ここをクリック|こちらをクリック|リンク|続きを読む|続く|全文表示",
    "es": "click aquí|click aqui|clicka aquí|clicka aqui|pincha aquí|pincha aqui|aquí|aqui|más|mas|"
    "más información|más informacion|mas información|mas informacion|este|enlace|este enlace|"
    "empezar",
    "pt": "clique aqui|ir|mais informação|mais informações|mais|veja mais",
    "ko": "여기|여기를 클릭|클릭|링크|자세히|자세히 보기|계속|이동|전체 보기",
    "sv": "här|klicka här|läs mer|mer|mer info|mer information",
    "de": "klicke hier|hier klicken|hier|mehr|siehe|dies|das|weiterlesen",
    "ta": "அடுத்த பக்கம்|மறுபக்கம்|முந்தைய பக்கம்|முன்பக்கம்|மேலும் அறிக|மேலும் தகவலுக்கு|"
    "மேலும் தரவுகளுக்கு|தயவுசெய்து இங்கே அழுத்தவும்|இங்கே கிளிக் செய்யவும்",
    "fa": "اطلاعات بیشتر|اطلاعات|این|اینجا بزنید|اینجا کلیک کنید|اینجا|برو|بیشتر بخوانید|"
    "بیشتر بدانید|بیشتر|شروع",
}


NON_DESCRIPTIVE_LINK_TEXTS: Final[dict[str, frozenset[str]]] = {
    lang: frozenset(texts.split("|")) for lang, texts in _NON_DESCRIPTIVE_LINK_TEXTS_BY_LANG.items()
}


_ANY_NON_DESCRIPTIVE: Final = frozenset().union(*NON_DESCRIPTIVE_LINK_TEXTS.values())


# crawlable-anchors.js: an <a> with any of these is meant to be a link, even without href.
_HREF_ASSOCIATED_ATTRIBUTES: Final = (
    "target",
    "download",
    "ping",
    "rel",
    "hreflang",
    "type",
    "referrerpolicy",
)


_JAVASCRIPT_VOID_RE: Final = re.compile(r"javascript:void(\(|)0(\)|)")


@dataclass(slots=True)
class _Anchors:
    links: tuple[Link, ...]
    links_total: int
    link_chars: int
    uncrawlable: tuple[AnchorProblem, ...]
    non_descriptive: tuple[AnchorProblem, ...]


def _read_anchors(
    tree: LexborHTMLParser, *, page_url: str, resolve: _Resolver, budget: _CpuBudget
) -> _Anchors:
    links: list[Link] = []
    links_total = 0
    link_chars = 0
    uncrawlable: list[AnchorProblem] = []
    non_descriptive: list[AnchorProblem] = []
    text_langs = _TextLangs(tree)
    for index, node in enumerate(tree.css("a, area")):
        if not index & 63:
            budget.check()
        attributes = node.attributes
        raw_href = attributes.get("href")
        has_href = raw_href is not None or "href" in attributes
        raw_href = raw_href or ""
        url = resolve(raw_href) if has_href else None
        text = node.text()
        if text:
            text = _cap(_collapse(text[: 4 * MAX_LINK_TEXT_CHARS]), MAX_LINK_TEXT_CHARS)
        rel_attribute = attributes.get("rel") or ""
        if url is not None:
            links_total += 1
            if len(links) < MAX_LINKS and link_chars < MAX_LINK_CHARS:
                rel = tuple(rel_attribute.lower().split()) if rel_attribute else ()
                link_text = text or _fallback_text(node, attributes)
                href = _cap(raw_href, 2000)
                link_chars += len(url) + len(href) + len(link_text)
                links.append(Link(url, link_text, rel, "nofollow" in rel, href))
        if node.tag != "a":
            continue
        # Most anchors are plain links to web pages, which no crawlability rule can fail.
        if url is None or "void" in raw_href:
            reason = _crawlability_problem(node, attributes, raw_href, url=url, page_url=page_url)
            if reason and len(uncrawlable) < MAX_PROBLEMS:
                uncrawlable.append(AnchorProblem(reason, _cap(raw_href, 2000), text, url))
        if not (has_href and text) or len(non_descriptive) >= MAX_PROBLEMS:
            continue
        term = text.lower()
        if term in _ANY_NON_DESCRIPTIVE or term.startswith("http"):
            problem = _link_text_problem(
                node,
                raw_href=raw_href,
                url=url,
                rel_attribute=rel_attribute,
                text=text,
                page_url=page_url,
                text_langs=text_langs,
            )
            if problem is not None:
                non_descriptive.append(problem)
    return _Anchors(
        tuple(links), links_total, link_chars, tuple(uncrawlable), tuple(non_descriptive)
    )


def _fallback_text(node: LexborNode, attributes: Mapping[str, str | None]) -> str:
    """What stands for the text of a link without any: its images' alt, an area's alt."""
    if node.tag == "area":
        alts: Iterable[str] = [_attribute(attributes, "alt")]
    else:
        alts = (_attribute(image.attributes, "alt") for image in node.css("img[alt]"))
    text = " ".join(itertools.islice(alts, 100))
    return _cap(_collapse(text[: 4 * MAX_LINK_TEXT_CHARS]), MAX_LINK_TEXT_CHARS)


def _crawlability_problem(
    node: LexborNode,
    attributes: Mapping[str, str | None],
    raw_href: str,
    *,
    url: str | None,
    page_url: str,
) -> str | None:
    """Lighthouse 12 ``crawlable-anchors``, rule for rule, for one ``<a>``.

    Lighthouse looks at event listeners registered on the anchor and its ancestors; before
    scripts run the only ones are inline ``on*`` attributes, so those stand in for them.
    """
    href = "".join(raw_href.split())
    if (attributes.get("role") or "").strip():
        return None
    if href.startswith("mailto:"):
        return None
    if not href and attributes.get("id"):
        return None  # <a id="section"> is a jump target, not a link
    if href.startswith("file:"):
        return UNCRAWLABLE_FILE_URL
    if (attributes.get("name") or "").strip():
        return None
    if "href" not in attributes:
        if any(name in attributes for name in _HREF_ASSOCIATED_ATTRIBUTES):
            return UNCRAWLABLE_MISSING_HREF
        # A placeholder <a>; it only pretends to be a link if a script handles it.
        return UNCRAWLABLE_SCRIPT_ONLY if _has_inline_event_handler(node) else None
    if "javascript:void" in href and _JAVASCRIPT_VOID_RE.search(href):
        return UNCRAWLABLE_JAVASCRIPT_VOID
    # An href that resolved to a web URL parses against any web base; only others need a look.
    if url is None and not is_valid_url(href, base=page_url):
        return UNCRAWLABLE_INVALID_URL
    return None


def _has_inline_event_handler(node: LexborNode | None) -> bool:
    while node is not None and node.is_element_node:
        if any(name.startswith("on") for name in node.attributes):
            return True
        node = node.parent
    return False


def _link_text_problem(
    node: LexborNode,
    *,
    raw_href: str,
    url: str | None,
    rel_attribute: str,
    text: str,
    page_url: str,
    text_langs: _TextLangs,
) -> AnchorProblem | None:
    """Lighthouse 12 ``link-text`` for one ``<a href>`` with text.

    Skipped like Lighthouse does: ``rel`` containing ``nofollow``, ``javascript:`` and
    ``mailto:`` links, links to the page itself (fragments ignored). Flagged: a text that is
    a full http(s) URL, or one on the blocklist of the text's language (every language's
    list when the language is unknown).
    """
    term = text.lower()
    text_is_url = term.startswith("http") and normalize_url(text) is not None
    if not text_is_url and term not in _ANY_NON_DESCRIPTIVE:
        return None  # the common case, decided before the costlier skip rules
    if "nofollow" in rel_attribute:
        return None
    if url_scheme(raw_href) in ("javascript", "mailto"):
        return None
    if url is not None and url == page_url:
        return None
    if text_is_url:
        return AnchorProblem(LINK_TEXT_IS_URL, _cap(raw_href, 2000), text, url)
    lang = text_langs.lang_of(node)
    if lang and term not in NON_DESCRIPTIVE_LINK_TEXTS.get(lang.split("-")[0], ()):
        return None
    return AnchorProblem(LINK_TEXT_NON_DESCRIPTIVE, _cap(raw_href, 2000), text, url, lang or None)


class _TextLangs:
    """The language of a link's text, as Lighthouse's AnchorElements gatherer decides it."""

    def __init__(self, tree: LexborHTMLParser) -> None:
        self._tree = tree
        self._single_lang: str | None = None
        self._single_lang_known = False

    def lang_of(self, node: LexborNode) -> str | None:
        if not self._single_lang_known:
            # One lang attribute, on <html> or <body>: it is every text's language.
            elements = self._tree.css("[lang]")
            if len(elements) == 1 and elements[0].tag in ("html", "body"):
                self._single_lang = _attribute(elements[0].attributes, "lang")
            self._single_lang_known = True
        if self._single_lang is not None:
            return self._single_lang
        current: str | None = None
        for child in node.css("*"):
            if child.mem_id == node.mem_id:
                continue  # css() matches the element itself too; Lighthouse asks its children
            if not child.text():
                continue
            child_lang = _closest_lang(child)
            if not child_lang:
                continue
            if current is None:
                current = child_lang
            elif current.split("-")[0] != child_lang.split("-")[0]:
                return None  # mixed languages: Lighthouse then checks every list
        return current or _closest_lang(node)


def _closest_lang(node: LexborNode | None) -> str | None:
    while node is not None and node.is_element_node:
        attributes = node.attributes
        if "lang" in attributes:
            return _attribute(attributes, "lang")
        node = node.parent
    return None
