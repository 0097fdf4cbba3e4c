"""URL helpers for the crawler and the page fact extractor.

The audit compares URLs found in pages (links, canonicals, hreflang) with each other and with
the crawl frontier, so every URL goes through :func:`normalize_url` once. Resolution follows
what a browser's ``a.href`` gives (the WHATWG URL Standard) for everything a crawler meets:

* relative references resolve against ``base``; backslashes count as slashes; tabs and
  newlines inside the URL are removed and surrounding spaces/control characters stripped;
  ``.`` and ``..`` path segments (also ``%2e``) are removed;
* scheme and host are lowercased, an internationalised host becomes punycode, a default port
  (80 for http, 443 for https) is dropped, an empty path becomes ``/``, the fragment is dropped;
* characters a URL cannot hold raw (spaces, ``"<>`{}``, non-ASCII) are percent-encoded as
  UTF-8, as a browser does.

Nothing else is rewritten: existing percent-escapes keep their case, query strings stay as they
are (``utm_*`` and empty parameters, parameter order, a bare trailing ``?``), trailing slashes
stay. Anything that is not http(s) (``javascript:``, ``mailto:``, ``tel:``, ``data:``...) or
that a browser would refuse to parse gives ``None``.

A URL longer than :data:`MAX_URL_CHARS` once resolved is dropped too (``None``, or
:class:`UrlTooLong` from :func:`resolve_url` so the page can count it): browsers and search
engines effectively ignore such URLs, and without the cap one page can turn 20,000 short hrefs
under a 100 KB ``<base>`` into gigabytes of URLs. Every cache here is bounded in entries and in
the length of what it keeps, so a hostile page cannot fill memory through them either.

Pure Python, no Django imports.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import Final, NamedTuple
from urllib.parse import unquote

try:  # UTS #46 mapping, as browsers do; the stdlib "idna" codec is the older IDNA 2003.
    import idna as _idna
except ImportError:  # pragma: no cover - idna comes with aiohttp's dependencies
    _idna = None

# What browsers and search engines effectively handle (sitemaps.org caps <loc> here too).
MAX_URL_CHARS: Final = 2048
# Inputs longer than this are resolved without a cache: a cache entry holds its key and value.
_CACHED_INPUT_CHARS: Final = 512
_CACHED_BASE_CHARS: Final = MAX_URL_CHARS

_DEFAULT_PORTS: Final = {"http": "80", "https": "443"}
# Schemes the URL Standard calls "special": they always have a host, and "\" means "/".
_SPECIAL_SCHEMES: Final = frozenset({"http", "https", "ws", "wss", "ftp", "file"})

_SCHEME_RE: Final = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_TAB_NEWLINE_RE: Final = re.compile(r"[\t\n\r]")
# C0 controls and space, which the URL parser strips from both ends.
_C0_AND_SPACE: Final = "".join(chr(code) for code in range(0x21))
_AUTHORITY_END_RE: Final = re.compile(r"[/\\?#]")
_FORBIDDEN_HOST_RE: Final = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")
_DOT_SEGMENT_RE: Final = re.compile(r"(?:^|/)(?:\.|%2e)", re.IGNORECASE)
_SINGLE_DOTS: Final = frozenset({".", "%2e"})
_DOUBLE_DOTS: Final = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})
# Characters percent-encoded in paths and in special-scheme queries (URL Standard sets,
# without "^", which Chromium leaves as is in paths).
_PATH_ENCODE_RE: Final = re.compile('[\x00-\x20"<>`{}\x7f-\U0010ffff]')
_QUERY_ENCODE_RE: Final = re.compile("[\x00-\x20\"'<>\x7f-\U0010ffff]")


# URLs that normalization leaves as they are: lowercase ASCII host without a port, a path and
# query of characters that need no encoding. "'" is left out: a query encodes it.
_NORMAL_CHARS: Final = r"[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*"
_NORMAL_ABSOLUTE_RE: Final = re.compile(rf"https?://[a-z0-9\-]+(?:\.[a-z0-9\-]+)*/{_NORMAL_CHARS}")
_NORMAL_PATH_RE: Final = re.compile(rf"/{_NORMAL_CHARS}(?:#.*)?", re.DOTALL)


class _Parts(NamedTuple):
    scheme: str
    authority: str  # "user:pass@host:port" already normalized
    path: str
    query: str | None  # None when the URL has no "?"


class _OtherScheme:
    """Marks a URL that parses but is not http(s)."""


_OTHER: Final = _OtherScheme()


class _TooLongMarker:
    """Marks an http(s) URL longer than MAX_URL_CHARS once resolved."""


_TOO_LONG: Final = _TooLongMarker()


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
    parts = _resolve(url, _base_parts(base), limit=None)
    if parts is None or parts is _OTHER:
        return None
    return _serialize(parts)  # type: ignore[arg-type]


def _normalize(url: str, base: str | None) -> str | None | _TooLongMarker:
    # Most links are already in normal form; these two checks answer them without parsing.
    if url.startswith(("http://", "https://")):
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
        origin = _base_origin(base)
        if origin is None:
            return None
        if _NORMAL_PATH_RE.fullmatch(url) and not _has_dot_segment(url):
            normal = origin[:-1] + url.partition("#")[0]
            return normal if len(normal) <= MAX_URL_CHARS else _TOO_LONG
        # Pages of one site repeat their navigation links: cache per origin, not per page.
        return _normalize_maybe_cached(url, origin)
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
    base_parts = _base_parts(base) if base else None
    parts = _resolve(url, base_parts)
    if parts is None or parts is _OTHER:
        return None
    if parts is _TOO_LONG or _serialized_length(parts) > MAX_URL_CHARS:  # type: ignore[arg-type]
        return _TOO_LONG
    return _serialize(parts)  # type: ignore[arg-type]


def is_valid_url(url: str, *, base: str | None = None) -> bool:
    """True when a browser can parse ``url`` (against ``base`` if given), whatever its scheme.

    This is the URL Standard's ``new URL(url, base)`` not throwing, which Lighthouse uses to
    tell a broken ``href`` from a working one.
    """
    base_parts = _base_parts(base) if base else None
    return _resolve(url, base_parts) is not None


def is_absolute_url(url: str) -> bool:
    """True when ``url`` parses on its own, without a base (``new URL(url)`` succeeds)."""
    return _resolve(url, None) is not None


def url_scheme(url: str) -> str | None:
    """The lowercased scheme ``url`` starts with, or ``None`` for a relative reference."""
    cleaned = _clean(url)
    match = _SCHEME_RE.match(cleaned)
    return match.group(1).lower() if match else None


def url_host(url: str) -> str | None:
    """The normalized host of an http(s) URL (lowercase, punycode), or ``None``.

    Cached per origin: a crawl asks for the host of the same link URLs again and again (scope
    checks, internal-link tests), about a hundred times a page, and the host depends only on
    what comes before the path.
    """
    if url.startswith(("http://", "https://")):
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
    parts = _resolve(url, None)
    if parts is None or parts is _OTHER or parts is _TOO_LONG:
        return None
    return _host_of(parts.authority)  # type: ignore[union-attr]


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


def _base_parts(base: str) -> _Parts | None:
    # A page resolves hundreds of links against the same base: parse it once. An over-long
    # base (a hostile <base href>) is kept in one slot of its own, not in the shared cache.
    global _long_base
    if len(base) <= _CACHED_BASE_CHARS:
        return _base_parts_cached(base)
    last = _long_base
    if last is not None and last[0] == base:
        return last[1]
    parts = _parse_base(base)
    _long_base = (base, parts)
    return parts


_long_base: tuple[str, _Parts | None] | None = None


@functools.lru_cache(maxsize=512)
def _base_parts_cached(base: str) -> _Parts | None:
    return _parse_base(base)


def _parse_base(base: str) -> _Parts | None:
    parts = _resolve(base, None)
    return None if parts is _OTHER else parts  # type: ignore[return-value]


def _base_origin(base: str) -> str | None:
    """The base with its path reduced to "/": all a root-relative URL takes from it."""
    parts = _base_parts(base)
    if parts is None:
        return None
    if len(base) <= _CACHED_BASE_CHARS:
        return _base_origin_cached(base)
    return _serialize(parts._replace(path="/", query=None))


@functools.lru_cache(maxsize=512)
def _base_origin_cached(base: str) -> str | None:
    parts = _base_parts(base)
    return None if parts is None else _serialize(parts._replace(path="/", query=None))


def _clean(url: str) -> str:
    url = url.strip(_C0_AND_SPACE)
    if "\t" in url or "\n" in url or "\r" in url:
        url = _TAB_NEWLINE_RE.sub("", url)
    return url


def _resolve(
    url: str, base: _Parts | None, limit: int | None = MAX_URL_CHARS
) -> _Parts | _OtherScheme | _TooLongMarker | None:
    """Parse ``url`` against ``base`` as the URL Standard does, for http(s) precisely.

    May answer "too long" (over ``limit``) without building a path it knows is too long."""
    url = _clean(url)
    match = _SCHEME_RE.match(url)
    if match:
        scheme = match.group(1).lower()
        rest = url[match.end() :]
        if scheme not in _DEFAULT_PORTS:
            return _validate_other(scheme, rest)
        if rest[:2] in ("//", "\\\\", "/\\", "\\/"):
            return _parse_authority_and_rest(scheme, rest.lstrip("/\\"))
        if base is not None and base.scheme == scheme:
            # "http:page.html" on an http page is relative to that page.
            return _resolve_relative(rest, base, limit)
        return _parse_authority_and_rest(scheme, rest.lstrip("/\\"))
    if base is None:
        return None
    return _resolve_relative(url, base, limit)


def _validate_other(scheme: str, rest: str) -> _OtherScheme | None:
    # ws:, wss:, ftp: need a valid host just like http does; file: and the rest do not.
    needs_host = scheme in _SPECIAL_SCHEMES and scheme != "file"
    if needs_host and _parse_authority_and_rest("http", rest.lstrip("/\\")) is None:
        return None
    return _OTHER


def _resolve_relative(
    ref: str, base: _Parts, limit: int | None = MAX_URL_CHARS
) -> _Parts | _TooLongMarker | None:
    if ref[:2] in ("//", "\\\\", "/\\", "\\/"):
        return _parse_authority_and_rest(base.scheme, ref.lstrip("/\\"))
    ref, _, _fragment = ref.partition("#")
    path_part, question, query = ref.partition("?")
    new_query = query if question else None
    if not path_part:
        if question:
            return _Parts(base.scheme, base.authority, base.path, _encode_query(query))
        return base
    path_part = path_part.replace("\\", "/")
    if path_part.startswith("/"):
        path = path_part
    else:
        directory_end = base.path.rfind("/") + 1
        # Without dot segments nothing gets shorter: do not copy a long base path for a URL
        # that is going to be dropped anyway (20,000 links under a 100 KB <base>).
        if (
            limit is not None
            and directory_end + len(path_part) > limit
            and not _DOT_SEGMENT_RE.search(path_part)
        ):
            return _TOO_LONG
        path = base.path[:directory_end] + path_part
    return _Parts(
        base.scheme,
        base.authority,
        _normalize_path(path),
        None if new_query is None else _encode_query(new_query),
    )


def _parse_authority_and_rest(scheme: str, rest: str) -> _Parts | None:
    end = _AUTHORITY_END_RE.search(rest)
    if end is None:
        authority, remainder = rest, ""
    else:
        authority, remainder = rest[: end.start()], rest[end.start() :]
    authority = _normalize_authority(scheme, authority)
    if authority is None:
        return None
    remainder, _, _fragment = remainder.partition("#")
    path, question, query = remainder.partition("?")
    path = _normalize_path(path.replace("\\", "/") or "/")
    return _Parts(scheme, authority, path, _encode_query(query) if question else None)


def _normalize_authority(scheme: str, authority: str) -> str | None:
    userinfo, at, hostport = authority.rpartition("@")
    if hostport.startswith("["):
        close = hostport.find("]")
        if close == -1:
            return None
        host = hostport[: close + 1].lower()
        after = hostport[close + 1 :]
        if after and not after.startswith(":"):
            return None
        port = after[1:]
        if not _valid_ipv6(host[1:-1]):
            return None
    else:
        host, _, port = hostport.partition(":")
        host = _normalize_host(host)
        if host is None:
            return None
    if port:
        if not port.isascii() or not port.isdigit() or int(port) > 65535:
            return None
        port = str(int(port))
        if port == _DEFAULT_PORTS.get(scheme):
            port = ""
    prefix = userinfo + "@" if at else ""
    return f"{prefix}{host}:{port}" if port else f"{prefix}{host}"


def _normalize_host(host: str) -> str | None:
    if "%" in host:
        host = unquote(host)
    if not host:
        return None
    if not host.isascii():
        host = _to_punycode(host)
        if host is None:
            return None
    host = host.lower()
    if _FORBIDDEN_HOST_RE.search(host):
        return None
    return host


def _to_punycode(host: str) -> str | None:
    if _idna is not None:
        try:
            return _idna.encode(host, uts46=True).decode("ascii")
        except (_idna.IDNAError, UnicodeError, ValueError):
            return None
    try:  # pragma: no cover - only without the idna package
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # pragma: no cover
        return None


def _valid_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _normalize_path(path: str) -> str:
    if _DOT_SEGMENT_RE.search(path):
        path = _remove_dot_segments(path)
    if _PATH_ENCODE_RE.search(path):
        path = _PATH_ENCODE_RE.sub(_percent_encode, path)
    return path


def _remove_dot_segments(path: str) -> str:
    segments = path.split("/")[1:]
    output: list[str] = []
    last_index = len(segments) - 1
    for index, segment in enumerate(segments):
        lowered = segment.lower()
        if lowered in _DOUBLE_DOTS:
            if output:
                output.pop()
            if index == last_index:
                output.append("")
        elif lowered in _SINGLE_DOTS:
            if index == last_index:
                output.append("")
        else:
            output.append(segment)
    return "/" + "/".join(output)


def _encode_query(query: str) -> str:
    if _QUERY_ENCODE_RE.search(query):
        return _QUERY_ENCODE_RE.sub(_percent_encode, query)
    return query


def _percent_encode(match: re.Match[str]) -> str:
    char = match.group(0)
    if "\ud800" <= char <= "\udfff":
        char = "\ufffd"  # a lone surrogate is not a character; browsers substitute U+FFFD
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


def _host_of(authority: str) -> str:
    hostport = authority.rpartition("@")[2]
    if hostport.startswith("["):
        return hostport[: hostport.find("]") + 1]
    return hostport.partition(":")[0]


def _serialized_length(parts: _Parts) -> int:
    query = 0 if parts.query is None else len(parts.query) + 1
    return len(parts.scheme) + 3 + len(parts.authority) + len(parts.path) + query


def _serialize(parts: _Parts) -> str:
    query = "" if parts.query is None else "?" + parts.query
    return f"{parts.scheme}://{parts.authority}{parts.path}{query}"
