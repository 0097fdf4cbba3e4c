"""The document body: headings, images (axe's image-alt), insecure forms, mixed content."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Final

from selectolax.lexbor import LexborHTMLParser

from audits.engine.urls import (
    MAX_URL_CHARS,
)

from .dom import _attribute, _cap, _collapsed_text, _Resolver
from .guards import _CpuBudget
from .limits import MAX_HEADINGS, MAX_IMAGES, MAX_TEXT_CHARS, MAX_URLS
from .model import Image

_SUBRESOURCE_SELECTOR: Final = (
    "img[src], script[src], iframe[src], frame[src], audio[src], video[src], source[src], "
    "track[src], embed[src]"
)


@dataclass(slots=True)
class _Headings:
    headings: tuple[tuple[int, str], ...]  # the first MAX_HEADINGS, document order
    h1: tuple[str, ...]  # the first MAX_HEADINGS h1 texts
    h2_count: int


def _read_headings(tree: LexborHTMLParser, *, budget: _CpuBudget) -> _Headings:
    headings: list[tuple[int, str]] = []
    h1: list[str] = []
    h2_count = 0
    for index, node in enumerate(tree.css("h1, h2, h3, h4, h5, h6")):
        if not index & 63:
            budget.check()
        level = int(node.tag[1])
        h2_count += level == 2
        listed = len(headings) < MAX_HEADINGS
        wanted_h1 = level == 1 and len(h1) < MAX_HEADINGS
        if not (listed or wanted_h1):
            continue  # counted only: texts are read for the headings that are kept
        text = _collapsed_text(node, MAX_TEXT_CHARS)
        if listed:
            headings.append((level, text))
        if wanted_h1:
            h1.append(text)
    return _Headings(tuple(headings), tuple(h1), h2_count)


@dataclass(slots=True)
class _Images:
    total: int = 0
    missing_alt_attr: int = 0
    empty_alt: int = 0
    sample: tuple[Image, ...] = ()
    failing_axe_alt: int = 0


_PRESENTATIONAL_ROLES = frozenset({"none", "presentation"})


_AXE_WHITESPACE = " \t\n\r\f"


def _hidden_from_assistive_tech(node) -> bool:
    """axe skips images hidden from assistive technology: aria-hidden, hidden, display:none."""
    while node is not None and node.tag not in ("html", "-undef", None):
        attributes = node.attributes
        if (attributes.get("aria-hidden") or "").strip().lower() == "true":
            return True
        if "hidden" in attributes:
            return True
        style = (attributes.get("style") or "").replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style:
            return True
        node = node.parent
    return False


def _fails_axe_image_alt(image, attributes) -> bool:
    """axe-core's image-alt rule: an <img> passes with an alt attribute (not whitespace only),
    a non-empty aria-label, aria-labelledby or title, or a none/presentation role."""
    alt = attributes.get("alt")
    if alt is not None and alt != "" and not alt.strip(_AXE_WHITESPACE):
        return not _hidden_from_assistive_tech(image)  # alt-space-value fails on its own
    if alt is not None:
        return False
    role = (attributes.get("role") or "").strip().lower()
    if role in _PRESENTATIONAL_ROLES:
        return False
    for name in ("aria-label", "aria-labelledby", "title"):
        if (attributes.get(name) or "").strip():
            return False
    return not _hidden_from_assistive_tech(image)


def _read_images(tree: LexborHTMLParser, *, resolve: _Resolver, budget: _CpuBudget) -> _Images:
    images = tree.css("img")
    missing = empty = failing_axe = 0
    sample: list[Image] = []
    for index, image in enumerate(images):
        if not index & 63:
            budget.check()  # an image may cost a walk up to the root (is it hidden?)
        attributes = image.attributes
        if "alt" in attributes:
            alt: str | None = _cap(_attribute(attributes, "alt"))
            if not alt.strip():
                empty += 1
        else:
            alt = None
            missing += 1
        fails_axe = _fails_axe_image_alt(image, attributes)
        failing_axe += fails_axe
        if len(sample) < MAX_IMAGES:
            raw_src = _attribute(attributes, "src")
            src = resolve(raw_src) if raw_src else None
            sample.append(Image(src or _cap(raw_src, MAX_URL_CHARS), alt, fails_axe))
    return _Images(len(images), missing, empty, tuple(sample), failing_axe)


def _insecure_forms(
    tree: LexborHTMLParser, *, resolve: _Resolver, budget: _CpuBudget
) -> tuple[str, ...]:
    """http:// targets of forms on an https page: their data would travel unencrypted."""
    found: dict[str, None] = {}
    for index, node in enumerate(tree.css("form[action], button[formaction], input[formaction]")):
        if not index & 63:
            budget.check()
        if len(found) >= MAX_URLS:
            break
        attributes = node.attributes
        raw = _attribute(attributes, "action" if node.tag == "form" else "formaction")
        if not raw.strip():
            continue  # an empty action submits to the page itself
        target = resolve(raw)
        if target is not None and target.startswith("http://"):
            found[target] = None
    return tuple(found)


def _mixed_content(
    tree: LexborHTMLParser, *, resolve: _Resolver, budget: _CpuBudget
) -> tuple[str, ...]:
    """http:// subresources of an https page."""
    found: dict[str, None] = {}
    stylesheets = (
        _attribute(node.attributes, "href")
        for node in tree.css("link[href]")
        if "stylesheet" in _attribute(node.attributes, "rel").lower().split()
    )
    candidates = itertools.chain(
        (_attribute(node.attributes, "src") for node in tree.css(_SUBRESOURCE_SELECTOR)),
        stylesheets,
        (_attribute(node.attributes, "data") for node in tree.css("object[data]")),
    )
    for index, raw in enumerate(candidates):
        if not index & 63:
            budget.check()
        if len(found) >= MAX_URLS:
            break
        if not raw:
            continue
        target = resolve(raw)
        if target is not None and target.startswith("http://"):
            found[target] = None
    return tuple(found)
