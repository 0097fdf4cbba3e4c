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


class SiteServer:
    """Serve `pages` (path with query -> Page) until stopped; unknown paths answer 404."""

    def __init__(self, pages: dict[str, Page]):
        self.pages = pages
        self.requests: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.url = ""

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

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self._ready.set()
        self._loop.run_forever()

    def __enter__(self) -> SiteServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        async def shutdown():
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
