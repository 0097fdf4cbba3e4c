"""Defences against hostile markup: a CPU budget per page, and markup that makes HTML5
parsers slow (runaway nesting, attribute bombs, too many elements) defused before parsing."""

from __future__ import annotations

import re
import time
from typing import Final

from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser

from .limits import MAX_ELEMENTS, OUT_OF_CPU, TOO_COMPLEX, TOO_MANY_ELEMENTS


class PageTooComplex(Exception):
    """The page cannot be analysed within its CPU budget: ``reason`` is TOO_MANY_ELEMENTS or
    OUT_OF_CPU, ``amount`` the elements counted or the CPU seconds allowed."""

    def __init__(self, reason: str, amount: float) -> None:
        super().__init__(f"{reason}={amount}")
        self.reason = reason
        self.amount = amount


def too_complex_reason(parse_error: str | None) -> tuple[str, float] | None:
    """``(reason, amount)`` of a page that was too complex to analyse, else None."""
    if not parse_error or not parse_error.startswith(TOO_COMPLEX + ": "):
        return None
    reason, _, amount = parse_error[len(TOO_COMPLEX) + 2 :].partition("=")
    try:
        return reason, float(amount)
    except ValueError:
        return None


class _CpuBudget:
    """CPU seconds of the calling thread (a crawl's other threads do not count)."""

    __slots__ = ("deadline", "seconds")

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.deadline = float("inf") if seconds is None else time.thread_time() + seconds

    def check(self) -> None:
        if time.thread_time() > self.deadline:
            raise PageTooComplex(OUT_OF_CPU, self.seconds or 0)


MAX_NESTING_DEPTH: Final = 512  # what Chrome allows


# Lexbor compares each attribute with the element's others: 20,000 cost 1.2 s, and 5 MB of
# elements with 1,000 each ~1.3 s. With 256, a 5 MB page of them costs ~0.3 s.
MAX_ATTRIBUTES: Final = 256


# Start tags left open beyond which the markup is scanned for runaway nesting.
_UNCLOSED_TAGS_BEFORE_SCAN: Final = 4096


# The tag's end (">") is looked up with str.find, not by the pattern: "[^>]*>" retried from
# each "<a" of 5 MB of "<a<a<a..." without ">" was quadratic (11 s of CPU for 200 KB).
_MARKUP_TOKEN_RE: Final = re.compile(r"<(?:(!--)|(/?)([a-zA-Z][a-zA-Z0-9:-]*+))")


# Longer tags are stepped over by searching again after them.
_LONG_TAG_CHARS: Final = 1024


# A start tag runs to the next ">" (quotes aside): "<a<a<a" is one tag named "a<a<a".
_START_TAG_RE: Final = re.compile(r"<[a-zA-Z][^>]*+")


_RAW_TEXT_TAGS: Final = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"}
)


# Start tags that never deepen the tree: void elements, and the document's own skeleton.
_FLAT_TAGS: Final = frozenset(
    {
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"),
        *("source", "track", "wbr", "param", "keygen", "frame", "basefont", "bgsound", "image"),
        *("html", "head", "body"),
    }
)


# Smaller pages cannot hold an attribute bomb that costs more than ~0.1 s.
_ATTRIBUTE_SCAN_CHARS: Final = 32 * 1024


# The HTML tokenizer's view of attributes, quotes included (a quoted ">" does not end a tag),
# with possessive quantifiers throughout: every character is read once.
_WS: Final = r"\t\n\f\r "


_ATTRIBUTE: Final = (
    rf"[^{_WS}/>][^{_WS}/>=]*+"
    rf"""(?:[{_WS}]*+=[{_WS}]*+(?:"[^"]*+"|'[^']*+'|[^{_WS}>]++))?+"""
)


_ATTRIBUTES_WITHIN_LIMIT: Final = (
    rf"(?:[{_WS}/]*+{_ATTRIBUTE}){{0,{MAX_ATTRIBUTES}}}+(?![{_WS}/]*+[^{_WS}/>])"
)


# One alternative per element, not a backreference: Python's re rejects a group captured
# inside a possessive repeat ("The span of capturing group is wrong").
_RAW_TEXT_ELEMENTS: Final = "|".join(
    rf"{name}(?=[{_WS}/>]){_ATTRIBUTES_WITHIN_LIMIT}(?:[^<]++|<(?!/{name}[{_WS}/>]))*+"
    for name in ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
    + ("noscript",)
)


# Everything up to the first tag with more than MAX_ATTRIBUTES attributes (one match: no
# Python per tag). Comments and raw text (scripts, styles) are skipped whole, so their text
# is never taken for attributes.
_MARKUP_WITHOUT_ATTRIBUTE_BOMBS_RE: Final = re.compile(
    rf"""(?:
        [^<]++
      | <(?:
            !--(?:[^-]++|-(?!->))*+(?:-->)?
          | (?=[stxin])(?:{_RAW_TEXT_ELEMENTS})
          | /?[a-zA-Z][^{_WS}/>]*+{_ATTRIBUTES_WITHIN_LIMIT}
          | (?!/?[a-zA-Z])
        )
    )*+""",
    re.IGNORECASE | re.VERBOSE,
)


_TAG_WITH_ATTRIBUTES_RE: Final = re.compile(
    rf"(</?[a-zA-Z][^{_WS}/>]*+)(?:[{_WS}/]*+{_ATTRIBUTE})*+", re.IGNORECASE
)


_FIRST_ATTRIBUTES_RE: Final = re.compile(rf"(?:[{_WS}/]*+{_ATTRIBUTE}){{0,{MAX_ATTRIBUTES}}}+")


