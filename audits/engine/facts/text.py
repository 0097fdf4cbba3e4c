"""Visible text: word count and content hash."""

from __future__ import annotations

import hashlib
from typing import Final

from selectolax.lexbor import LexborHTMLParser

from .dom import _CJK_CHAR_RE

# Elements whose text a visitor never reads as page content.
_INVISIBLE_TAGS: Final = [
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "noembed",
    "noframes",
    "title",
]


_INVISIBLE_SELECTOR: Final = ", ".join(_INVISIBLE_TAGS)


_LARGE_PAGE_BYTES: Final = 512 * 1024


def _read_visible_text(tree: LexborHTMLParser, *, large: bool = False) -> tuple[int, str]:
    """Word count and a hash of the visible body text; strips invisible elements."""
    body = tree.body
    if body is None:
        text = ""
    else:
        tags = _INVISIBLE_TAGS
        if large:
            # strip_tags walks the tree once per name (0.1 s for the eight of them on a
            # 200,000-element page): one walk first finds the names the page has.
            present = {node.tag for node in tree.css(_INVISIBLE_SELECTOR)}
            tags = [tag for tag in _INVISIBLE_TAGS if tag in present]
        if tags:
            tree.strip_tags(tags)
        # A separator keeps words in adjacent blocks apart (<p>a</p><p>b</p>).
        text = body.text(separator=" ")
    # A word is what whitespace separates, as in Screaming Frog; CJK characters count one each.
    tokens = text.split()
    normalized = " ".join(tokens)
    content_hash = hashlib.sha1(normalized.encode("utf-8"), usedforsecurity=False).hexdigest()
    if normalized.isascii() or not _CJK_CHAR_RE.search(normalized):
        return len(tokens), content_hash
    spaced, cjk_chars = _CJK_CHAR_RE.subn(" ", normalized)
    return len(spaced.split()) + cjk_chars, content_hash
