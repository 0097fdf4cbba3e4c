"""The crawler's fetch layer: one URL in, one :class:`FetchResult` out, never an exception.

Two fetchers return the same result shape:

* :class:`HttpFetcher` (the default) is built on crawl4ai's ``AsyncHTTPCrawlerStrategy``
  (its session lifecycle, base headers and ``HTTPCrawlerConfig``) through
  ``VettedHTTPCrawlerStrategy``, which follows redirects itself, hop by hop, so every hop is
  vetted for SSRF and recorded with its status code.
* :class:`BrowserFetcher` (for "render JavaScript") drives Debian's Chromium through crawl4ai's
  ``AsyncPlaywrightCrawlerStrategy`` over CDP, with every browser request going through
  :class:`~audits.engine.safety.VettingProxy`.

crawl4ai is imported lazily (it takes seconds and touches the disk): call
:func:`prepare_crawl4ai_env` first, which the fetchers do for you. Pure Python, no Django.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp.abc import AbstractResolver
from aiohttp.compression_utils import HAS_BROTLI, HAS_ZSTD
from yarl import URL

from audits.engine.browser_env import (
    BrowserUnavailableError,
    chromium_environment,
    memory_arguments,
    memory_limit_mb,
    memory_limited_command,
    sandbox_enabled,
)
from audits.engine.safety import (
    UnsafeAddressError,
    VettedResolver,
    VettingProxy,
    resolve_and_vet,
    vet_literal_host,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

logger = logging.getLogger(__name__)

CACHE_DIR_ENV = "VIVASEO_CRAWL_CACHE_DIR"
CHROMIUM_PATH_ENV = "VIVASEO_CHROMIUM_PATH"
DEFAULT_USER_AGENT = "Mozilla/5.0 (compatible; VivaSEO/1.0; SEO audit)"
DEFAULT_CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SUPPORTED_SCHEMES = frozenset({"http", "https"})
# A redirect's own body is never used; read a little so the connection can be reused.
REDIRECT_BODY_LIMIT = 64 * 1024
ACCEPT_ENCODING = ", ".join(
    ["gzip", "deflate"] + (["br"] if HAS_BROTLI else []) + (["zstd"] if HAS_ZSTD else [])
)


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

    @property
    def ok(self) -> bool:
        """A complete response was received (whatever its status code)."""
        return self.status_code is not None and self.error is None

    @property
    def is_html(self) -> bool:
        return self.content_type in ("text/html", "application/xhtml+xml")


# --- crawl4ai environment ---------------------------------------------------------------------


def prepare_crawl4ai_env(*, cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Point crawl4ai's files at our cache directory and silence its banner.

    Must run before crawl4ai is first imported (it reads these at import time). The directory
    is ``cache_dir``, else ``$VIVASEO_CRAWL_CACHE_DIR``, else ``~/.cache/vivaseo/crawl4ai``;
    crawl4ai creates its ``.crawl4ai`` folder inside it instead of in ``$HOME``.
    """
    base = Path(
        cache_dir
        or os.environ.get(CACHE_DIR_ENV)
        or Path.home() / ".cache" / "vivaseo" / "crawl4ai"
    ).expanduser()
    base.mkdir(parents=True, exist_ok=True)
    os.environ["CRAWL4_AI_BASE_DIRECTORY"] = str(base)
    os.environ["CRAWL4AI_NO_CLOUD_NOTICE"] = "1"
    return base


# --- Helpers shared by both fetchers ----------------------------------------------------------


def _elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _join_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        previous = headers.get(key)
        if previous is None:
            headers[key] = value
        else:
            headers[key] = f"{previous}{chr(10) if key == 'set-cookie' else ', '}{value}"
    return headers


def _media_type(content_type_header: str | None) -> tuple[str | None, str | None]:
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


def _url_key(url: URL) -> str:
    return str(url.with_fragment(None))


def _check_url(url_text: str) -> URL:
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


def _finish(
    result: FetchResult, started: float, *, error: str | None, detail: str | None
) -> FetchResult:
    result.error = error
    result.error_detail = detail
    result.elapsed_ms = _elapsed_ms(started)
    return result


def _describe_timeout(seconds: float) -> str:
    return f"The server did not answer completely within {seconds:g} seconds."


def _too_large_detail(limit: int) -> str:
    return (
        f"The response is larger than {limit:,} bytes; VivaSEO read the first {limit:,} bytes only."
    )


