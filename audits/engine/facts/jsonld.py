"""JSON-LD structured data: the @types a page declares, decoded as leniently as extruct does."""

from __future__ import annotations

import json
import re
from typing import Final

import jstyleson
from selectolax.lexbor import LexborHTMLParser

from .dom import _attribute, _cap
from .guards import _CpuBudget
from .limits import MAX_JSONLD_BLOCKS, MAX_JSONLD_TYPES

# jstyleson walks the text in Python: fine for a real block, too slow for a hostile one.
_LENIENT_JSON_MAX_CHARS: Final = 256 * 1024

# A comment line before the JSON (``// ...`` or ``<!-- ... -->``), as extruct strips it
# (extruct/jsonld.py): extruct itself is not needed for one regular expression.
HTML_OR_JS_COMMENTLINE: Final = re.compile(r"^\s*(//.*|<!--.*-->)")


def _read_jsonld(tree: LexborHTMLParser, *, budget: _CpuBudget) -> tuple[tuple[str, ...], int, int]:
    """``@type`` values of the JSON-LD blocks (top level and ``@graph``), blocks, bad blocks.

    Not extruct's JsonLdExtractor: it re-parses the whole page with lxml (measured 0.31 ms
    for an 18 KB page, against 0.03 ms for this) and raises at the first broken block, losing
    the others. We take the scripts from the tree we already have and decode each block the
    way extruct does: ``json.loads(strict=False)``, then jstyleson (comments, trailing commas)
    after dropping a leading HTML/JS comment line. Only the first :data:`MAX_JSONLD_BLOCKS`
    are decoded, and jstyleson reads at most ``_LENIENT_JSON_MAX_CHARS`` a page.
    """
    types: dict[str, None] = {}
    blocks = errors = 0
    lenient_left = _LENIENT_JSON_MAX_CHARS  # what jstyleson may still read on this page
    for script in tree.css("script[type]"):
        if _attribute(script.attributes, "type").strip().lower() != "application/ld+json":
            continue
        blocks += 1
        if blocks > MAX_JSONLD_BLOCKS:
            continue  # counted, not read
        budget.check()
        text = script.text()
        data = _decode_json(text)
        if data is _NOT_JSON and len(text) <= lenient_left:
            lenient_left -= len(text)
            data = _decode_lenient_json(text)
        if data is _NOT_JSON:
            errors += 1
            continue
        _collect_types(data, types, budget=budget)
    return tuple(types), blocks, errors


_NOT_JSON: Final = object()


def _decode_json(text: str) -> object:
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return _NOT_JSON


def _decode_lenient_json(text: str) -> object:
    try:
        return jstyleson.loads(HTML_OR_JS_COMMENTLINE.sub("", text), strict=False)
    except Exception:  # jstyleson raises whatever its scanner trips on
        return _NOT_JSON


def _collect_types(data: object, types: dict[str, None], *, budget: _CpuBudget) -> None:
    pending = [data]
    visited = 0
    while pending and visited < 10_000 and len(types) < MAX_JSONLD_TYPES:
        item = pending.pop()
        visited += 1
        if not visited & 1023:
            budget.check()
        if isinstance(item, list):
            pending.extend(reversed(item))
            continue
        if not isinstance(item, dict):
            continue
        declared = item.get("@type")
        for value in declared if isinstance(declared, list) else [declared]:
            if isinstance(value, str) and value.strip():
                types[_cap(value.strip(), 200)] = None
        graph = item.get("@graph")
        if isinstance(graph, list | dict):
            pending.append(graph)
