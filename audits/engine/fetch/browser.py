"""The browser fetcher: Debian's Chromium (set up by :mod:`audits.engine.browser_env`) driven
through crawl4ai's ``AsyncPlaywrightCrawlerStrategy`` over CDP, every request going through
:class:`~audits.engine.safety.VettingProxy`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp.abc import AbstractResolver
from yarl import URL

from audits.engine.browser_env import (
    BrowserUnavailableError,
    chromium_environment,
    memory_arguments,
    memory_limit_mb,
    memory_limited_command,
    sandbox_enabled,
)
from audits.engine.safety import UnsafeAddressError, VettingProxy, resolve_and_vet

from .crawl4ai_env import prepare_crawl4ai_env
from .errors import Failure, dns_detail, explain_browser_failure
from .results import (
    DEFAULT_USER_AGENT,
    REDIRECT_STATUSES,
    FetchError,
    FetchResult,
    RedirectHop,
    TlsInfo,
    check_url,
    finish,
    join_headers,
    media_type,
    too_large_detail,
)

CHROMIUM_PATH_ENV = "VIVASEO_CHROMIUM_PATH"
DEFAULT_CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")


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
        navigation.headers = join_headers(
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
            checked = check_url(url)
        except ValueError as error:
            return finish(result, started, error=FetchError.INVALID_URL, detail=str(error))
        try:
            # Fast, clear refusal of the start URL; the proxy vets everything after it.
            await resolve_and_vet(
                checked.raw_host or "", checked.port or 80, resolver=self.resolver
            )
        except UnsafeAddressError as error:
            return finish(result, started, error=FetchError.UNSAFE_ADDRESS, detail=error.message)
        except OSError as error:
            return finish(
                result, started, error=FetchError.DNS, detail=dns_detail(checked.host, error)
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
            return finish(result, started, error=error_code, detail=detail)
        finally:
            self._navigations.pop(id(config), None)

        self._apply_navigation(result, navigation)
        if navigation.status is None:
            result.status_code = response.status_code
            result.headers = join_headers(response.response_headers.items())
            result.final_url = response.redirected_url or str(checked)
            result.content_type, result.charset = media_type(result.headers.get("content-type"))
        body = response.html.encode("utf-8")
        error = detail = None
        if len(body) > self.max_response_bytes:
            body = body[: self.max_response_bytes]
            result.truncated = True
            error, detail = FetchError.TOO_LARGE, too_large_detail(self.max_response_bytes)
        result.body = body
        result.charset = "utf-8"
        return finish(result, started, error=error, detail=detail)

    @staticmethod
    def _apply_navigation(result: FetchResult, navigation: _Navigation) -> None:
        result.status_code = navigation.status
        result.final_url = navigation.final_url or result.final_url
        result.headers = navigation.headers
        result.redirect_chain = navigation.chain
        result.ttfb_ms = navigation.ttfb_ms
        result.bytes_downloaded = navigation.bytes_downloaded
        result.tls = navigation.tls
        result.content_type, result.charset = media_type(navigation.headers.get("content-type"))

    def _explain_failure(
        self, error: Exception, navigation: _Navigation, url: URL
    ) -> tuple[str, str]:
        if self._proxy is not None:
            for navigated in reversed(navigation.urls or [str(url)]):
                with contextlib.suppress(ValueError):
                    failure = self._proxy.failure_for(URL(navigated).raw_host or "")
                    if failure is not None:
                        return failure.error, failure.message
        return explain_browser_failure(error, Failure(url=url, timeout=self.timeout, rendered=True))