# --- HTTP fetcher -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Hop:
    """One request/response while following redirects."""

    url: URL
    status: int
    headers: dict[str, str]
    ttfb: float
    tls: TlsInfo | None = None
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0
    raw_bytes: int = 0
    truncated: bool = False

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)


async def _read_body(response: aiohttp.ClientResponse, hop: _Hop, *, limit: int) -> None:
    """Read the body into ``hop``, at most ``limit`` decompressed bytes."""
    # readany() hands over what aiohttp decompressed so far; aiohttp decompresses in bounded
    # steps, so counting here stops gzip/brotli/deflate bombs at ``limit``.
    content = response.content
    try:
        while chunk := await content.readany():
            room = limit - hop.size
            if len(chunk) > room:
                if room > 0:
                    hop.chunks.append(chunk[:room])
                    hop.size += room
                hop.truncated = True
                response.close()
                break
            hop.chunks.append(chunk)
            hop.size += len(chunk)
    finally:
        hop.raw_bytes = content.total_raw_bytes


@functools.cache
def preload_crawl4ai() -> None:
    """Import crawl4ai now (~1-5 s) instead of inside the first crawl: worker start-up and the
    audit command call this so an audit's timing is the audit's."""
    _vetted_http_strategy_class()


@functools.cache
def _vetted_http_strategy_class() -> type:
    """Build the crawl4ai strategy subclass on first use, so importing this module is cheap."""
    prepare_crawl4ai_env()
    from crawl4ai.async_crawler_strategy import AsyncHTTPCrawlerStrategy
    from crawl4ai.models import AsyncCrawlResponse

    class VettedHTTPCrawlerStrategy(AsyncHTTPCrawlerStrategy):
        """crawl4ai's HTTP strategy with SSRF-safe connections and nothing lost.

        Kept from crawl4ai: ``start``/``close``/``async with`` lifecycle, the shared session,
        ``_BASE_HEADERS`` and ``HTTPCrawlerConfig.headers``, ``crawl()`` and its hooks.

        Replaced, because ``AsyncHTTPCrawlerStrategy._handle_http`` in crawl4ai 0.9:

        * raises ``HTTPStatusError`` for every non-2xx response, so crawl4ai reports
          ``status_code=None`` and drops the headers of a 404 or 503 we must audit;
        * lets aiohttp follow redirects invisibly (no hops, no per-hop SSRF check), and with
          ``follow_redirects=False`` a 301 is again an error;
        * calls ``response.read()`` with no limit: a gzip or brotli bomb fills memory;
        * writes every non-HTML response to ``~/.crawl4ai/downloads``;
        * runs chardet in a thread for every page without a charset.

        So ``start`` builds the session with a :class:`VettedResolver` connector and no cookie
        jar, and :meth:`open` sends one request without following redirects; the redirect loop,
        size cap and result live in :class:`HttpFetcher`. ``_handle_http`` is re-implemented on
        top of them so ``crawl()`` stays usable (one hop, status kept, nothing saved).
        """

        def __init__(
            self,
            *,
            browser_config: Any,
            max_connections: int,
            dns_cache_ttl: int | None,
            resolver: AbstractResolver | None,
            ssl_context: ssl.SSLContext | None,
            connect_timeout: float,
            max_body_bytes: int,
        ) -> None:
            super().__init__(
                browser_config=browser_config,
                max_connections=max_connections,
                dns_cache_ttl=dns_cache_ttl or 0,
            )
            self.use_dns_cache = dns_cache_ttl is not None
            self.resolver = resolver
            self.ssl_context = ssl_context
            self.connect_timeout = connect_timeout
            self.max_body_bytes = max_body_bytes

        async def start(self) -> None:
            if self._session:
                return
            connector = aiohttp.TCPConnector(
                limit=self.max_connections,
                limit_per_host=0,
                use_dns_cache=self.use_dns_cache,
                ttl_dns_cache=self.dns_cache_ttl if self.use_dns_cache else None,
                resolver=VettedResolver(resolver=self.resolver),
                ssl=self.ssl_context if self.ssl_context is not None else True,
            )
            headers = dict(self._BASE_HEADERS)
            headers.update(self.browser_config.headers or {})
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers=headers,
                # The total deadline is applied per fetch by HttpFetcher (asyncio.timeout).
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.connect_timeout),
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
                auto_decompress=True,
            )

        def open(self, url: URL) -> Any:
            """One GET, redirects not followed: ``async with strategy.open(url) as response``.

            Raises :class:`UnsafeAddressError` for a refused IP-literal or localhost host:
            aiohttp connects to canonical IP literals without asking the resolver.
            """
            assert self._session is not None, "call start() first"
            vet_literal_host(url.raw_host or "")
            return self._session.get(url, allow_redirects=False)

        async def _handle_file(self, path: str) -> Any:
            # crawl() would read local files for file:// URLs; a crawler of customer URLs
            # must never do that.
            raise ValueError("file:// URLs are not fetched.")

        async def _handle_http(self, url: str, config: Any) -> Any:
            # Used only through crawl4ai's crawl(); HttpFetcher.fetch does not come here.
            request_kwargs: dict[str, Any] = {}
            await self.hooks["before_request"](url, request_kwargs)
            await self.start()
            try:
                async with self.open(URL(url)) as response:
                    hop = _Hop(
                        url=response.url,
                        status=response.status,
                        headers=_join_headers(response.headers.items()),
                        ttfb=0.0,
                    )
                    await _read_body(response, hop, limit=self.max_body_bytes)
                result = AsyncCrawlResponse(
                    html=hop.body.decode(response.charset or "utf-8", errors="replace"),
                    response_headers=hop.headers,
                    status_code=hop.status,
                    redirected_url=str(hop.url),
                )
            except Exception as error:
                await self.hooks["on_error"](error)
                raise
            await self.hooks["after_request"](result)
            return result

    return VettedHTTPCrawlerStrategy


