"""URL helpers for the crawler and the page fact extractor.

The audit compares URLs found in pages (links, canonicals, hreflang) with each other and with
the crawl frontier, so every URL goes through :func:`normalize_url` once. Parsing is
`ada-url <https://github.com/ada-url/ada>`_'s, the WHATWG URL parser Node uses, so a URL
resolves to what a browser's ``a.href`` gives:

* relative references resolve against ``base``; backslashes count as slashes; tabs and
  newlines inside the URL are removed and surrounding spaces/control characters stripped;
  ``.`` and ``..`` path segments (also ``%2e``) are removed;
* scheme and host are lowercased, an internationalised host becomes punycode (UTS #46), an
  IPv4 address written as one number, in hex or in octal (``http://2130706433/``) becomes
  dotted (``http://127.0.0.1/``), a default port (80 for http, 443 for https) is dropped, an
  empty path becomes ``/``;
* characters a URL cannot hold raw (spaces, ``"<>`{}^`` in paths, non-ASCII) are
  percent-encoded as UTF-8.

Our own rules on top are thin: the fragment is dropped; anything that is not http(s)
(``javascript:``, ``mailto:``, ``tel:``, ``data:``...) or that a browser would refuse to parse
gives ``None``. Nothing else is rewritten: existing percent-escapes keep their case, query
strings stay as they are (``utm_*`` and empty parameters, parameter order, a bare trailing
``?``), trailing slashes stay.

A URL longer than :data:`MAX_URL_CHARS` once resolved is dropped too (``None``, or
:class:`UrlTooLong` from :func:`resolve_url` so the page can count it): browsers and search
engines effectively ignore such URLs, and without the cap one page can turn 20,000 short hrefs
under a 100 KB ``<base>`` into gigabytes of URLs. Every cache here is bounded in entries and in
the length of what it keeps, so a hostile page cannot fill memory through them either.

Pure Python on top of ada, no Django imports.
"""

from __future__ import annotations

import functools
import re
from typing import Final, NamedTuple

import ada_url

# What browsers and search engines effectively handle (sitemaps.org caps <loc> here too).
MAX_URL_CHARS: Final = 2048
# Inputs longer than this are resolved without a cache: a cache entry holds its key and value.
_CACHED_INPUT_CHARS: Final = 512
_CACHED_BASE_CHARS: Final = MAX_URL_CHARS

_WEB_SCHEMES: Final = frozenset({"http", "https"})
_WEB_PREFIXES: Final = ("http://", "https://")

_SCHEME_RE: Final = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_TAB_NEWLINE_RE: Final = re.compile(r"[\t\n\r]")
# C0 controls and space, which the URL parser strips from both ends.
_C0_AND_SPACE: Final = "".join(chr(code) for code in range(0x21))
_DOT_SEGMENT_RE: Final = re.compile(r"(?:^|/)(?:\.|%2e)", re.IGNORECASE)
# ada takes UTF-8, which a lone surrogate is not; a browser reads one as U+FFFD.
_LONE_SURROGATES: Final = dict.fromkeys(range(0xD800, 0xE000), 0xFFFD)

# URLs that normalization leaves as they are: lowercase ASCII host without a port whose last
# label starts with a letter (one ending in a number is an IPv4 address, which ada rewrites), a
# path and query of characters that need no encoding. "'" is left out: a query encodes it.
_NORMAL_CHARS: Final = r"[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*"
_NORMAL_ABSOLUTE_RE: Final = re.compile(
    rf"https?://(?:[a-z0-9\-]+\.)*[a-z][a-z0-9\-]*/{_NORMAL_CHARS}"
)
_NORMAL_PATH_RE: Final = re.compile(rf"/{_NORMAL_CHARS}(?:#.*)?", re.DOTALL)


