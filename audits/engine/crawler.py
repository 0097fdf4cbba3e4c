"""The crawl: a breadth-first frontier over one site, fed to the parser as pages arrive.

The crawler runs its asyncio loop in a thread of its own and hands finished pages to the caller
through a bounded queue (`CrawlRunner.records()`), so the caller's thread keeps its database
connection and memory stays flat however large the site: a page's body is dropped as soon as
it is parsed, and only URLs (for "seen") and counters grow with the site. Audits run this same
runner inside a forked process (`crawl_process.ProcessCrawlRunner`) so that fetching and
parsing get a core of their own.

Order of work: the start URL, then the pages reachable by links (breadth-first, so the recorded
depth is the click depth), then sitemap URLs that no link reached (their depth is unknown:
None). Canonical, hreflang and redirect targets on the same site are queued too.

``max_pages`` is exact: it bounds the URLs the crawl records (the rows of the report), so a
redirect and its target are two pages, and so is a URL robots.txt disallows. A fetch takes
one page when it is handed out; a redirect to a URL not yet recorded takes a second one, and
when none is left the target is counted as found but not crawled instead of recorded.
robots.txt and sitemap fetches are not pages.

Everything the crawl keeps is bounded, whatever the site serves: the frontier holds at most
:func:`frontier_limit` URLs (a URL found while it is full is left for a later page to find
again), the crawl reaches at most :data:`MAX_ORIGINS` origins (each costs a robots.txt),
keeps sitemap URLs as hashes, and the queue to the caller is bounded in pages and in the
links they carry.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import queue
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from .facts import PageFacts, parse_page
from .fetch import FetchResult, HttpFetcher
from .sitefacts import RobotsTxt, collect_sitemaps, robots_from_fetch, robots_url_for
from .urls import same_site, url_scheme

# Origins (scheme, host, port) one crawl may reach: each has a robots.txt to fetch and keep.
# A page can link to http://site:1/ ... http://site:65535/, all "the same site".
MAX_ORIGINS = 32
# Pages whose over-long URLs are listed one by one in the outcome (the rest are counted).
MAX_LONG_URL_PAGES = 200
# What the queue between the crawl and its caller may hold, by record_weight (about bytes): a
# slow database must not let 256 pages of 10,000 long links each pile up.
QUEUED_WEIGHT = 32 * 1024 * 1024


def frontier_limit(max_pages: int) -> int:
    """URLs the frontier may hold: twice what can still be fetched (robots.txt may refuse
    some), at least 1,000, at most 100,000."""
    return min(max(2 * max_pages, 1_000), 100_000)


class FinishReason(StrEnum):
    COMPLETED = "completed"  # every reachable page within the limits was crawled
    MAX_PAGES = "max_pages"
    MAX_DEPTH = "max_depth"  # completed, but links beyond the depth limit were left out
    TIME_BUDGET = "time_budget"
    CANCELLED = "cancelled"
    STOPPED = "stopped"  # the worker's time limit or shutdown
    START_URL_FAILED = "start_url_failed"


@dataclass
class CrawlSettings:
    start_url: str
    user_agent: str
    max_pages: int = 200
    max_depth: int = 10
    time_budget_seconds: float = 15 * 60
    request_timeout_seconds: float = 20
    max_response_bytes: int = 5 * 1024 * 1024
    concurrency: int = 8
    delay_seconds: float = 0.0
    obey_robots: bool = True
    include_subdomains: bool = False
    include_patterns: tuple[str, ...] = ()
    exclude_patterns: tuple[str, ...] = ()
    render_js: bool = False

    def compiled(self, patterns: tuple[str, ...]) -> list[re.Pattern]:
        return [re.compile(pattern) for pattern in patterns if pattern]


@dataclass
class PageRecord:
    """One URL the crawl settled: fetched (with facts when it is HTML) or blocked."""

    url: str
    depth: int | None
    fetch: FetchResult | None
    facts: PageFacts | None = None
    in_sitemap: bool = False
    blocked_by_robots: bool = False
    body_size: int = 0  # the (decompressed) body's size; the body itself is dropped after parsing
    robots: RobotsTxt | None = None  # the robots.txt of the URL's origin, for is-crawlable


@dataclass
class CrawlOutcome:
    finished_because: str = FinishReason.COMPLETED
    pages_fetched: int = 0
    final_start_url: str | None = None
    robots: RobotsTxt | None = None
    sitemaps: list = field(default_factory=list)
    sitemap_urls: int = 0
    http_redirects_to_https: bool | None = None
    start_tls: object | None = None
    start_hsts: str | None = None
    error: str | None = None
    # URLs dropped for being longer than MAX_URL_CHARS: per page (the first pages), in total.
    long_url_pages: dict[str, int] = field(default_factory=dict)
    long_url_page_count: int = 0
    long_url_total: int = 0
    # URLs found but not queued: the frontier was full, or they were on one origin too many.
    urls_not_queued: int = 0
    # Distinct URLs in scope that the crawl found (links, sitemaps, redirects) but did not
    # record: the page limit, the time budget or a stop came first. Set when the crawl ends.
    urls_not_crawled: int = 0

    def count_long_urls(self, url: str, count: int) -> None:
        if not count:
            return
        self.long_url_page_count += 1
        self.long_url_total += count
        if len(self.long_url_pages) < MAX_LONG_URL_PAGES:
            self.long_url_pages[url] = self.long_url_pages.get(url, 0) + count

    def site_facts(self, *, start_url: str, user_agent: str) -> dict:
        """The `site` dict the checks and the report read."""
        tls = self.start_tls
        return {
            "start_url": start_url,
            "final_start_url": self.final_start_url or start_url,
            "finished_because": str(self.finished_because),
            "robots_txt": (
                self.robots.as_dict(start_url=start_url, user_agent=user_agent)
                if self.robots
                else None
            ),
            "sitemaps": [sitemap.as_dict() for sitemap in self.sitemaps],
            "sitemap_urls": self.sitemap_urls,
            "urls_not_crawled": self.urls_not_crawled,
            "https": {
                "start_is_https": url_scheme(self.final_start_url or start_url) == "https",
                "http_redirects_to_https": self.http_redirects_to_https,
                "certificate": (
                    {
                        "valid": tls.valid,
                        "days_to_expiry": tls.days_to_expiry,
                        "not_after": tls.not_after.isoformat() if tls.not_after else None,
                        "issuer": tls.issuer,
                        "error": tls.error,
                    }
                    if tls
                    else None
                ),
                "hsts": self.start_hsts,
            },
            **(
                {
                    "urls_too_long": {
                        "pages": [[url, count] for url, count in self.long_url_pages.items()],
                        "page_count": self.long_url_page_count,
                        "total": self.long_url_total,
                    }
                }
                if self.long_url_total
                else {}
            ),
        }


class Crawler:
    """One crawl of one site. `run()` is a coroutine; `emit` receives each PageRecord."""

    def __init__(self, settings: CrawlSettings, *, stop: threading.Event, fetcher=None):
        self.settings = settings
        self.stop = stop
        self._fetcher = fetcher
        self.outcome = CrawlOutcome()
        self._includes = settings.compiled(settings.include_patterns)
        self._excludes = settings.compiled(settings.exclude_patterns)
        self._seen: set[str] = set()
        self._links: deque[tuple[str, int | None]] = deque()
        self._frontier_limit = frontier_limit(settings.max_pages)
        self._origins: set[str] = set()
        # Hashes of URLs left out because the frontier was full (at most as many as it holds),
        # and how many more were left out beyond that: "found but not crawled" counts each once.
        self._not_queued: set[int] = set()
        self._not_queued_overflow = 0
        self._recorded = 0  # PageRecords emitted: every one is a URL of _seen
        # Sitemap URLs to crawl (no more than can be fetched) and the hashes of all of them
        # (for "in sitemap"): 50,000 URLs of up to 2,048 characters would be 100 MB.
        self._sitemap_urls: deque[str] = deque()
        self._sitemap_hashes: set[int] = set()
        self._in_flight = 0
        self._wake: asyncio.Condition | None = None
        self._site_roots = [settings.start_url]
        self._robots: dict[str, RobotsTxt] = {}
        self._next_request_at = 0.0
        self._rate_lock: asyncio.Lock | None = None
        self._deadline = 0.0
        self._depth_limited = False
        # Pages taken (recorded, or held by a fetch in flight): max_pages is checked against
        # this, so concurrent workers cannot overshoot it.
        self._reserved = 0
        self._http = fetcher  # plain-HTTP fetcher for robots.txt and sitemaps

    # -- limits and scope ------------------------------------------------------------------
    def _in_scope(self, url: str) -> bool:
        if not any(
            same_site(url, root, include_subdomains=self.settings.include_subdomains)
            for root in self._site_roots
        ):
            return False
        if url == self.settings.start_url:
            return True
        if self._includes and not any(p.search(url) for p in self._includes):
            return False
        return not any(p.search(url) for p in self._excludes)

    def _interrupted(self) -> bool:
        """Stopped from outside, or out of time."""
        if self.stop.is_set():
            self.outcome.finished_because = self._stop_reason()
            return True
        if time.monotonic() >= self._deadline:
            self.outcome.finished_because = FinishReason.TIME_BUDGET
            return True
        return False

    def _should_stop(self) -> bool:
        """No new fetch may start: interrupted, or max_pages fetches handed out."""
        if self._interrupted():
            return True
        if self._reserved >= self.settings.max_pages:
            self.outcome.finished_because = FinishReason.MAX_PAGES
            return True
        return False

    def _stop_reason(self) -> FinishReason:
        return getattr(self.stop, "reason", None) or FinishReason.CANCELLED

    def _enqueue(self, url: str | None, depth: int | None) -> None:
        if url is None or url in self._seen or not self._in_scope(url):
            return
        if depth is not None and depth > self.settings.max_depth:
            self._depth_limited = True
            return
        if len(self._links) >= self._frontier_limit or not self._new_origin_allowed(url):
            self.outcome.urls_not_queued += 1
            self._remember_not_queued(url)
            return
        self._seen.add(url)
        self._links.append((url, depth))

    def _remember_not_queued(self, url: str) -> None:
        if len(self._not_queued) < self._frontier_limit:
            self._not_queued.add(hash(url))
        elif hash(url) not in self._not_queued:
            self._not_queued_overflow += 1

    def _count_not_crawled(self) -> int:
        """Distinct URLs found in scope but not recorded (see CrawlOutcome.urls_not_crawled)."""
        seen = {hash(url) for url in self._seen}
        unseen_in_sitemaps = len(self._sitemap_hashes - seen)
        not_queued = len(self._not_queued - seen - self._sitemap_hashes)
        return (
            len(self._seen)
            - self._recorded
            + unseen_in_sitemaps
            + not_queued
            + self._not_queued_overflow
        )

    def _take_page(self) -> bool:
        """Take one more page of max_pages (for a redirect target); False when none is left."""
        if self._reserved >= self.settings.max_pages:
            return False
        self._reserved += 1
        return True

    def _new_origin_allowed(self, url: str) -> bool:
        # Normalized URLs are "scheme://authority/path": the origin ends at the next "/".
        end = url.find("/", url.find("//") + 2)
        origin = url if end == -1 else url[:end]
        if origin in self._origins:
            return True
        if len(self._origins) >= MAX_ORIGINS:
            return False
        self._origins.add(origin)
        return True

    def _in_sitemap(self, url: str) -> bool:
        return hash(url) in self._sitemap_hashes

    # -- robots.txt and politeness ------------------------------------------------------------
    async def _robots_for(self, url: str) -> RobotsTxt:
        """The robots.txt of the URL's origin, fetched once (always over plain HTTP)."""
        robots_url = robots_url_for(url)
        if robots_url not in self._robots:
            result = await self._http.fetch(robots_url)
            self._robots[robots_url] = robots_from_fetch(robots_url, result)
        return self._robots[robots_url]

    async def _wait_turn(self, delay: float) -> None:
        """Space the starts of requests by `delay` seconds (the politeness delay)."""
        if delay <= 0:
            return
        async with self._rate_lock:
            now = time.monotonic()
            wait = self._next_request_at - now
            self._next_request_at = max(now, self._next_request_at) + delay
        if wait > 0:
            await asyncio.sleep(wait)

    # -- the crawl ---------------------------------------------------------------------------
    async def run(self, emit) -> CrawlOutcome:
        self._wake = asyncio.Condition()
        self._rate_lock = asyncio.Lock()
        self._deadline = time.monotonic() + self.settings.time_budget_seconds
        fetcher = self._fetcher or self._make_fetcher()
        owns_fetcher = self._fetcher is None
        try:
            if owns_fetcher:
                await fetcher.__aenter__()
            await self._crawl(fetcher, emit)
        finally:
            if owns_fetcher:
                await fetcher.__aexit__(None, None, None)
        return self.outcome

    def _make_fetcher(self):
        if self.settings.render_js:
            from .fetch import BrowserFetcher

            return BrowserFetcher(
                user_agent=self.settings.user_agent,
                timeout=max(self.settings.request_timeout_seconds, 30),
                max_response_bytes=self.settings.max_response_bytes,
                max_pages=self.settings.concurrency,
                stop=self.stop,  # a cancel ends the wait for sub-resources at once
            )
        return HttpFetcher(
            user_agent=self.settings.user_agent,
            timeout=self.settings.request_timeout_seconds,
            max_response_bytes=self.settings.max_response_bytes,
            max_connections=self.settings.concurrency,
        )

    async def _site_fetcher(self):
        """Plain HTTP for robots.txt, sitemaps and the HTTPS probe, even when rendering JS."""
        if isinstance(self._fetcher, HttpFetcher) or not self.settings.render_js:
            return self._fetcher, False
        fetcher = HttpFetcher(
            user_agent=self.settings.user_agent,
            timeout=self.settings.request_timeout_seconds,
            max_response_bytes=self.settings.max_response_bytes,
        )
        await fetcher.__aenter__()
        return fetcher, True

    async def _crawl(self, page_fetcher, emit) -> None:
        settings = self.settings
        self._fetcher = page_fetcher
        site_fetcher, owns_site_fetcher = await self._site_fetcher()
        self._http = site_fetcher
        try:
            if not await self._crawl_start(page_fetcher, emit):
                return
            await self._https_probe()
            if self.stop.is_set():
                self.outcome.finished_because = self._stop_reason()
                return
            workers = [
                asyncio.create_task(self._worker(page_fetcher, emit))
                for _ in range(max(1, settings.concurrency))
            ]
            await asyncio.gather(*workers)
        finally:
            if owns_site_fetcher:
                await site_fetcher.__aexit__(None, None, None)
        self.outcome.urls_not_crawled = self._count_not_crawled()
        if (
            self.outcome.finished_because == FinishReason.MAX_PAGES
            and not self.outcome.urls_not_crawled
        ):
            # The limit was reached exactly when the site ran out of pages: nothing was left.
            self.outcome.finished_because = FinishReason.COMPLETED
        if self.outcome.finished_because == FinishReason.COMPLETED and self._depth_limited:
            self.outcome.finished_because = FinishReason.MAX_DEPTH

    async def _crawl_start(self, fetcher, emit) -> bool:
        """robots.txt, the start URL and the sitemaps; False when the crawl cannot go on."""
        url = self.settings.start_url
        self._seen.add(url)
        self._new_origin_allowed(url)
        robots = await self._robots_for(url)
        self.outcome.robots = robots
        self.outcome.final_start_url = url
        if self.settings.obey_robots and not robots.can_fetch(url, self.settings.user_agent):
            await self._read_sitemaps()
            await self._emit_blocked(url, 0, emit)
            return False
        self._reserved += 1
        await self._wait_turn(self.settings.delay_seconds)
        result = await fetcher.fetch(url)
        self.outcome.start_tls = result.tls
        self.outcome.start_hsts = result.headers.get("strict-transport-security")
        if result.final_url and result.final_url != url:
            # The site lives where the start URL redirects (example.com -> www.example.com).
            self.outcome.final_start_url = result.final_url
            self._site_roots.append(result.final_url)
        # Sitemaps before the start page is recorded, so it knows whether it is listed.
        await self._read_sitemaps()
        await self._settle(url, 0, result, emit)
        if result.status_code is None:
            self.outcome.finished_because = FinishReason.START_URL_FAILED
            self.outcome.error = result.error_detail or result.error
            return False
        return True

    async def _read_sitemaps(self) -> None:
        """Fetch the sitemaps and queue their URLs (crawled after the links run out)."""
        robots = self.outcome.robots
        files, urls = await collect_sitemaps(
            self._http,
            declared=robots.sitemaps if robots else [],
            start_url=self.outcome.final_start_url,
        )
        self.outcome.sitemaps = files
        self.outcome.sitemap_urls = len(urls)
        for url in urls:
            if self._in_scope(url) and hash(url) not in self._sitemap_hashes:
                self._sitemap_hashes.add(hash(url))
                if len(self._sitemap_urls) < self.settings.max_pages:
                    self._sitemap_urls.append(url)

    async def _https_probe(self) -> None:
        """Does the http:// address of an https:// site redirect to https://?"""
        final = self.outcome.final_start_url or self.settings.start_url
        if url_scheme(final) != "https":
            return
        probe = await self._http.fetch("http://" + final.split("://", 1)[1])
        if probe.status_code is not None:
            self.outcome.http_redirects_to_https = bool(
                probe.redirect_chain and url_scheme(probe.final_url) == "https"
            )

    async def _next_item(self) -> tuple[str, int | None] | None:
        async with self._wake:
            while True:
                if self._should_stop():
                    self._wake.notify_all()
                    return None
                if self._links:
                    self._in_flight += 1
                    self._reserved += 1
                    return self._links.popleft()
                if self._in_flight == 0:
                    # Links are exhausted: every page a link reaches has been seen.
                    while self._sitemap_urls:
                        url = self._sitemap_urls.popleft()
                        if url not in self._seen and self._new_origin_allowed(url):
                            self._seen.add(url)
                            self._in_flight += 1
                            self._reserved += 1
                            return url, None
                    self._wake.notify_all()
                    return None
                await self._wake.wait()

    async def _worker(self, fetcher, emit) -> None:
        while True:
            item = await self._next_item()
            if item is None:
                return
            url, depth = item
            delay = self.settings.delay_seconds
            try:
                robots = await self._robots_for(url)
                if self.settings.obey_robots:
                    if not robots.can_fetch(url, self.settings.user_agent):
                        # Recorded (and listed in the report) like any page: it keeps its page.
                        await self._emit_blocked(url, depth, emit)
                        continue
                    # Crawl-delay only ever slows us down.
                    delay = max(delay, robots.crawl_delay(self.settings.user_agent) or 0)
                await self._wait_turn(delay)
                if self._interrupted():
                    continue
                result = await fetcher.fetch(url)
                await self._settle(url, depth, result, emit)
            finally:
                async with self._wake:
                    self._in_flight -= 1
                    self._wake.notify_all()

    async def _emit_blocked(self, url: str, depth: int | None, emit) -> None:
        self._recorded += 1
        await emit(
            PageRecord(
                url=url,
                depth=depth,
                fetch=None,
                in_sitemap=self._in_sitemap(url),
                blocked_by_robots=True,
                robots=self._robots.get(robots_url_for(url)),
            )
        )

    async def _settle(self, url: str, depth: int | None, result: FetchResult, emit) -> None:
        """Record a fetched URL (and its redirect target), and queue what it links to."""
        self.outcome.pages_fetched += 1
        next_depth = depth + 1 if depth is not None else None
        if result.redirect_chain:
            first = result.redirect_chain[0]
            # The requested URL answered with a redirect: its own row, without a body.
            source = dataclasses.replace(
                result, status_code=first.status_code, body=b"", content_type=None, headers={}
            )
            self._recorded += 1
            await emit(
                PageRecord(
                    url=url,
                    depth=depth,
                    fetch=source,
                    in_sitemap=self._in_sitemap(url),
                    robots=self._robots.get(robots_url_for(url)),
                )
            )
            target = result.final_url
            if result.status_code is None or target in self._seen or not self._in_scope(target):
                return
            # The target was fetched at the end of the chain; record it now instead of twice.
            self._seen.add(target)
            if not self._take_page():
                return  # the limit is reached: found, not crawled
            url, result = (
                target,
                dataclasses.replace(result, requested_url=target, redirect_chain=[]),
            )
        facts = None
        if result.is_html and result.status_code is not None and result.body:
            facts = parse_page(
                result.body, url=result.final_url or url, content_type=result.content_type,
                headers=result.headers,
            )  # fmt: skip
            self.outcome.count_long_urls(url, facts.urls_too_long)
            self._queue_discoveries(facts, next_depth)
        body_size = len(result.body)
        result.body = b""  # memory stays flat: the parsed facts are all we keep
        self._recorded += 1
        await emit(
            PageRecord(
                url=url,
                depth=depth,
                fetch=result,
                facts=facts,
                in_sitemap=self._in_sitemap(url),
                body_size=body_size,
                robots=self._robots.get(robots_url_for(url)),
            )
        )

    def _queue_discoveries(self, facts: PageFacts, depth: int | None) -> None:
        robots_meta = (facts.meta_robots or "").lower()
        if "nofollow" not in robots_meta and "none" not in robots_meta:
            for link in facts.links:
                if not link.nofollow:
                    self._enqueue(link.url, depth)
        for ref in (*facts.canonicals, *facts.canonical_headers):
            self._enqueue(ref.url, depth)
        for alternate in facts.hreflang:
            self._enqueue(alternate.href, depth)


