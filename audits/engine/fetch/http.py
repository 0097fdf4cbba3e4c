"""The HTTP fetcher: crawl4ai's ``AsyncHTTPCrawlerStrategy`` with every redirect hop vetted
for SSRF, bodies capped while decompressing, and failures mapped by
:data:`~audits.engine.fetch.errors.FAILURE_RULES`."""

from __future__ import annotations

import asyncio
import functools
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver
from aiohttp.compression_utils import HAS_BROTLI, HAS_ZSTD
from yarl import URL

from audits.engine.safety import VettedResolver, vet_literal_host

from .crawl4ai_env import prepare_crawl4ai_env
from .errors import HTTP_FAILURES, Failure, certificate_reason, http_failure_rule
from .results import (
    DEFAULT_USER_AGENT,
    REDIRECT_STATUSES,
    SUPPORTED_SCHEMES,
    FetchError,
    FetchResult,
    RedirectHop,
    TlsInfo,
    check_url,
    finish,
    join_headers,
    media_type,
    too_large_detail,
    url_key,
)

# A redirect's own body is never used; read a little so the connection can be reused.
REDIRECT_BODY_LIMIT = 64 * 1024
ACCEPT_ENCODING = ", ".join(
    ["gzip", "deflate"] + (["br"] if HAS_BROTLI else []) + (["zstd"] if HAS_ZSTD else [])
)


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
                        headers=join_headers(response.headers.items()),
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
            current_url = check_url(url)
        except ValueError as error:
            return finish(result, started, error=FetchError.INVALID_URL, detail=str(error))
        if self._strategy is None:
            await self.start()

        visited = {url_key(current_url)}
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
                            headers=join_headers(response.headers.items()),
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
                    if url_key(next_url) in visited:
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
                    visited.add(url_key(next_url))
                    current_url = next_url
        except HTTP_FAILURES as error:
            rule = http_failure_rule(error)
            partial = hop is not None and rule.keeps_partial_response
            failure = Failure(url=current_url, timeout=self.timeout, partial=partial)
            detail = rule.explain(error, failure)
            if partial:
                hop.truncated = True
                return self._finish_hop(result, hop, started, error=rule.code, detail=detail)
            if rule.invalid_certificate:
                result.tls = TlsInfo(valid=False, error=certificate_reason(error))
            return finish(result, started, error=rule.code, detail=detail)

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
        result.content_type, result.charset = media_type(hop.headers.get("content-type"))
        result.tls = hop.tls
        if error is None and hop.truncated:
            error, detail = FetchError.TOO_LARGE, too_large_detail(self.max_response_bytes)
        return finish(result, started, error=error, detail=detail)