# A start tag of one of these closes an open sibling of the same kind: <li>a<li>b.
_SIBLING_CLOSING_TAGS: Final = {
    "li": {"li"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "p": {"p"},
    "option": {"option"},
    "tr": {"tr", "td", "th"},
    "td": {"td", "th"},
    "th": {"td", "th"},
}


def _parse_html(text: str, *, budget: _CpuBudget | None = None) -> LexborHTMLParser:
    """Build the DOM a browser builds, with scripting on, without quadratic blow-ups.

    Lexbor's DOM mutation events (which fill ``<selectedcontent>``) take quadratic time on a
    long ``<select>`` (12 s for 50,000 options) and change nothing we read, so they are off.
    Deeply nested markup makes every HTML5 parser slow, as each new element looks through all
    open ones (4 s for 50,000 unclosed ``<div>``), so pages with many unclosed tags are kept
    within :data:`MAX_NESTING_DEPTH` levels first. Likewise each attribute is checked against
    the element's others (18 s for 50,000), so only the first :data:`MAX_ATTRIBUTES` are kept.
    The parser itself cannot be interrupted, so a page whose size in elements would take it
    past the CPU budget (:data:`MAX_ELEMENTS`) is refused before it starts.
    """
    budget = budget or _CpuBudget(None)
    if text.count("<") > MAX_ELEMENTS:
        elements = _START_TAG_RE.subn("", text)[1]
        if elements > MAX_ELEMENTS:
            raise PageTooComplex(TOO_MANY_ELEMENTS, elements)
    if text.count("<") - 2 * text.count("</") > _UNCLOSED_TAGS_BEFORE_SCAN:
        text = _flatten_deep_nesting(text, budget=budget)
        budget.check()
    if len(text) > _ATTRIBUTE_SCAN_CHARS:
        text = _trim_attribute_bombs(text)
        budget.check()
    return LexborHTMLParser(text, scripting=True, options=LexborDocumentOptions.WO_EVENTS)


def _trim_attribute_bombs(text: str) -> str:
    """Keep the first :data:`MAX_ATTRIBUTES` attributes of every tag that has more."""
    pieces: list[str] = []
    position = 0
    while True:
        bomb = _MARKUP_WITHOUT_ATTRIBUTE_BOMBS_RE.match(text, position).end()
        if bomb >= len(text):
            break
        tag = _TAG_WITH_ATTRIBUTES_RE.match(text, bomb)
        kept = _FIRST_ATTRIBUTES_RE.match(text, tag.end(1)).end()
        pieces.append(text[position:kept])
        position = tag.end()  # the attributes after the first MAX_ATTRIBUTES are left out
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)


def _flatten_deep_nesting(text: str, *, budget: _CpuBudget) -> str:
    """Close the innermost open element before a start tag that would nest too deep.

    The new element then becomes a sibling instead of a child, as in Chrome; nothing is lost.
    Open elements are tracked roughly (only the commonest end tags the parser implies are
    modelled), which is enough to keep the real depth near the limit.
    """
    pieces: list[str] = []
    open_tags: list[str] = []
    open_counts: dict[str, int] = {}
    copied_up_to = position = 0
    # finditer, restarted after a long stretch that is not markup (a comment, a script, a
    # long tag); tokens inside a short one start before `position` and are passed over.
    tokens = _MARKUP_TOKEN_RE.finditer(text)
    count = 0
    while (match := next(tokens, None)) is not None:
        count += 1
        if not count & 1023:
            budget.check()
        start = match.start()
        if start < position:
            continue
        comment, slash, name = match.groups()
        if comment:
            end = text.find("-->", start + 4)
            if end == -1:
                break
            position = end + 3
            tokens = _MARKUP_TOKEN_RE.finditer(text, position)
            continue
        tag_end = text.find(">", match.end())
        if tag_end == -1:
            break  # a tag left open runs to the end of the page, which drops it
        position = tag_end + 1
        if tag_end - start > _LONG_TAG_CHARS:
            tokens = _MARKUP_TOKEN_RE.finditer(text, position)
        name = name.lower()
        if slash:  # an end tag closes everything opened after its element
            if open_counts.get(name):
                while open_tags:
                    closed = open_tags.pop()
                    open_counts[closed] -= 1
                    if closed == name:
                        break
            continue
        if name in _RAW_TEXT_TAGS:
            end = _find_end_tag(text, name, position)
            if end == -1:
                break
            position = end
            tokens = _MARKUP_TOKEN_RE.finditer(text, position)
            continue
        if name in _FLAT_TAGS or text[tag_end - 1] == "/":
            continue
        closes = _SIBLING_CLOSING_TAGS.get(name)
        while closes and open_tags and open_tags[-1] in closes:
            open_counts[open_tags.pop()] -= 1
        if len(open_tags) >= MAX_NESTING_DEPTH:
            innermost = open_tags.pop()
            open_counts[innermost] -= 1
            pieces.append(text[copied_up_to:start])
            pieces.append(f"</{innermost}>")
            copied_up_to = start
        open_tags.append(name)
        open_counts[name] = open_counts.get(name, 0) + 1
    pieces.append(text[copied_up_to:])
    return "".join(pieces)


_RAW_TEXT_END_RES: Final = {
    name: re.compile(rf"</{name}[\s/>]", re.IGNORECASE) for name in _RAW_TEXT_TAGS
}


def _find_end_tag(text: str, name: str, position: int) -> int:
    """Where the raw text of a ``<script>``-like element ends: its markup is not markup."""
    match = _RAW_TEXT_END_RES[name].search(text, position)
    return -1 if match is None else match.start()