_DONE = object()


def record_weight(record: PageRecord) -> int:
    """Roughly the bytes a record holds: mostly its links."""
    facts = record.facts
    if facts is None:
        return 2_000
    return 2_000 + facts.link_chars + 150 * len(facts.links)


class StopSignal(threading.Event):
    """A threading.Event that also says why the crawl was stopped."""

    reason: FinishReason | None = None

    def set_reason(self, reason: FinishReason) -> None:
        self.reason = reason
        self.set()


class CrawlRunner:
    """Runs a Crawler in its own thread; the caller iterates `records()` in its own thread.

    The queue between them is bounded, so a slow database slows the crawl instead of piling
    pages up in memory.
    """

    def __init__(self, settings: CrawlSettings, *, fetcher=None, queue_size: int = 256):
        self.stop = StopSignal()
        self.crawler = Crawler(settings, stop=self.stop, fetcher=fetcher)
        self._queue: queue.Queue = queue.Queue(maxsize=queue_size)
        self._queued_weight = 0  # record_weight of what is in the queue
        self._weight_lock = threading.Lock()
        self._thread = threading.Thread(target=self._main, name="vivaseo-crawl", daemon=True)
        self._abandoned = False
        self.error: BaseException | None = None

    @property
    def outcome(self) -> CrawlOutcome:
        return self.crawler.outcome

    def _main(self) -> None:
        try:
            asyncio.run(self.crawler.run(self._emit))
        except BaseException as exc:  # surfaced to the caller's thread by records()
            self.error = exc
        finally:
            self._queue.put(_DONE)  # blocks only until the consumer (or a drain) takes it

    async def _emit(self, record: PageRecord) -> None:
        # A full queue means the database is behind: wait without blocking other fetches.
        weight = record_weight(record)
        while not self._abandoned:
            with self._weight_lock:
                # A record always fits into an empty queue, however heavy it is.
                if not self._queued_weight or self._queued_weight + weight <= QUEUED_WEIGHT:
                    with contextlib.suppress(queue.Full):
                        self._queue.put_nowait(record)
                        self._queued_weight += weight
                        return
            await asyncio.sleep(0.01)

    def records(self, *, poll_seconds: float = 1.0) -> Iterator[PageRecord | None]:
        """Yield records as they arrive, and None every `poll_seconds` without one (so the
        caller can check for cancellation). Raises what the crawl thread raised."""
        self._thread.start()
        try:
            while True:
                try:
                    item = self._queue.get(timeout=poll_seconds)
                except queue.Empty:
                    yield None
                    continue
                if item is _DONE:
                    break
                with self._weight_lock:
                    self._queued_weight -= record_weight(item)
                yield item
        finally:
            if self._thread.is_alive():
                # The caller stopped early (error or time limit): stop the crawl and drain.
                self._abandoned = True
                self.stop.set_reason(self.stop.reason or FinishReason.STOPPED)
                while self._thread.is_alive():
                    with contextlib.suppress(queue.Empty):
                        self._queue.get(timeout=0.1)
            self._thread.join()
        if self.error is not None:
            raise self.error

    def request_stop(self, reason: FinishReason) -> None:
        self.stop.set_reason(reason)
