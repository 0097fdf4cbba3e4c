"""Small helpers over Lexbor nodes, and URL resolution against the document base URL."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from selectolax.lexbor import LexborNode

from audits.engine.urls import (
    MAX_URL_CHARS,
    UrlTooLong,
    resolve_url,
)

from .limits import MAX_TEXT_CHARS

_ASCII_WHITESPACE_RE: Final = re.compile(r"[\t\n\f\r ]+")


# Counted as words one character at a time: these scripts do not separate words by spaces.
_CJK_CHAR_RE: Final = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _attribute(attributes: Mapping[str, str | None], name: str) -> str:
    """``getAttribute(name) || ''``: a valueless attribute reads as the empty string."""
    return attributes.get(name) or ""


def _cap(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    return text if len(text) <= limit else text[:limit]


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _in_foreign_content(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in ("svg", "math"):
            return True
        parent = parent.parent
    return False


def _collapsed_text(node: LexborNode, limit: int) -> str:
    """The node's text with whitespace collapsed, at most ``limit`` characters. Only the
    start of a long text is collapsed: a heading that swallowed the page is not split into
    a million words to keep ten thousand characters."""
    text = node.text()
    if len(text) > 4 * limit:
        text = text[: 4 * limit]
    return _cap(_collapse(text), limit)


_TOO_LONG_URL: Final = ""  # a resolver's cached answer for an over-long URL


_RESOLVER_CACHE_ENTRIES: Final = 4096


class _Resolver:
    """Resolves a page's URLs against its base URL, each distinct one once; counts the
    distinct URLs dropped for being longer than MAX_URL_CHARS (past the cache's bound, a
    repeated one is counted again)."""

    __slots__ = ("base_url", "_cache", "too_long")

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._cache: dict[str, str | None] = {}
        self.too_long = 0

    def __call__(self, raw: str) -> str | None:
        url = self._cache.get(raw, _NOT_CACHED)
        if url is _NOT_CACHED:
            try:
                url = resolve_url(raw, base=self.base_url)
            except UrlTooLong:
                url = _TOO_LONG_URL
                self.too_long += 1
            # Bounded: a page of 300,000 distinct long hrefs must not keep them all here.
            if len(self._cache) < _RESOLVER_CACHE_ENTRIES and len(raw) <= MAX_URL_CHARS:
                self._cache[raw] = url
        return None if url == _TOO_LONG_URL else url


_NOT_CACHED: Final = object()
