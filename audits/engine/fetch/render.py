"""How long a rendered page is waited for, and what it did not get.

A page counts as arrived when its document does (the response and the navigation's commit);
that is what a timeout judges. What the document pulls in (scripts, images, fonts, calls to
other sites) gets a bounded wait on top: until the DOM is built (DOMContentLoaded) and the
network has been quiet for :data:`QUIET_SECONDS`, at most :data:`SETTLE_CAP_SECONDS`. A
sub-resource with no answer after :data:`STALL_SECONDS` is given up: it no longer holds the
page, it is counted as not loaded, and when it is on another host than the crawled site that
host is cut off for the rest of the crawl (:meth:`PageWatch.settle`'s ``give_up``), so a
tracker that never answers costs the first pages a few seconds, not every page its timeout.

Pure Python: the Playwright page is duck-typed, so crawl4ai (which brings Playwright) is only
imported by :mod:`.browser`.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from yarl import URL

from audits.engine.safety import normalize_host

from .results import REDIRECT_STATUSES, RedirectHop, TlsInfo

# After DOMContentLoaded, no request started or finished for this long: the page has settled.
QUIET_SECONDS = 0.5
# A sub-resource still unanswered after this long is counted as not loaded and waited no more.
STALL_SECONDS = 2.0
# The most a page waits for its sub-resources once its document has arrived.
SETTLE_CAP_SECONDS = 5.0
POLL_SECONDS = 0.05


@dataclass(slots=True)
class Navigation:
    """What the page's events saw of one main-document navigation."""

    urls: list[str] = field(default_factory=list)
    responses: list[tuple[str, int]] = field(default_factory=list)
    status: int | None = None
    final_url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    chain: list[RedirectHop] = field(default_factory=list)
    ttfb_ms: int | None = None
    bytes_downloaded: int = 0
    tls: TlsInfo | None = None


def request_host(url: str) -> str:
    """The host of ``url`` as the proxy compares hosts (normalised), or ""."""
    try:
        return normalize_host(URL(url).raw_host or "")
    except ValueError:
        return ""


class PageWatch:
    """Follows one pooled tab's network for whichever fetch uses it now (:meth:`begin`).

    Listeners are added once per tab, not per fetch, so a tab can render any number of URLs.
    Requests of an earlier fetch (cancelled when the tab navigates on) are not counted: only
    requests seen since :meth:`begin` are tracked.
    """

    def __init__(self, page: Any, *, session_id: str = "") -> None:
        self.page = page
        self.session_id = session_id  # crawl4ai's name for the tab
        self.navigation = Navigation()
        self._pending: dict[Any, float] = {}  # sub-resource request -> when it started
        self._given_up: set[Any] = set()
        self._failed = 0
        self._tracking = False
        self._document_arrived = False
        self.dom_ready = False
        self.last_activity = time.monotonic()
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_finished)
        page.on("requestfailed", self._on_failed)
        page.on("response", self._on_response)
        page.on("domcontentloaded", self._on_dom_ready)

    def begin(self) -> Navigation:
        """Start watching a new navigation of this tab."""
        self.navigation = Navigation()
        self._pending.clear()
        self._given_up.clear()
        self._failed = 0
        self._tracking = True
        self._document_arrived = False
        self.dom_ready = False
        self.last_activity = time.monotonic()
        return self.navigation

    def end(self) -> None:
        self._tracking = False

    @property
    def resources_not_loaded(self) -> int:
        """Sub-resources that failed, or had no answer when the page was read."""
        return self._failed + len(self._pending)

    def _is_main_document(self, request: Any) -> bool:
        return request.is_navigation_request() and request.frame == self.page.main_frame

    def _on_request(self, request: Any) -> None:
        if not self._tracking:
            return
        self.last_activity = time.monotonic()
        if self._is_main_document(request):
            self.navigation.urls.append(request.url)
            return
        if not self._document_arrived:
            return  # the previous page's, until the new document replaces it
        # A redirected sub-resource arrives as a new request; the hop before it is done.
        self._pending.pop(request.redirected_from, None)
        self._pending[request] = self.last_activity

    def _on_response(self, response: Any) -> None:
        if self._tracking and self._is_main_document(response.request):
            self.navigation.responses.append((response.url, response.status))
            self._document_arrived = response.status not in REDIRECT_STATUSES

    def _on_finished(self, request: Any) -> None:
        if self._pending.pop(request, None) is not None:
            self.last_activity = time.monotonic()
            self._given_up.discard(request)

    def _on_failed(self, request: Any) -> None:
        if self._pending.pop(request, None) is not None:
            self.last_activity = time.monotonic()
            self._given_up.discard(request)
            self._failed += 1

    def _on_dom_ready(self, *_: Any) -> None:
        if self._tracking:
            self.dom_ready = True

    async def settle(
        self,
        *,
        give_up: Callable[[str], None],
        stop: threading.Event | None = None,
        cap: float = SETTLE_CAP_SECONDS,
    ) -> None:
        """Wait until the DOM is built and the network quiet, at most ``cap`` seconds.

        ``give_up(url)`` is called once for each sub-resource still unanswered after
        :data:`STALL_SECONDS` (the fetcher cuts off its host when that is another site).
        A set ``stop`` (the audit was cancelled or stopped) ends the wait at once.
        """
        deadline = time.monotonic() + cap
        while time.monotonic() < deadline and not (stop is not None and stop.is_set()):
            now = time.monotonic()
            waiting = False
            for request, started in list(self._pending.items()):
                if now - started < STALL_SECONDS:
                    waiting = True
                elif request not in self._given_up:
                    self._given_up.add(request)
                    give_up(request.url)
            if self.dom_ready and not waiting and now - self.last_activity >= QUIET_SECONDS:
                return
            await asyncio.sleep(POLL_SECONDS)
