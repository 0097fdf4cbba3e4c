"""An independent reading of a page, to check :func:`audits.engine.facts.parse_page` against.

It shares no code with the engine: html5lib (a pure-Python HTML5 parser, with its own
encoding sniffing) builds the tree, plain iteration over it collects the facts, and the
standard library resolves URLs. Where both agree, the facts are what a browser's DOM holds.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import html5lib

HTML = "{http://www.w3.org/1999/xhtml}"
_ASCII_WHITESPACE = " \t\n\r\f"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def read_page(body: bytes, *, url: str, transport_encoding: str | None = None) -> dict[str, Any]:
    root = html5lib.parse(
        body,
        treebuilder="etree",
        namespaceHTMLElements=True,
        scripting=True,  # Chrome runs with scripting on: <noscript> holds text
        transport_encoding=transport_encoding,
    )
    elements = list(_elements_in_document(root))
    head = root.find(f"{HTML}head")
    head_elements = list(_elements_in_document(head)) if head is not None else []

    base_url = url
    for element in elements:
        if element.tag == f"{HTML}base" and "href" in element.attrib:
            base_url = _resolve(element.get("href"), url) or url
            break

    titles = [e for e in elements if e.tag == f"{HTML}title"]
    images = [e for e in elements if e.tag == f"{HTML}img"]
    head_links = [e for e in head_elements if e.tag == f"{HTML}link"]
    return {
        "title": _collapse_ascii(titles[0].text or "") if titles else None,
        "titles": [_collapse_ascii(e.text or "") for e in head_elements if e.tag == f"{HTML}title"],
        "meta_descriptions": [
            e.get("content", "")
            for e in head_elements
            if e.tag == f"{HTML}meta" and e.get("name", "").lower() == "description"
        ],
        "h1": [" ".join(_text_content(e).split()) for e in elements if e.tag == f"{HTML}h1"],
        "canonicals": [
            (e.get("href"), _resolve(e.get("href"), base_url))
            for e in head_links
            if e.get("rel", "").lower() == "canonical" and e.get("href")
        ],
        "lang": root.get("lang"),
        "hreflang": [
            (e.get("hreflang"), _resolve(e.get("href"), base_url) if e.get("href") else None)
            for e in head_links
            if e.get("rel", "").lower() == "alternate" and e.get("hreflang")
        ],
        "images_total": len(images),
        "images_missing_alt_attr": sum(1 for e in images if "alt" not in e.attrib),
        "images_empty_alt": sum(
            1 for e in images if "alt" in e.attrib and not e.get("alt").strip()
        ),
        "link_urls": [
            resolved
            for e in elements
            if e.tag in (f"{HTML}a", f"{HTML}area") and "href" in e.attrib
            if (resolved := _resolve(e.get("href"), base_url)) is not None
        ],
    }


def _elements_in_document(root):
    """Elements in tree order, without template contents (they are not in the document)."""
    stack = [root]
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):
            continue  # a comment
        yield element
        if element.tag != f"{HTML}template":
            stack.extend(reversed(list(element)))


def _text_content(element) -> str:
    """DOM textContent: the text of every descendant text node; comments hold none."""
    parts = [element.text or ""] if isinstance(element.tag, str) else []
    for child in element:
        parts.append(_text_content(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _collapse_ascii(text: str) -> str:
    """document.title strips and collapses ASCII whitespace only (not U+00A0)."""
    return " ".join(_split_ascii(text))


def _split_ascii(text: str) -> list[str]:
    words, current = [], []
    for char in text:
        if char in _ASCII_WHITESPACE:
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        words.append("".join(current))
    return words


# The WHATWG URL Standard's percent-encode sets for special schemes (http, https), besides
# C0 controls, space and non-ASCII, which are always encoded.
_PATH_ENCODED = set('"#<>?^`{}')
_QUERY_ENCODED = set("\"#<>'")


def _encode(text: str, encoded: set[str]) -> str:
    return "".join(
        quote(char, safe="") if ord(char) <= 0x20 or ord(char) > 0x7E or char in encoded else char
        for char in text
    )


def _resolve(href: str, base: str) -> str | None:
    href = href.strip(_ASCII_WHITESPACE).replace("\t", "").replace("\n", "").replace("\r", "")
    before_query, question, after = href.partition("?")
    href = before_query.replace("\\", "/") + question + after  # a backslash is a slash
    try:
        joined = urljoin(base, href).partition("#")[0]
        parts = urlsplit(joined)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.encode("idna").decode("ascii")
    if any(char in host for char in ' <>"'):
        return None
    netloc = host if port in (None, _DEFAULT_PORTS[parts.scheme]) else f"{host}:{port}"
    path = _encode(parts.path or "/", _PATH_ENCODED)
    # A bare trailing "?" is an empty query, which a browser keeps (urljoin drops it). An
    # empty reference is the base itself, query included.
    reference = href.partition("#")[0]
    has_query = "?" in reference if reference else "?" in base.partition("#")[0]
    query = "?" + _encode(parts.query, _QUERY_ENCODED) if has_query else ""
    return f"{parts.scheme}://{netloc}{path}{query}"
