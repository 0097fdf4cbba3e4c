"""What a fetch produces, for both fetchers: :class:`FetchResult`, its error codes and the
small helpers that fill it in. Pure Python, no Django, no crawl4ai."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from yarl import URL

if TYPE_CHECKING:
    from collections.abc import Iterable

DEFAULT_USER_AGENT = "Mozilla/5.0 (compatible; VivaSEO/1.0; SEO audit)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SUPPORTED_SCHEMES = frozenset({"http", "https"})


class FetchError(StrEnum):
    """Why a fetch did not produce a complete response. Values are plain strings."""

    TIMEOUT = "timeout"
    UNSAFE_ADDRESS = "unsafe_address"
    DNS = "dns"
    CONNECTION = "connection"
    TLS = "tls"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    REDIRECT_LOOP = "redirect_loop"
    INVALID_REDIRECT = "invalid_redirect"
    TOO_LARGE = "too_large"
    INVALID_URL = "invalid_url"
    PROTOCOL = "protocol"
    BROWSER = "browser"


@dataclass(frozen=True, slots=True)
class RedirectHop:
    """A response that redirected: its URL and its 3xx status code."""

    url: str
    status_code: int


@dataclass(frozen=True, slots=True)
class TlsInfo:
    """Facts about the certificate of an https site, as far as they were cheap to get."""

    valid: bool
    not_after: datetime | None = None
    days_to_expiry: int | None = None
    issuer: str | None = None
    error: str | None = None


@dataclass(slots=True)
class FetchResult:
    """What fetching one URL produced.

    ``final_url``, ``status_code`` and ``headers`` describe the last response received (after
    the redirects in ``redirect_chain``, which lists every response that redirected, in order).
    When a hop fails before answering (refused address, DNS, timeout...), ``final_url`` is the
    URL that failed and ``status_code`` is None.

    ``headers`` has lowercase names; repeated headers are joined with ", " (which keeps every
    ``Link`` header: it is a comma-separated list), except ``set-cookie`` joined with "\\n".
    ``body`` is raw bytes, never decoded (``charset`` says what the server declared), cut at
    ``max_response_bytes`` of decompressed data (``truncated`` and ``error == "too_large"``).
    ``bytes_downloaded`` counts body bytes on the wire (compressed) for the final response.
    ``ttfb_ms`` is from sending the final request (connection setup included) to its headers.
    """

    requested_url: str
    final_url: str
    status_code: int | None
    redirect_chain: list[RedirectHop] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False
    ttfb_ms: int | None = None
    elapsed_ms: int = 0
    bytes_downloaded: int = 0
    content_type: str | None = None
    charset: str | None = None
    error: str | None = None
    error_detail: str | None = None
    tls: TlsInfo | None = None
    rendered: bool = False
    # Rendered pages: sub-resources (scripts, images, ...) that failed or never answered.
    resources_not_loaded: int = 0

    @property
    def ok(self) -> bool:
        """A complete response was received (whatever its status code)."""
        return self.status_code is not None and self.error is None

    @property
    def is_html(self) -> bool:
        return self.content_type in ("text/html", "application/xhtml+xml")


def elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def join_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        previous = headers.get(key)
        if previous is None:
            headers[key] = value
        else:
            headers[key] = f"{previous}{chr(10) if key == 'set-cookie' else ', '}{value}"
    return headers


def media_type(content_type_header: str | None) -> tuple[str | None, str | None]:
    """``"text/html; charset=UTF-8"`` -> ``("text/html", "utf-8")``."""
    if not content_type_header:
        return None, None
    media_type, _, params = content_type_header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower() or None
    return media_type.strip().lower() or None, charset


def url_key(url: URL) -> str:
    return str(url.with_fragment(None))


def check_url(url_text: str) -> URL:
    """Parse a URL we are asked to fetch; ValueError with a user-facing message if unusable."""
    try:
        url = URL(url_text.strip())
    except (ValueError, TypeError) as error:
        raise ValueError(f"{url_text!r} is not a valid web address.") from error
    if url.scheme not in SUPPORTED_SCHEMES:
        raise ValueError(f"{url_text!r} is not an http:// or https:// address.")
    if not url.raw_host:
        raise ValueError(f"{url_text!r} has no host name.")
    return url.with_fragment(None)


def finish(
    result: FetchResult, started: float, *, error: str | None, detail: str | None
) -> FetchResult:
    result.error = error
    result.error_detail = detail
    result.elapsed_ms = elapsed_ms(started)
    return result


def describe_timeout(seconds: float) -> str:
    return f"The server did not answer completely within {seconds:g} seconds."


def too_large_detail(limit: int) -> str:
    return (
        f"The response is larger than {limit:,} bytes; VivaSEO read the first {limit:,} bytes only."
    )