class _Base(NamedTuple):
    """A base URL, parsed once for the hundreds of links of its page."""

    scheme: str  # "http" or "https"
    href: str  # normalized, without fragment
    without_query: str  # all a path-relative reference takes from it
    directory_end: int  # where the last path segment starts in href
    origin: str  # "scheme://[userinfo@]host[:port]/": all a root-relative reference takes


class _TooLongMarker:
    """Marks an http(s) URL longer than MAX_URL_CHARS once resolved."""


_TOO_LONG: Final = _TooLongMarker()


class _LongBaseMarker:
    """Marks a base whose normalized form is too long for the shared cache."""


_LONG_BASE: Final = _LongBaseMarker()


class UrlTooLong(ValueError):
    """The URL resolves to an http(s) URL longer than :data:`MAX_URL_CHARS` characters."""


def normalize_url(url: str, *, base: str | None = None) -> str | None:
    """Resolve ``url`` against ``base`` and normalize it; ``None`` if it is not a web URL
    (or is one longer than :data:`MAX_URL_CHARS`)."""
    result = _normalize(url, base)
    return None if result is _TOO_LONG else result  # type: ignore[return-value]


def resolve_url(url: str, *, base: str | None = None) -> str | None:
    """:func:`normalize_url`, but an over-long result raises :class:`UrlTooLong`, so that a
    page can count the URLs it drops."""
    result = _normalize(url, base)
    if result is _TOO_LONG:
        raise UrlTooLong(f"longer than {MAX_URL_CHARS} characters")
    return result  # type: ignore[return-value]


def resolve_base_url(url: str, *, base: str) -> str | None:
    """A document base URL (``<base href>``): normalized like a link, but kept whatever its
    length, because the page's links resolve against it; the links it makes are capped."""
    return _resolve(url, _base_parts(base), limit=None)  # type: ignore[return-value]


def _normalize(url: str, base: str | None) -> str | None | _TooLongMarker:
    # Most links are already in normal form; these two checks answer them without parsing.
    if url.startswith(_WEB_PREFIXES):
        if (
            len(url) <= MAX_URL_CHARS
            and _NORMAL_ABSOLUTE_RE.fullmatch(url)
            and not _has_dot_segment(url)
        ):
            return url
        return _normalize_maybe_cached(url, None)
    if not base:
        return _normalize_maybe_cached(url, None)
    if url.startswith("/") and not url.startswith(("//", "/\\")):
        parts = _base_parts(base)
        if parts is None:
            return None
        if _NORMAL_PATH_RE.fullmatch(url) and not _has_dot_segment(url):
            normal = parts.origin[:-1] + url.partition("#")[0]
            return normal if len(normal) <= MAX_URL_CHARS else _TOO_LONG
        # Pages of one site repeat their navigation links: cache per origin, not per page.
        return _normalize_maybe_cached(url, parts.origin)
    return _normalize_maybe_cached(url, base)


def _has_dot_segment(url: str) -> bool:
    return "/." in url or "%2e" in url or "%2E" in url


def _normalize_maybe_cached(url: str, base: str | None) -> str | None | _TooLongMarker:
    if len(url) <= _CACHED_INPUT_CHARS and (base is None or len(base) <= _CACHED_BASE_CHARS):
        return _normalize_cached(url, base)
    return _normalize_uncached(url, base)


# At most 8,192 x (512 + 2,048 + 2,048) characters, and a few MB in practice.
@functools.lru_cache(maxsize=8192)
def _normalize_cached(url: str, base: str | None) -> str | None | _TooLongMarker:
    return _normalize_uncached(url, base)


def _normalize_uncached(url: str, base: str | None) -> str | None | _TooLongMarker:
    return _resolve(url, _base_parts(base) if base else None, limit=MAX_URL_CHARS)


