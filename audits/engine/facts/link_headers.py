"""HTTP ``Link`` headers (RFC 8288) and other header values."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from audits.engine.urls import (
    MAX_URL_CHARS,
)

from .dom import _cap, _Resolver
from .guards import _CpuBudget
from .head import _url_ref
from .limits import MAX_PROBLEMS, MAX_URLS
from .model import Hreflang, UrlRef


def _header_values(headers: Mapping[str, str] | None, name: str) -> list[str]:
    if not headers:
        return []
    getall = getattr(headers, "getall", None)  # aiohttp's CIMultiDict keeps repeats apart
    if callable(getall):
        return [str(value) for value in getall(name, [])]
    return [str(value) for key, value in headers.items() if str(key).lower() == name]


def parse_link_header(value: str) -> list[tuple[str, dict[str, str]]]:
    """Parse an HTTP ``Link`` header (RFC 8288) into ``(uri, params)`` pairs.

    Lenient: a malformed entry is skipped, not the whole header. Parameter names are
    lowercased; the first occurrence of a parameter wins.
    """
    return list(_iter_link_header(value))


def _iter_link_header(value: str) -> Iterator[tuple[str, dict[str, str]]]:
    position, length = 0, len(value)
    while position < length:
        while position < length and value[position] in " \t,":
            position += 1
        if position >= length:
            break
        if value[position] != "<":
            position = _skip_entry(value, position)
            continue
        close = value.find(">", position + 1)
        if close == -1:
            break
        uri = value[position + 1 : close].strip()
        position = close + 1
        params: dict[str, str] = {}
        while position < length:
            while position < length and value[position] in " \t":
                position += 1
            if position >= length or value[position] == ",":
                break
            if value[position] != ";":
                position = _skip_entry(value, position)
                break
            position += 1
            while position < length and value[position] in " \t":
                position += 1
            name_start = position
            while position < length and value[position] not in "=;, \t":
                position += 1
            name = value[name_start:position].lower()
            while position < length and value[position] in " \t":
                position += 1
            param_value = ""
            if position < length and value[position] == "=":
                position += 1
                while position < length and value[position] in " \t":
                    position += 1
                if position < length and value[position] == '"':
                    param_value, position = _read_quoted(value, position + 1)
                else:
                    value_start = position
                    while position < length and value[position] not in ";,":
                        position += 1
                    param_value = value[value_start:position].strip()
            if name and name not in params:
                params[name] = param_value
        yield uri, params


def _skip_entry(value: str, position: int) -> int:
    """Position after the next comma outside quotes: where the next link starts."""
    in_quotes = False
    while position < len(value):
        char = value[position]
        if char == '"':
            in_quotes = not in_quotes
        elif char == "\\" and in_quotes:
            position += 1
        elif char == "," and not in_quotes:
            return position + 1
        position += 1
    return position


def _read_quoted(value: str, position: int) -> tuple[str, int]:
    chars: list[str] = []
    while position < len(value):
        char = value[position]
        if char == "\\" and position + 1 < len(value):
            chars.append(value[position + 1])
            position += 2
            continue
        if char == '"':
            return "".join(chars), position + 1
        chars.append(char)
        position += 1
    return "".join(chars), position


def _read_link_headers(
    values: Iterable[str], *, resolve: _Resolver, budget: _CpuBudget
) -> tuple[tuple[UrlRef, ...], tuple[Hreflang, ...]]:
    canonicals: list[UrlRef] = []
    hreflangs: list[Hreflang] = []
    entries = (entry for value in values for entry in _iter_link_header(value))
    for index, (uri, params) in enumerate(entries):
        if not index & 63:
            budget.check()
        rels = params.get("rel", "").lower().split()
        if "canonical" in rels and uri and len(canonicals) < MAX_URLS:
            canonicals.append(_url_ref(uri, resolve=resolve))
        hreflang = params.get("hreflang", "")
        if "alternate" in rels and hreflang and len(hreflangs) < MAX_PROBLEMS:
            href = resolve(uri) if uri else None
            raw_href = _cap(uri, MAX_URL_CHARS)
            hreflangs.append(Hreflang(_cap(hreflang, 100), href, raw_href, "header"))
    return tuple(canonicals), tuple(hreflangs)
