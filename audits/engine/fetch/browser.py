"""The browser fetcher: Debian's Chromium (set up by :mod:`audits.engine.browser_env`) connected
through crawl4ai's ``AsyncPlaywrightCrawlerStrategy`` over CDP, pages rendered in a pool of
reused tabs with the bounded waits of :mod:`.render`, every request going through
:class:`~audits.engine.safety.VettingProxy`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
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
from audits.engine.safety import (
    UnsafeAddressError,
    VettingProxy,
    normalize_host,
    resolve_and_vet,
)

from .crawl4ai_env import prepare_crawl4ai_env
from .errors import Failure, dns_detail, explain_browser_failure
from .render import SETTLE_CAP_SECONDS, Navigation, PageWatch, request_host
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
# On top of the document's timeout and the wait for sub-resources: reading the DOM and facts.
RENDER_MARGIN_SECONDS = 10.0
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


class _CuttingProxy(VettingProxy):
    """The vetting proxy, able to cut off a host that stalls pages.

    A tracker or CDN that never answers holds every page that loads it until Chromium gives
    up (minutes). Once one page has waited :data:`~.render.STALL_SECONDS` for it, its open
    connections are closed (Chromium sees the request fail, and a script it blocked on lets
    the parser go on) and later requests to it are refused at once, for the rest of the crawl.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cut: set[str] = set()
        self._open: dict[str, weakref.WeakSet[asyncio.StreamWriter]] = {}

    # Hosts remembered (cut off, or with connections open): a page can name millions.
    HOSTS_KEPT = 1024

    def cut(self, host: str) -> None:
        host = normalize_host(host)
        if len(self._cut) < self.HOSTS_KEPT:
            self._cut.add(host)
        for writer in list(self._open.pop(host, ())):
            writer.close()

    async def _handle_client(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        # close() cancels the exchanges still open (a request to a host that never answers).
        # Python 3.12.1's asyncio.start_server then logs each cancelled handler as an
        # "Exception in callback ... CancelledError" traceback: the done-callback in
        # asyncio/streams.py (StreamReaderProtocol.connection_made) calls task.exception()
        # without checking task.cancelled(), one source of the tracebacks rendered audits left
        # in the worker's log. A cancelled exchange is the expected end: it ends quietly.
        with contextlib.suppress(asyncio.CancelledError):
            await super()._handle_client(client_reader, client_writer)

    async def _open_upstream(
        self, host: str, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        key = normalize_host(host)
        if key in self._cut:
            return None
        upstream = await super()._open_upstream(host, port)
        if upstream is not None:
            if len(self._open) >= self.HOSTS_KEPT:
                self._open = {name: open_ for name, open_ in self._open.items() if open_}
            self._open.setdefault(key, weakref.WeakSet()).add(upstream[1])
        return upstream


class BrowserFetcher:
    """Render pages in Chromium (JavaScript on) and return them as :class:`FetchResult`.

    Starts Debian's Chromium with its own temporary profile and ``HOME``, an allow-listed
    environment, a memory limit per process and its sandbox where the kernel allows it (see
    :mod:`audits.engine.browser_env`), on a free DevTools port, with the vetting proxy as its
    only way out, and connects crawl4ai's ``AsyncPlaywrightCrawlerStrategy`` to it over CDP
    (``create_isolated_context``). Pages are rendered in a pool of tabs (crawl4ai sessions in
    one browser context), one per concurrent fetch, reused from URL to URL: a new tab and its
    renderer cost more than the page.

    ``timeout`` judges the document: its response must arrive within it. What the document
    pulls in gets the bounded wait of :mod:`.render` on top (``settle_cap`` at most), and
    what did not arrive is counted in ``FetchResult.resources_not_loaded``, not turned into a
    timeout. ``stop`` (the crawl's stop signal) cuts that wait short when the audit is
    cancelled or stopped.

    Status, headers and redirect chain are the main document's: the final response and its
    ``redirected_from`` chain. ``body`` is the rendered DOM as UTF-8 (or the document as
    served, when a script it waits for never came and its parser is still held). The start
    URL is vetted before navigating (for a clear, fast refusal); redirects and sub-resources
    are vetted by the proxy, and a refused redirect is reported as ``unsafe_address``.
    Chromium applies its own redirect limit (20), not ``max_redirects``.
    """

    def __init__(
        self,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 30.0,
        max_response_bytes: int = 5 * 1024 * 1024,
        max_pages: int = 4,
        settle_cap: float = SETTLE_CAP_SECONDS,
        stop: threading.Event | None = None,
        chromium_path: str | None = None,
        resolver: AbstractResolver | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self.settle_cap = settle_cap
        self.stop = stop
        self.chromium_path = chromium_path
        self.resolver = resolver
        self.cache_dir = cache_dir
        self._pages = asyncio.Semaphore(max_pages)
        self._proxy: _CuttingProxy | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._work_dir: str | None = None
        self._finalizer: weakref.finalize | None = None
        self._strategy: Any = None
        self._idle_tabs: list[PageWatch] = []
        self._tabs_opened = 0
        # Hosts of the documents crawled: never cut off, whatever their sub-resources do.
        self._site_hosts: set[str] = set()
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
            self._proxy = _CuttingProxy(resolver=self.resolver)
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
        await strategy.start()
        self._strategy = strategy

    async def close(self) -> None:
        strategy, self._strategy = self._strategy, None
        self._idle_tabs.clear()
        # The browser is ours and is about to be killed: closing its tabs and context one by
        # one first only makes a cancelled audit wait. Playwright's driver and Chromium are
        # stopped side by side.
        endings = []
        if strategy is not None:
            endings.append(_stop_playwright(strategy))
        if self._finalizer is not None:
            endings.append(asyncio.to_thread(self._finalizer))  # kills Chromium, its profile
            self._finalizer = None
        await asyncio.gather(*endings)
        self._process = None
        self._work_dir = None
        if self._proxy is not None:
            await self._proxy.close()
            self._proxy = None

    # -- the pool of tabs ------------------------------------------------------------------

    async def _take_tab(self) -> PageWatch:
        if self._idle_tabs:
            return self._idle_tabs.pop()
        from crawl4ai.async_configs import CrawlerRunConfig

        self._tabs_opened += 1
        session_id = f"vivaseo-tab-{self._tabs_opened}"
        page, _context = await self._strategy.browser_manager.get_page(
            crawlerRunConfig=CrawlerRunConfig(session_id=session_id, verbose=False)
        )
        return PageWatch(page, session_id=session_id)

    async def _discard_tab(self, tab: PageWatch) -> None:
        """Close a tab that failed mid-navigation: the next fetch gets a fresh one."""
        if self._strategy is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._strategy.kill_session(tab.session_id), timeout=5)

    def _give_up(self, url: str) -> None:
        """A sub-resource stalled a page: cut its host off, unless it is the crawled site."""
        host = request_host(url)
        if host and host not in self._site_hosts and self._proxy is not None:
            self._proxy.cut(host)

    # -- one fetch ---------------------------------------------------------------------------

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
        self._site_hosts.add(request_host(str(checked)))
        async with self._pages:
            tab = await self._take_tab()
            navigation = tab.begin()
            reusable = False
            try:
                # Bounded as a whole too: a script stuck in a loop blocks even reading the DOM.
                reusable = await asyncio.wait_for(
                    self._render(tab, checked, result),
                    timeout=self.timeout + self.settle_cap + RENDER_MARGIN_SECONDS,
                )
            except TimeoutError:
                if navigation.status is not None:
                    self._apply_navigation(result, navigation)
                result.error = FetchError.BROWSER
                result.error_detail = (
                    f"Chromium could not render {checked}: its scripts kept the page busy."
                )
            except Exception as error:  # Playwright reports navigation failures this way
                self._record_failure(result, error, navigation, checked)
            finally:
                tab.end()
                if reusable:
                    self._idle_tabs.append(tab)
                else:
                    await self._discard_tab(tab)
        return finish(result, started, error=result.error, detail=result.error_detail)

    def _record_failure(
        self, result: FetchResult, error: Exception, navigation: Navigation, url: URL
    ) -> None:
        result.error, result.error_detail = self._explain_failure(error, navigation, url)
        if navigation.status is not None:
            self._apply_navigation(result, navigation)
            return
        # The document never came: rebuild what the events saw of the navigation.
        result.redirect_chain = [
            RedirectHop(hop_url, status)
            for hop_url, status in navigation.responses
            if status in REDIRECT_STATUSES
        ]
        if navigation.urls:
            result.final_url = navigation.urls[-1]

    async def _render(self, tab: PageWatch, url: URL, result: FetchResult) -> bool:
        """Fill ``result`` from rendering ``url`` in ``tab``; True when the tab can be reused."""
        navigation = tab.navigation
        # "commit": the document's response has arrived; the rest is waited for below.
        response = await tab.page.goto(str(url), wait_until="commit", timeout=self.timeout * 1000)
        if response is None:  # same-document navigation (cannot happen for a fresh URL)
            result.error, result.error_detail = FetchError.BROWSER, f"{url} did not navigate."
            return False
        self._site_hosts.add(request_host(response.url))
        await _read_document(navigation, response)
        await tab.settle(give_up=self._give_up, stop=self.stop, cap=self.settle_cap)
        body, served = await _page_html(tab.page, response, dom_ready=tab.dom_ready)
        with contextlib.suppress(Exception):
            sizes = await asyncio.wait_for(response.request.sizes(), timeout=0.5)
            navigation.bytes_downloaded = int(sizes.get("responseBodySize", 0))
        result.resources_not_loaded = tab.resources_not_loaded
        self._apply_navigation(result, navigation)
        if not served:
            result.charset = "utf-8"  # the DOM, serialised by Chromium
        if len(body) > self.max_response_bytes:
            body = body[: self.max_response_bytes]
            result.truncated = True
            result.error = FetchError.TOO_LARGE
            result.error_detail = too_large_detail(self.max_response_bytes)
        result.body = body
        return True

    @staticmethod
    def _apply_navigation(result: FetchResult, navigation: Navigation) -> None:
        result.status_code = navigation.status
        result.final_url = navigation.final_url or result.final_url
        result.headers = navigation.headers
        result.redirect_chain = navigation.chain
        result.ttfb_ms = navigation.ttfb_ms
        result.bytes_downloaded = navigation.bytes_downloaded
        result.tls = navigation.tls
        result.content_type, result.charset = media_type(navigation.headers.get("content-type"))

    def _explain_failure(
        self, error: Exception, navigation: Navigation, url: URL
    ) -> tuple[str, str]:
        if self._proxy is not None:
            for navigated in reversed(navigation.urls or [str(url)]):
                with contextlib.suppress(ValueError):
                    failure = self._proxy.failure_for(URL(navigated).raw_host or "")
                    if failure is not None:
                        return failure.error, failure.message
        return explain_browser_failure(error, Failure(url=url, timeout=self.timeout, rendered=True))


async def _stop_playwright(strategy: Any) -> None:
    """End crawl4ai's Playwright driver without closing the browser's tabs one by one."""
    manager = strategy.browser_manager
    playwright, manager.playwright, manager.browser = manager.playwright, None, None
    manager.sessions.clear()
    if playwright is not None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(playwright.stop(), timeout=10)


async def _read_document(navigation: Navigation, response: Any) -> None:
    """Status, headers, redirect chain, timing and certificate of the main document."""
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


async def _page_html(page: Any, response: Any, *, dom_ready: bool) -> tuple[bytes, bool]:
    """The rendered DOM, and False; or, when the parser is still held by a script that never
    came (the DOM stops there), the document as the server sent it, and True."""
    for _attempt in range(2):
        try:
            if not dom_ready and await page.evaluate("document.readyState") == "loading":
                with contextlib.suppress(Exception):
                    return await asyncio.wait_for(response.body(), timeout=2), True
            return (await page.content()).encode("utf-8"), False
        except Exception:
            # The page's own script navigated it on (location.href = ...): read the new one.
            with contextlib.suppress(Exception):
                await page.wait_for_load_state("domcontentloaded", timeout=2000)
    return (await page.content()).encode("utf-8"), False