def _resolve(url: str, base: _Base | None, *, limit: int | None) -> str | None | _TooLongMarker:
    """``url`` against ``base`` as a browser resolves it, if that is an http(s) URL.

    Gives ada only the part of the base the reference uses, and may answer "too long" (over
    ``limit``) without building a URL it knows is too long: a long ``<base>`` is then not
    copied for each of its page's links.
    """
    ref = _clean(url)
    scheme = _scheme_of(ref)
    if scheme is not None and scheme not in _WEB_SCHEMES:
        return None  # mailto:, data:... are no web URLs, however long
    relative = ref  # what says which part of the base the reference takes
    if base is not None and scheme == base.scheme:
        # "http:page.html" on an http page is relative to that page (the URL Standard's
        # "special relative or authority state").
        relative, scheme = ref[len(scheme) + 1 :], None
    if scheme is not None or base is None:
        href = _web_href(ref, None)
    elif not relative or relative.startswith("#"):
        href = base.href
    elif relative.startswith(("/", "\\")):
        href = _web_href(ref, base.origin)
    elif (
        limit is not None
        and len(base.without_query) + len(relative) > limit  # else it cannot be too long
        and _surely_longer_than(limit, relative, base)
    ):
        return _TOO_LONG
    else:
        href = _web_href(ref, base.without_query)
    if href is not None and limit is not None and len(href) > limit:
        return _TOO_LONG
    return href


def _surely_longer_than(limit: int, ref: str, base: _Base) -> bool:
    """True when a path- or query-relative ``ref`` resolves to more than ``limit`` characters.

    Without dot segments nothing gets shorter: the result holds the base's directory (or, for
    a query alone, its whole path) and the reference, percent-encoding only adds to that.
    """
    path, question, query = ref.partition("#")[0].partition("?")
    query_length = len(query) + 1 if question else 0
    if not path:
        return len(base.without_query) + query_length > limit
    if _DOT_SEGMENT_RE.search(path.replace("\\", "/")):
        return False  # ".." may climb out of a long base
    return base.directory_end + len(path) + query_length > limit


def is_valid_url(url: str, *, base: str | None = None) -> bool:
    """True when a browser can parse ``url`` (against ``base`` if given), whatever its scheme.

    This is the URL Standard's ``new URL(url, base)`` not throwing, which Lighthouse uses to
    tell a broken ``href`` from a working one. A base that is no web URL counts as none.
    """
    parts = _base_parts(base) if base else None
    return _can_parse(url, None if parts is None else parts.href)


def is_absolute_url(url: str) -> bool:
    """True when ``url`` parses on its own, without a base (``new URL(url)`` succeeds)."""
    return _can_parse(url, None)


def url_scheme(url: str) -> str | None:
    """The lowercased scheme ``url`` starts with, or ``None`` for a relative reference."""
    return _scheme_of(_clean(url))


def url_host(url: str) -> str | None:
    """The normalized host of an http(s) URL (lowercase, punycode), or ``None``.

    Cached per origin: a crawl asks for the host of the same link URLs again and again (scope
    checks, internal-link tests), about a hundred times a page, and the host depends only on
    what comes before the path.
    """
    if url.startswith(_WEB_PREFIXES):
        start = 8 if url[4] == "s" else 7
        # "http:///host" skips the extra slashes: only a plain authority is cut off.
        if url[start : start + 1] not in ("/", "\\", ""):
            end = url.find("/", start)
            origin = url if end == -1 else url[:end]
            if len(origin) <= _CACHED_INPUT_CHARS:
                return _origin_host(origin)
    return _url_host(url)


@functools.lru_cache(maxsize=4096)
def _origin_host(origin: str) -> str | None:
    return _url_host(origin)


def _url_host(url: str) -> str | None:
    href = _web_href(url, None)
    if href is None:
        return None
    authority = href[href.index("//") + 2 : _path_start(href)]
    host_and_port = authority.rpartition("@")[2]
    if host_and_port.startswith("["):
        return host_and_port[: host_and_port.index("]") + 1]
    return host_and_port.partition(":")[0]


def strip_www(host: str) -> str:
    """The host without one leading ``www.``: the 'site' a crawl starting there covers."""
    return host[4:] if host.startswith("www.") else host


