"""Decoding a page's bytes as a browser does (BOM, Content-Type, <meta>, fallbacks)."""

from __future__ import annotations

import codecs
import re
from typing import Final

import webencodings

_HTML_MIME_TYPES: Final = frozenset({"text/html", "application/xhtml+xml"})


# Encoding labels are the WHATWG Encoding Standard's, from webencodings (html5lib's table).
# Python's codec of the same name is stricter than what browsers decode for these labels (the
# Standard's Shift_JIS is Microsoft's cp932, its gbk decoder is gb18030's, ...): use the
# browser's superset, or a page that a browser shows fine would get replacement characters.
_BROWSER_CODECS: Final = {
    "shift_jis": "cp932",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "euc-kr": "cp949",
}
# Not decoded: "replacement" (labels the Standard retired, e.g. iso-2022-kr) and
# x-user-defined are treated as no declaration, so the page is still read.
_IGNORED_ENCODINGS: Final = frozenset({"replacement", "x-user-defined"})


def codec_for_label(label: str) -> str | None:
    """The Python codec name for an encoding label (``"latin1"`` -> ``"cp1252"``), None when
    the label is unknown or ignored."""
    name = webencodings.LABELS.get(label.lower())
    if name is None or name in _IGNORED_ENCODINGS:
        return None
    return _BROWSER_CODECS.get(name) or webencodings.lookup(name).codec_info.name


# Written so that each input can match only one way: "\s*["']?\s*" split a run of spaces
# in every possible way, and "<!--.*?--> or <meta[^>]*?charset" rescanned the rest of the
# 64 KB window from every unclosed "<!--" or "<meta" (minutes of CPU).
_CHARSET_PARAM_RE: Final = re.compile(
    r"""charset\s*+=\s*+(?:["']\s*+)?([^\s"';,]+)""", re.IGNORECASE
)


# Both alternatives match from wherever they start (the charset is optional), so the search
# never starts again inside a comment or a tag it has read: every byte is read once.
_META_CHARSET_RE: Final = re.compile(
    rb"""<!--(?:[^-]++|-(?!->))*+(?:-->)?"""
    rb"""|<meta[\s/](?:[^>c]++|c(?!harset\s*+=))*+"""
    rb"""(?:charset\s*+=\s*+(?:["']\s*+)?([a-zA-Z0-9_.:\-]+))?""",
    re.IGNORECASE,
)


# The Standard's prescan reads 1024 bytes; Chrome keeps looking while it is still in <head>,
# and a later <meta charset> makes browsers re-decode the page, so look further.
_META_SCAN_BYTES: Final = 64 * 1024


_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)


def decode_html(body: bytes, *, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML body; returns the text and the Python codec used. Never raises."""
    return _decode(body, declared_codec(body, content_type=content_type))


def declared_codec(body: bytes, *, content_type: str | None = None) -> str | None:
    """The codec a byte-order mark, the ``Content-Type`` charset or a ``<meta>`` declaration
    names, in that order of precedence; None when the page declares nothing we know."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec
    if content_type:
        match = _CHARSET_PARAM_RE.search(content_type)
        if match:
            codec = codec_for_label(match.group(1))
            if codec is not None:
                return codec
    return _meta_declared_codec(body)


def _decode(body: bytes, declared: str | None) -> tuple[str, str]:
    if declared is None:
        return _decode_undeclared(body)
    for bom, bom_codec in _BOMS:
        if bom_codec == declared and body.startswith(bom):
            body = body[len(bom) :]
            break
    return body.decode(declared, errors="replace"), declared


def _decode_undeclared(body: bytes) -> tuple[str, str]:
    """Nothing declared: UTF-8 when the bytes are UTF-8 (the HTML Standard allows detecting
    it, and its byte pattern leaves no doubt; search engines read such pages as UTF-8), else
    windows-1252, the Standard's default for Western locales, as Chromium and html5lib use it.
    Old European sites that never declared their Latin-1 text read right that way. A body
    cut in the middle of a character (size limit, timeout) is still UTF-8. One pass: the
    UTF-8 attempt is the decoding."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(body, final=False)
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace"), "cp1252"
    if decoder.getstate()[0]:
        text += "\ufffd"  # the cut character, as errors="replace" shows it
    return text, "utf-8"


def _meta_declared_codec(body: bytes) -> str | None:
    for match in _META_CHARSET_RE.finditer(body, 0, _META_SCAN_BYTES):
        label = match.group(1)
        if label is None:  # a comment (its content does not count), or a <meta> without one
            continue
        codec = codec_for_label(label.decode("ascii"))
        if codec is None:
            continue  # an unknown label is ignored; the next declaration may do
        # A page cannot declare UTF-16 from inside itself: the bytes read so far were ASCII.
        return "utf-8" if codec.startswith("utf-16") else codec
    return None


def is_html_content_type(content_type: str | None) -> bool:
    """Whether a response with this ``Content-Type`` is parsed as HTML (missing: yes)."""
    if not content_type:
        return True
    mime = content_type.partition(";")[0].strip().lower()
    return not mime or mime in _HTML_MIME_TYPES
