"""Websites the tests serve on 127.0.0.1: a dict of path -> response, in a thread of its own."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Page:
    body: str | bytes = ""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def redirect(location: str, status: int = 301) -> Page:
    return Page(status=status, headers={"Location": location}, content_type="text/plain")


def html(title: str | None = "A page", *, body: str = "", head: str = "", lang: str = "en") -> str:
    title_tag = f"<title>{title}</title>" if title is not None else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{title_tag}{head}</head><body>{body}</body></html>"
    )


class LoopThread:
    """An asyncio loop in a daemon thread for a server the tests run beside them: a subclass
    starts its servers in ``_start`` (and sets ``url``); ``with`` starts and stops the loop."""

    def __init__(self) -> None:
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    async def _start(self) -> None:
        raise NotImplementedError

    async def _stop(self) -> None:
        """Close what ``_start`` opened; the loop stops after it."""

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()

    def __enter__(self):
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


class SiteServer(LoopThread):
    """Serve `pages` (path with query -> Page) until stopped; unknown paths answer 404."""

    def __init__(self, pages: dict[str, Page]):
        super().__init__()
        self.pages = pages
        self.requests: list[str] = []

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path_qs
        self.requests.append(path)
        page = self.pages.get(path)
        if page is None:
            return web.Response(status=404, text=html("Not found", body="<h1>Not found</h1>"),
                                content_type="text/html")  # fmt: skip
        if page.delay:
            await asyncio.sleep(page.delay)
        body = page.body.encode() if isinstance(page.body, str) else page.body
        response = web.Response(status=page.status, body=body, headers=page.headers)
        response.headers["Content-Type"] = page.content_type
        return response

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    async def _stop(self) -> None:
        await self._runner.cleanup()