def same_site(url: str, start_url: str, *, include_subdomains: bool) -> bool:
    """True when ``url`` belongs to the site whose crawl started at ``start_url``.

    Without subdomains only the exact start host counts. With them, the start host without a
    leading ``www.`` and every host below it count: a crawl from ``www.example.com`` covers
    ``example.com``, ``www.example.com`` and ``blog.example.com``. Scheme and port are ignored.
    No public-suffix list: the start host is taken as the site's registrable host.
    """
    host = url_host(url)
    start_host = url_host(start_url)
    if host is None or start_host is None:
        return False
    if host == start_host:
        return True
    if not include_subdomains:
        return False
    root = strip_www(start_host)
    return host == root or host.endswith("." + root)


def _base_parts(base: str) -> _Base | None:
    # A page resolves hundreds of links against the same base: parse it once. A base that is
    # long once normalized (a hostile <base href>) is kept in one slot of its own.
    global _long_base
    if len(base) <= _CACHED_BASE_CHARS:
        parts = _base_parts_cached(base)
        if parts is not _LONG_BASE:
            return parts  # type: ignore[return-value]
    last = _long_base
    if last is not None and last[0] == base:
        return last[1]
    parts = _parse_base(base)
    _long_base = (base, parts)
    return parts


_long_base: tuple[str, _Base | None] | None = None


# At most 512 x 4 x 2,048 characters: the key, and the href, its prefixes and origin.
@functools.lru_cache(maxsize=512)
def _base_parts_cached(base: str) -> _Base | None | _LongBaseMarker:
    parts = _parse_base(base)
    if parts is not None and len(parts.href) > _CACHED_BASE_CHARS:
        return _LONG_BASE  # percent-encoding made it longer than what this cache keeps
    return parts


def _parse_base(base: str) -> _Base | None:
    href = _web_href(base, None)
    if href is None:
        return None
    path_start = _path_start(href)
    # A path encodes "?": the first one after it starts the query.
    path_end = href.find("?", path_start)
    if path_end == -1:
        path_end = len(href)
    return _Base(
        scheme="https" if href[4] == "s" else "http",
        href=href,
        without_query=href[:path_end],
        directory_end=href.rfind("/", path_start, path_end) + 1,
        origin=href[: path_start + 1],
    )


def _path_start(href: str) -> int:
    # In an http(s) href the path starts at the first "/" after "//": a host cannot hold one
    # and userinfo encodes it.
    return href.find("/", href.index("//") + 2)


def _clean(url: str) -> str:
    url = url.strip(_C0_AND_SPACE)
    if "\t" in url or "\n" in url or "\r" in url:
        url = _TAB_NEWLINE_RE.sub("", url)
    return url


def _scheme_of(cleaned: str) -> str | None:
    match = _SCHEME_RE.match(cleaned)
    return match.group(1).lower() if match else None


def _web_href(url: str, base: str | None) -> str | None:
    """ada's href of ``url`` (against ``base``) without its fragment, if it is http(s)."""
    href = _href(url, base)
    if href is None or not href.startswith(_WEB_PREFIXES):
        return None
    return href.partition("#")[0]  # an http(s) href holds "#" only where its fragment starts


def _href(url: str, base: str | None) -> str | None:
    try:
        return ada_url.join_url(base, url) if base is not None else ada_url.normalize_url(url)
    except ValueError:
        fixed = _without_lone_surrogates(url)
        return None if fixed is None else _href(fixed, base)


def _can_parse(url: str, base: str | None) -> bool:
    if ada_url.URL.can_parse(url, base):
        return True
    fixed = _without_lone_surrogates(url)
    return fixed is not None and ada_url.URL.can_parse(fixed, base)


def _without_lone_surrogates(url: str) -> str | None:
    """``url`` with its lone surrogates read as U+FFFD, or ``None`` if it has none."""
    if url.isascii():
        return None
    fixed = url.translate(_LONE_SURROGATES)
    return None if fixed == url else fixed