class HttpFetcher:
    """Fetch pages over HTTP(S), safely and cheaply. Use as ``async with HttpFetcher() as f``.

    One shared aiohttp session (at most ``max_connections`` connections, keep-alive, DNS cache
    of vetted answers) serves any number of concurrent :meth:`fetch` calls.
    """

    TLS_HOSTS_KEPT = 256

    def __init__(
        self,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 20.0,
        connect_timeout: float = 10.0,
        max_response_bytes: int = 5 * 1024 * 1024,
        max_redirects: int = 10,
        max_connections: int = 32,
        extra_headers: Mapping[str, str] | None = None,
        resolver: AbstractResolver | None = None,
        dns_cache_ttl: int | None = 60,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """``timeout`` bounds a whole fetch, redirects included. ``resolver`` replaces the
        system resolver under the vetting (tests); ``dns_cache_ttl=None`` disables the cache.
        ``ssl_context`` replaces the default verifying context (e.g. to trust a private CA).
        """
        self.user_agent = user_agent
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.max_response_bytes = max_response_bytes
        self.max_redirects = max_redirects
        self.max_connections = max_connections
        self.extra_headers = dict(extra_headers or {})
        self.resolver = resolver
        self.dns_cache_ttl = dns_cache_ttl
        self.ssl_context = ssl_context
        self._strategy: Any = None
        self._tls_by_host: dict[tuple[str, int], TlsInfo] = {}

    async def __aenter__(self) -> HttpFetcher:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def strategy(self) -> Any:
        """The underlying crawl4ai strategy (a ``VettedHTTPCrawlerStrategy``)."""
        return self._strategy

    async def start(self) -> None:
        if self._strategy is not None:
            return
        strategy_class = _vetted_http_strategy_class()  # imports crawl4ai, after its env is set
        from crawl4ai.async_configs import HTTPCrawlerConfig

        headers = {
            "User-Agent": self.user_agent,
            "Accept-Encoding": ACCEPT_ENCODING,
            **self.extra_headers,
        }
        self._strategy = strategy_class(
            browser_config=HTTPCrawlerConfig(headers=headers, follow_redirects=False),
            max_connections=self.max_connections,
            dns_cache_ttl=self.dns_cache_ttl,
            resolver=self.resolver,
            ssl_context=self.ssl_context,
            connect_timeout=self.connect_timeout,
            max_body_bytes=self.max_response_bytes,
        )
        await self._strategy.start()

    async def close(self) -> None:
        if self._strategy is not None:
            await self._strategy.close()
            self._strategy = None

    async def fetch(self, url: str) -> FetchResult:
        """Fetch ``url``, following up to ``max_redirects`` redirects; never raises for
        network problems (they are reported in ``error`` / ``error_detail``)."""
        started = time.perf_counter()
        result = FetchResult(requested_url=url, final_url=url, status_code=None)
        try:
            current_url = _check_url(url)
        except ValueError as error:
            return _finish(result, started, error=FetchError.INVALID_URL, detail=str(error))
        if self._strategy is None:
            await self.start()

        visited = {_url_key(current_url)}
        hop: _Hop | None = None
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    result.final_url = str(current_url)
                    hop = None
                    hop_started = time.perf_counter()
                    async with self._strategy.open(current_url) as response:
                        hop = _Hop(
                            url=current_url,
                            status=response.status,
                            headers=_join_headers(response.headers.items()),
                            ttfb=time.perf_counter() - hop_started,
                        )
                        if current_url.scheme == "https":
                            hop.tls = self._tls_info(current_url, response)
                        location = hop.headers.get("location")
                        redirecting = hop.status in REDIRECT_STATUSES and location is not None
                        await _read_body(
                            response,
                            hop,
                            limit=REDIRECT_BODY_LIMIT if redirecting else self.max_response_bytes,
                        )
                    if not redirecting:
                        return self._finish_hop(result, hop, started)

                    result.redirect_chain.append(RedirectHop(str(current_url), hop.status))
                    try:
                        next_url = current_url.join(URL(location)).with_fragment(None)
                    except ValueError:
                        next_url = None
                    if next_url is None or next_url.scheme not in SUPPORTED_SCHEMES:
                        return self._finish_hop(
                            result,
                            hop,
                            started,
                            error=FetchError.INVALID_REDIRECT,
                            detail=f"{current_url} redirects to {location!r}, "
                            "which is not an http:// or https:// address.",
                        )
                    if _url_key(next_url) in visited:
                        chain = " -> ".join(step.url for step in result.redirect_chain)
                        return self._finish_hop(
                            result,
                            hop,
                            started,
                            error=FetchError.REDIRECT_LOOP,
                            detail=f"Redirect loop: {chain} -> {next_url}, which was already "
                            "visited. Browsers and search engines give up on this page.",
                        )
                    if len(result.redirect_chain) > self.max_redirects:
                        return self._finish_hop(
                            result,
                            hop,
                            started,
                            error=FetchError.TOO_MANY_REDIRECTS,
                            detail=f"{url} redirects more than {self.max_redirects} times; "
                            "search engines stop following long redirect chains.",
                        )
                    visited.add(_url_key(next_url))
                    current_url = next_url
        except TimeoutError:
            if hop is not None:
                hop.truncated = True
                return self._finish_hop(
                    result,
                    hop,
                    started,
                    error=FetchError.TIMEOUT,
                    detail=_describe_timeout(self.timeout),
                )
            return _finish(
                result, started, error=FetchError.TIMEOUT, detail=_describe_timeout(self.timeout)
            )
        except UnsafeAddressError as error:
            return _finish(result, started, error=FetchError.UNSAFE_ADDRESS, detail=error.message)
        except aiohttp.ClientConnectorCertificateError as error:
            host = current_url.host
            reason = getattr(error.certificate_error, "verify_message", None) or str(
                error.certificate_error
            )
            result.tls = TlsInfo(valid=False, error=reason)
            return _finish(
                result,
                started,
                error=FetchError.TLS,
                detail=f"The TLS certificate of {host} is not valid ({reason}). "
                "Browsers show a security warning instead of this page.",
            )
        except (aiohttp.ClientSSLError, ssl.SSLError) as error:
            return _finish(
                result,
                started,
                error=FetchError.TLS,
                detail=f"Could not set up a secure (TLS) connection to {current_url.host}: {error}",
            )
        except aiohttp.ClientConnectorDNSError as error:
            return _finish(
                result,
                started,
                error=FetchError.DNS,
                detail=f"Could not find the server {current_url.host}: its name does not "
                f"resolve in DNS ({error.os_error.strerror or error.os_error}). "
                "Check the address for typos.",
            )
        except aiohttp.ClientConnectorError as error:
            return _finish(
                result,
                started,
                error=FetchError.CONNECTION,
                detail=f"Could not connect to {current_url.host}: "
                f"{error.os_error.strerror or error.os_error}.",
            )
        except aiohttp.InvalidURL as error:
            return _finish(
                result,
                started,
                error=FetchError.INVALID_URL,
                detail=f"{error.url} is not a valid web address.",
            )
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as error:
            if hop is not None:
                hop.truncated = True
                return self._finish_hop(
                    result,
                    hop,
                    started,
                    error=FetchError.CONNECTION,
                    detail=f"The connection to {current_url.host} was cut mid-response: {error}",
                )
            return _finish(
                result,
                started,
                error=FetchError.CONNECTION,
                detail=f"The connection to {current_url.host} failed: {error}",
            )
        except (aiohttp.ClientError, ValueError) as error:
            # Malformed status line or headers, broken gzip, bad chunked encoding...
            if hop is not None:
                hop.truncated = True
                return self._finish_hop(
                    result,
                    hop,
                    started,
                    error=FetchError.PROTOCOL,
                    detail=f"{current_url.host} sent a broken HTTP response: {error}",
                )
            return _finish(
                result,
                started,
                error=FetchError.PROTOCOL,
                detail=f"{current_url.host} sent a broken HTTP response: {error}",
            )

    def _tls_info(self, url: URL, response: aiohttp.ClientResponse) -> TlsInfo | None:
        key = (url.raw_host or "", url.port or 443)
        cached = self._tls_by_host.get(key)
        if cached is not None:
            return cached
        # A small response is complete (and its connection back in the pool) by the time the
        # headers are returned, so response.connection is often None here; the protocol that
        # read the response still knows its transport.
        connection = response.connection
        protocol = connection.protocol if connection is not None else response._protocol
        transport = protocol.transport if protocol is not None else None
        ssl_object = transport.get_extra_info("ssl_object") if transport is not None else None
        certificate = ssl_object.getpeercert() if ssl_object is not None else None
        if not certificate:
            return None
        not_after = None
        days_to_expiry = None
        if "notAfter" in certificate:
            not_after = datetime.fromtimestamp(
                ssl.cert_time_to_seconds(certificate["notAfter"]), tz=UTC
            )
            days_to_expiry = (not_after - datetime.now(tz=UTC)).days
        issuer = ", ".join(
            f"{name}={value}"
            for relative_name in certificate.get("issuer", ())
            for name, value in relative_name
            if name in ("commonName", "organizationName")
        )
        info = TlsInfo(
            valid=True,  # the connection was verified, or it would not exist
            not_after=not_after,
            days_to_expiry=days_to_expiry,
            issuer=issuer or None,
        )
        if len(self._tls_by_host) < self.TLS_HOSTS_KEPT:  # redirects may visit any host
            self._tls_by_host[key] = info
        return info

    def _finish_hop(
        self,
        result: FetchResult,
        hop: _Hop,
        started: float,
        *,
        error: str | None = None,
        detail: str | None = None,
    ) -> FetchResult:
        result.final_url = str(hop.url)
        result.status_code = hop.status
        result.headers = hop.headers
        result.body = hop.body
        result.truncated = hop.truncated
        result.ttfb_ms = int(hop.ttfb * 1000)
        result.bytes_downloaded = hop.raw_bytes
        result.content_type, result.charset = _media_type(hop.headers.get("content-type"))
        result.tls = hop.tls
        if error is None and hop.truncated:
            error, detail = FetchError.TOO_LARGE, _too_large_detail(self.max_response_bytes)
        return _finish(result, started, error=error, detail=detail)


# --- Browser fetcher --------------------------------------------------------------------------


def find_chromium() -> str:
    """Path of the Chromium binary: ``$VIVASEO_CHROMIUM_PATH`` or Debian's ``chromium``."""
    configured = os.environ.get(CHROMIUM_PATH_ENV)
    candidates = [configured] if configured else list(DEFAULT_CHROMIUM_PATHS)
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise BrowserUnavailableError(
        f"Chromium was not found (looked at {', '.join(c for c in candidates if c)}). "
        "Install Debian's chromium package (apt-get install chromium) "
        f"or set {CHROMIUM_PATH_ENV} to a Chromium binary."
    )


def _chromium_arguments(
    *, profile_dir: Path, proxy_url: str, sandbox: bool, memory_mb: int
) -> list[str]:
    return [
        "--headless",
        # Chromium refuses to start its sandbox as root, or without user namespaces.
        *([] if sandbox else ["--no-sandbox"]),
        *memory_arguments(memory_mb),
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-domain-reliability",
        "--disable-client-side-phishing-detection",
        "--disable-breakpad",
        "--mute-audio",
        "--password-store=basic",
        "--use-mock-keychain",
        # Port 0: Chromium picks a free port and writes it to <profile>/DevToolsActivePort.
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        f"--user-data-dir={profile_dir}",
        # Every request goes to the vetting proxy, loopback ones included (<-loopback>), and
        # Chromium's own resolver answers nothing, so it cannot reach an unvetted address.
        f"--proxy-server={proxy_url}",
        "--proxy-bypass-list=<-loopback>",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
        "--webrtc-ip-handling-policy=disable_non_proxied_udp",
        "about:blank",
    ]


def _stop_chromium(process: subprocess.Popen[bytes]) -> None:
    """Stop a Chromium we started, then any helper left in its process group."""
    if process.poll() is None:
        # The browser process first, so it can shut down and reap its own helpers.
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    # Started with start_new_session=True: its group id is its pid, and holds only its helpers.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _cleanup_chromium(process: subprocess.Popen[bytes] | None, work_dir: str | None) -> None:
    if process is not None:
        _stop_chromium(process)
    if work_dir:
        shutil.rmtree(work_dir, ignore_errors=True)


@dataclass(slots=True)
class _Navigation:
    """What the Playwright hooks saw of one main-document navigation."""

    urls: list[str] = field(default_factory=list)
    responses: list[tuple[str, int]] = field(default_factory=list)
    status: int | None = None
    final_url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    chain: list[RedirectHop] = field(default_factory=list)
    ttfb_ms: int | None = None
    bytes_downloaded: int = 0
    tls: TlsInfo | None = None


class BrowserFetcher:
    """Render pages in Chromium (JavaScript on) and return them as :class:`FetchResult`.

    Starts Debian's Chromium with its own temporary profile and ``HOME``, an allow-listed
    environment, a memory limit per process and its sandbox where the kernel allows it (see
    :mod:`audits.engine.browser_env`), on a free DevTools port, with :class:`VettingProxy` as
    its only way out, and connects crawl4ai's
    ``AsyncPlaywrightCrawlerStrategy`` to it over CDP (``create_isolated_context``).

    Status, headers and redirect chain are the main document's, read from Playwright in
    crawl4ai's ``after_goto`` hook: the final response and its ``redirected_from`` chain
    (crawl4ai itself reports the first hop's status). ``body`` is the rendered DOM as UTF-8.
    The start URL is vetted before navigating (for a clear, fast refusal); redirects and
    sub-resources are vetted by the proxy, and a refused redirect is reported as
    ``unsafe_address``. Chromium applies its own redirect limit (20), not ``max_redirects``.
    """

    def __init__(
        self,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 30.0,
        max_response_bytes: int = 5 * 1024 * 1024,
        max_pages: int = 4,
        settle_seconds: float = 0.5,
        wait_until: str = "load",
        chromium_path: str | None = None,
        resolver: AbstractResolver | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self.settle_seconds = settle_seconds
        self.wait_until = wait_until
        self.chromium_path = chromium_path
        self.resolver = resolver
        self.cache_dir = cache_dir
        self._pages = asyncio.Semaphore(max_pages)
        self._proxy: VettingProxy | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._work_dir: str | None = None
        self._finalizer: weakref.finalize | None = None
        self._strategy: Any = None
        self._navigations: dict[int, _Navigation] = {}
        self.cdp_url: str | None = None

    async def __aenter__(self) -> BrowserFetcher:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> None:
        if self._strategy is not None:
            return
        chromium = self.chromium_path or find_chromium()
        sandbox = sandbox_enabled()
        memory_mb = memory_limit_mb()
        try:
            self._proxy = VettingProxy(resolver=self.resolver)
            await self._proxy.start()
            self.cdp_url = await self._launch_chromium(
                chromium, sandbox=sandbox, memory_mb=memory_mb
            )
            await self._connect()
        except BaseException:
            await self.close()
            raise

    async def _launch_chromium(self, chromium: str, *, sandbox: bool, memory_mb: int) -> str:
        assert self._proxy is not None
        self._work_dir = tempfile.mkdtemp(prefix="vivaseo-chromium-")
        work = Path(self._work_dir)
        profile = work / "profile"
        for sub in ("profile", "home", "config", "cache"):
            (work / sub).mkdir()
        arguments = _chromium_arguments(
            profile_dir=profile, proxy_url=self._proxy.url, sandbox=sandbox, memory_mb=memory_mb
        )
        log = (work / "chromium.log").open("wb")
        try:
            self._process = subprocess.Popen(
                memory_limited_command([chromium, *arguments], memory_mb=memory_mb),
                # Allow-listed: no secret of the worker's, no proxy but the vetting one.
                env=chromium_environment(home=work),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        except OSError as error:
            raise BrowserUnavailableError(
                f"Could not start Chromium ({chromium}): {error}"
            ) from error
        finally:
            log.close()
        self._finalizer = weakref.finalize(self, _cleanup_chromium, self._process, self._work_dir)

        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                output = (work / "chromium.log").read_text(errors="replace")[-2000:]
                raise BrowserUnavailableError(
                    f"Chromium exited at start-up (code {self._process.returncode}): {output}"
                )
            with contextlib.suppress(OSError, ValueError, IndexError):
                port = int(port_file.read_text().splitlines()[0])
                return f"http://127.0.0.1:{port}"
            await asyncio.sleep(0.05)
        raise BrowserUnavailableError("Chromium did not open its DevTools port within 30 seconds.")

    async def _connect(self) -> None:
        prepare_crawl4ai_env(cache_dir=self.cache_dir)
        from crawl4ai.async_configs import BrowserConfig
        from crawl4ai.async_crawler_strategy import AsyncPlaywrightCrawlerStrategy
        from crawl4ai.async_logger import AsyncLogger

        browser_config = BrowserConfig(
            browser_mode="custom",
            cdp_url=self.cdp_url,
            create_isolated_context=True,
            cdp_cleanup_on_close=True,
            cdp_close_delay=0,
            headless=True,
            user_agent=self.user_agent,
            ignore_https_errors=False,
            accept_downloads=False,
            verbose=False,
        )
        strategy = AsyncPlaywrightCrawlerStrategy(
            browser_config=browser_config, logger=AsyncLogger(verbose=False)
        )
        strategy.set_hook("on_page_context_created", self._on_page_created)
        strategy.set_hook("after_goto", self._after_goto)
        await strategy.start()
        self._strategy = strategy

    async def close(self) -> None:
        strategy, self._strategy = self._strategy, None
        if strategy is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(strategy.close(), timeout=10)
        if self._finalizer is not None:
            await asyncio.to_thread(self._finalizer)  # kills Chromium, removes its profile
            self._finalizer = None
        self._process = None
        self._work_dir = None
        if self._proxy is not None:
            await self._proxy.close()
            self._proxy = None

    # crawl4ai hooks: ``config`` is the CrawlerRunConfig of one fetch; its id finds our record.

    async def _on_page_created(self, page: Any, *, config: Any = None, **_: Any) -> Any:
        navigation = self._navigations.get(id(config))
        if navigation is not None:

            def is_main_document(request: Any) -> bool:
                return request.is_navigation_request() and request.frame == page.main_frame

            def record_request(request: Any) -> None:
                if is_main_document(request):
                    navigation.urls.append(request.url)

            def record_response(response: Any) -> None:
                if is_main_document(response.request):
                    navigation.responses.append((response.url, response.status))

            page.on("request", record_request)
            page.on("response", record_response)
        return page

    async def _after_goto(
        self, page: Any, *, response: Any = None, config: Any = None, **_: Any
    ) -> Any:
        navigation = self._navigations.get(id(config))
        if navigation is None or response is None:
            return page
        navigation.status = response.status
        navigation.final_url = response.url
        navigation.headers = _join_headers(
            (header["name"], header["value"]) for header in await response.headers_array()
        )
        chain: list[RedirectHop] = []
        request = response.request
        while request.redirected_from is not None:
            request = request.redirected_from
            earlier = await request.response()
            chain.append(RedirectHop(request.url, earlier.status if earlier else 0))
        navigation.chain = list(reversed(chain))
        timing = response.request.timing
        if timing.get("responseStart", -1) >= 0:
            navigation.ttfb_ms = int(timing["responseStart"])
        with contextlib.suppress(Exception):
            sizes = await response.request.sizes()
            navigation.bytes_downloaded = int(sizes.get("responseBodySize", 0))
        if response.url.startswith("https:"):
            details = await response.security_details() or {}
            not_after = None
            if details.get("validTo"):
                not_after = datetime.fromtimestamp(details["validTo"], tz=UTC)
            navigation.tls = TlsInfo(
                valid=True,  # Chromium refuses invalid certificates (ignore_https_errors off)
                not_after=not_after,
                days_to_expiry=(not_after - datetime.now(tz=UTC)).days if not_after else None,
                issuer=details.get("issuer"),
            )
        return page

    async def fetch(self, url: str) -> FetchResult:
        """Render ``url``; never raises for network problems."""
        started = time.perf_counter()
        result = FetchResult(requested_url=url, final_url=url, status_code=None, rendered=True)
        try:
            checked = _check_url(url)
        except ValueError as error:
            return _finish(result, started, error=FetchError.INVALID_URL, detail=str(error))
        try:
            # Fast, clear refusal of the start URL; the proxy vets everything after it.
            await resolve_and_vet(
                checked.raw_host or "", checked.port or 80, resolver=self.resolver
            )
        except UnsafeAddressError as error:
            return _finish(result, started, error=FetchError.UNSAFE_ADDRESS, detail=error.message)
        except OSError as error:
            return _finish(
                result,
                started,
                error=FetchError.DNS,
                detail=f"Could not find the server {checked.host}: its name does not resolve "
                f"in DNS ({error}). Check the address for typos.",
            )
        if self._strategy is None:
            await self.start()

        from crawl4ai.async_configs import CrawlerRunConfig

        config = CrawlerRunConfig(
            page_timeout=int(self.timeout * 1000),
            wait_until=self.wait_until,
            delay_before_return_html=self.settle_seconds,
            verbose=False,
        )
        navigation = _Navigation()
        self._navigations[id(config)] = navigation
        try:
            async with self._pages:
                response = await asyncio.wait_for(
                    self._strategy.crawl(str(checked), config=config), timeout=self.timeout + 15
                )
        except Exception as error:  # Playwright/crawl4ai report navigation failures this way
            error_code, detail = self._explain_failure(error, navigation, checked)
            if navigation.status is not None:
                self._apply_navigation(result, navigation)
            else:
                # The navigation failed before after_goto: rebuild what the events saw.
                result.redirect_chain = [
                    RedirectHop(url, status)
                    for url, status in navigation.responses
                    if status in REDIRECT_STATUSES
                ]
                if navigation.urls:
                    result.final_url = navigation.urls[-1]
            return _finish(result, started, error=error_code, detail=detail)
        finally:
            self._navigations.pop(id(config), None)

        self._apply_navigation(result, navigation)
        if navigation.status is None:
            result.status_code = response.status_code
            result.headers = _join_headers(response.response_headers.items())
            result.final_url = response.redirected_url or str(checked)
            result.content_type, result.charset = _media_type(result.headers.get("content-type"))
        body = response.html.encode("utf-8")
        error = detail = None
        if len(body) > self.max_response_bytes:
            body = body[: self.max_response_bytes]
            result.truncated = True
            error, detail = FetchError.TOO_LARGE, _too_large_detail(self.max_response_bytes)
        result.body = body
        result.charset = "utf-8"
        return _finish(result, started, error=error, detail=detail)

    @staticmethod
    def _apply_navigation(result: FetchResult, navigation: _Navigation) -> None:
        result.status_code = navigation.status
        result.final_url = navigation.final_url or result.final_url
        result.headers = navigation.headers
        result.redirect_chain = navigation.chain
        result.ttfb_ms = navigation.ttfb_ms
        result.bytes_downloaded = navigation.bytes_downloaded
        result.tls = navigation.tls
        result.content_type, result.charset = _media_type(navigation.headers.get("content-type"))

    def _explain_failure(
        self, error: Exception, navigation: _Navigation, url: URL
    ) -> tuple[str, str]:
        if self._proxy is not None:
            for navigated in reversed(navigation.urls or [str(url)]):
                with contextlib.suppress(ValueError):
                    failure = self._proxy.failure_for(URL(navigated).raw_host or "")
                    if failure is not None:
                        return failure.error, failure.message
        text = str(error)
        if isinstance(error, TimeoutError) or "Timeout" in text:
            return FetchError.TIMEOUT, f"The page did not load within {self.timeout:g} seconds."
        if "ERR_CERT" in text or "ERR_SSL" in text:
            return FetchError.TLS, f"Chromium refused the TLS certificate of {url.host}."
        if "ERR_TOO_MANY_REDIRECTS" in text:
            return FetchError.TOO_MANY_REDIRECTS, f"{url} redirects too many times."
        if "ERR_CONNECTION" in text or "ERR_EMPTY_RESPONSE" in text:
            return FetchError.CONNECTION, f"Could not connect to {url.host}."
        first_line = text.strip().splitlines()[-1] if text.strip() else type(error).__name__
        return FetchError.BROWSER, f"Chromium could not render {url}: {first_line}"
