"""A deterministic synthetic website for the crawl benchmark, and a fast server for it.

`site_plan(pages)` lays out the URLs of a site whose crawl fetches exactly `pages` URLs:
HTML pages reachable by links, a few redirects (301), broken links (404) and orphan pages that
only the sitemap lists, plus a small section that robots.txt disallows (never fetched).
`render_site(plan)` turns the plan into response bodies (~15-25 KB of realistic HTML a page).

Run as a script, it serves one such site on 127.0.0.1 in its own process, so the server never
competes for the measured process's GIL:

    python bench/sitegen.py serve --pages 5000 --port 0   # prints "READY <port>" when listening
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import sys
from dataclasses import dataclass, field

SEED = 20240601
SECTIONS = ("blog", "products", "docs", "news", "guides", "help")
# Tree fan-out of the link structure: 1 + 5 + 25 + ... reaches 10,000 pages by depth 6.
FAN_OUT = 5
_WORD_TEXT = (
    "the of and to in is that for it as with was on be by this are from at or an have not "
    "search engine page site content link title description index crawl audit ranking "
    "keyword traffic visitor mobile speed image text heading structure canonical sitemap "
    "robots redirect performance quality report score issue fix guide product service "
    "customer business market online website domain server browser request response "
    "developer design layout button menu section article author date update version feature "
    "price offer order delivery support contact team company project plan account setting "
    "simple quick easy clear strong better best new old large small fast slow good great "
    "important useful helpful common popular local global modern classic unique special "
    "because while when where which what who how why however therefore also often always "
    "usually sometimes never every each many most some few more less other another same "
    "make take give find show help keep start run check build write read learn improve grow "
    "time year day week month people world country city house water food music travel health "
    "garden kitchen bicycle coffee mountain river forest ocean village library museum theatre"
)
WORDS = tuple(_WORD_TEXT.split())
EXTERNAL_SITES = (
    "https://example.com/",
    "https://example.org/resources/",
    "https://www.wikipedia.org/",
    "https://developer.mozilla.org/en-US/docs/Web/HTML",
    "https://schema.org/Article",
)


@dataclass
class SitePlan:
    """Every URL path of the site, by kind. Paths start with "/"; the home page is "/"."""

    pages: list[str]  # HTML pages reachable by links, pages[0] == "/"
    orphans: list[str]  # HTML pages listed only in the sitemap
    blocked: list[str]  # HTML pages under the robots.txt Disallow
    redirects: dict[str, str]  # old path -> target page path (301)
    broken: list[str]  # linked paths that answer 404
    links: dict[int, list[str]] = field(default_factory=dict)  # page index -> internal links

    @property
    def nav(self) -> list[str]:
        """The pages every page links to from its header."""
        return self.pages[1 : 1 + len(SECTIONS)]

    @property
    def fetchable_urls(self) -> int:
        """URLs a robots-obeying crawler fetches (a redirect counts once, with its target)."""
        return len(self.pages) + len(self.orphans) + len(self.redirects) + len(self.broken)


def _slug(rng: random.Random) -> str:
    return "-".join(rng.choices(WORDS[20:], k=3))


def site_plan(pages: int, *, seed: int = SEED) -> SitePlan:
    """Lay out a site whose full crawl fetches `pages` URLs (at least 20)."""
    pages = max(pages, 20)
    rng = random.Random(seed)
    broken_count = max(1, pages // 100)
    redirect_count = max(1, pages // 50)
    orphan_count = max(1, pages // 100)
    blocked_count = max(1, pages // 200)
    linked_count = pages - broken_count - redirect_count - orphan_count

    def page_path(index: int, section: str | None = None) -> str:
        section = section or SECTIONS[index % len(SECTIONS)]
        return f"/{section}/{_slug(rng)}-{index}/"

    linked = ["/"] + [page_path(index) for index in range(1, linked_count)]
    orphans = [page_path(linked_count + index) for index in range(orphan_count)]
    blocked = [f"/private/{_slug(rng)}-{index}/" for index in range(blocked_count)]
    redirects = {
        f"/old/{_slug(rng)}-{index}/": linked[rng.randrange(1, linked_count)]
        for index in range(redirect_count)
    }
    broken = [f"/{rng.choice(SECTIONS)}/gone-{index}/" for index in range(broken_count)]

    plan = SitePlan(
        pages=linked, orphans=orphans, blocked=blocked, redirects=redirects, broken=broken
    )
    redirect_paths = list(redirects)
    for index in range(linked_count):
        # Children first (the spanning tree that makes every page reachable), then the parent,
        # the main navigation and a spread of related pages, like a real site's cross-linking.
        children = [
            linked[child]
            for child in range(index * FAN_OUT + 1, index * FAN_OUT + FAN_OUT + 1)
            if child < linked_count
        ]
        parent = [linked[(index - 1) // FAN_OUT]] if index else []
        related = [linked[rng.randrange(linked_count)] for _ in range(rng.randint(10, 25))]
        links = [*parent, *children, *related]
        # Sprinkle the odd redirect, broken link and disallowed page over the site; each one is
        # linked from at least one page because every page of the first hundreds links to some.
        if rng.random() < 0.3 or index < len(redirect_paths):
            links.append(redirect_paths[index % len(redirect_paths)])
        if rng.random() < 0.2 or index < len(broken):
            links.append(broken[index % len(broken)])
        if rng.random() < 0.05 or index < len(blocked):
            links.append(blocked[index % len(blocked)])
        plan.links[index] = links
    return plan


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 18))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    # One draw for the whole paragraph, cut into sentences: page generation stays quick.
    words = rng.choices(WORDS, k=rng.randint(140, 240))
    sentences = []
    start = 0
    while start < len(words):
        end = start + rng.randint(8, 18)
        sentences.append(" ".join(words[start:end]).capitalize() + ".")
        start = end
    return " ".join(sentences)


def _title(path: str) -> str:
    if path == "/":
        return "Home"
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    return " ".join(part.capitalize() for part in slug.split("-"))


def render_page(
    path: str,
    *,
    index: int,
    nav: list[str],
    links: list[str],
    rng: random.Random,
    origin: str = "",
) -> bytes:
    """One HTML page. Every 40th page lacks a meta description and every 50th repeats the
    home page's title, so the duplicate and missing checks have something to find."""
    title = "Home" if index % 50 == 49 else _title(path)
    section = path.strip("/").split("/", 1)[0] or "home"
    description = _sentence(rng)[:155]
    canonical = f"{origin}{path}"
    jsonld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "Product" if section == "products" else "Article",
            "name": title,
            "description": description,
            "datePublished": f"2024-{index % 12 + 1:02d}-{index % 28 + 1:02d}",
            "author": {"@type": "Person", "name": "Synthetic Author"},
        }
    )
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title} | Synthetic Site</title>",
        ("" if index % 40 == 39 else f'<meta name="description" content="{description}">'),
        f'<link rel="canonical" href="{canonical}">',
        f'<meta property="og:title" content="{title}">',
        f'<meta property="og:description" content="{description}">',
        f'<meta property="og:url" content="{canonical}">',
        '<meta property="og:type" content="website">',
        f'<meta property="og:image" content="{origin}/static/img/og-{index % 97}.jpg">',
        '<meta name="twitter:card" content="summary_large_image">',
        '<link rel="stylesheet" href="/static/site.css">',
        '<link rel="icon" href="/favicon.ico">',
        f'<script type="application/ld+json">{jsonld}</script>',
        "</head>",
    ]
    nav_items = "".join(f'<li><a href="{href}">{_title(href)}</a></li>' for href in nav)
    body = [
        "<body>",
        '<header><a href="/" class="logo">Synthetic Site</a>',
        f'<nav aria-label="Main"><ul>{nav_items}</ul></nav></header>',
        "<main>",
        "" if index % 60 == 59 else f"<h1>{title}</h1>",
    ]
    images = rng.randint(5, 10)
    image_slots = set(rng.sample(range(12), images))
    link_slots = _spread(links, 12)
    for slot in range(12):
        body.append(f"<h2>{_sentence(rng)[:60]}</h2>" if slot % 3 == 0 else "")
        body.append(f"<p>{_paragraph(rng)}</p>")
        if slot in image_slots:
            number = rng.randrange(5000)
            alt = "" if rng.random() < 0.25 else f' alt="{_sentence(rng)[:50]}"'
            body.append(
                f'<img src="/static/img/photo-{number}.jpg"{alt} width="800" height="600"'
                ' loading="lazy">'
            )
        if link_slots[slot]:
            items = "".join(
                f'<li><a href="{href}">{_title(href) or "Home"}</a></li>'
                for href in link_slots[slot]
            )
            body.append(f'<ul class="related">{items}</ul>')
    external = rng.sample(EXTERNAL_SITES, rng.randint(1, 3))
    body.append(
        "<aside><h3>Further reading</h3><ul>"
        + "".join(f'<li><a href="{href}" rel="noopener">{href}</a></li>' for href in external)
        + "</ul></aside>"
    )
    body += [
        "</main>",
        '<footer><p>&copy; 2024 Synthetic Site. <a href="/">Home</a></p></footer>',
        "</body></html>",
    ]
    return "\n".join(part for part in head + body if part).encode()


def _spread(items: list[str], slots: int) -> list[list[str]]:
    per_slot = -(-len(items) // slots)
    return [items[slot * per_slot : (slot + 1) * per_slot] for slot in range(slots)]


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None


def render_site(plan: SitePlan, *, origin: str, seed: int = SEED) -> dict[str, Response]:
    """Every response of the site by path; anything missing answers 404."""
    rng = random.Random(seed + 1)
    responses: dict[str, Response] = {}
    for index, path in enumerate(plan.pages):
        responses[path] = Response(
            200,
            render_page(
                path, index=index, nav=plan.nav, links=plan.links[index], rng=rng, origin=origin
            ),
        )
    hub_links = plan.pages[:30]
    for offset, path in enumerate(plan.orphans + plan.blocked):
        index = len(plan.pages) + offset
        responses[path] = Response(
            200,
            render_page(path, index=index, nav=plan.nav, links=hub_links, rng=rng, origin=origin),
        )
    for old, target in plan.redirects.items():
        responses[old] = Response(301, b"", location=f"{origin}{target}")
    robots = f"User-agent: *\nDisallow: /private/\nAllow: /\n\nSitemap: {origin}/sitemap.xml\n"
    responses["/robots.txt"] = Response(200, robots.encode(), "text/plain; charset=utf-8")
    entries = "".join(
        f"<url><loc>{origin}{path}</loc><changefreq>weekly</changefreq></url>\n"
        for path in plan.pages + plan.orphans
    )
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    )
    responses["/sitemap.xml"] = Response(200, sitemap.encode(), "application/xml")
    return responses


NOT_FOUND = Response(
    404, b"<!DOCTYPE html><html><head><title>Not found</title></head><body>404</body></html>"
)


async def serve(pages: int, port: int) -> None:
    """Serve the site until killed; print "READY <port>" once listening."""
    from aiohttp import web

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    port = listener.getsockname()[1]
    origin = f"http://127.0.0.1:{port}"
    responses = render_site(site_plan(pages), origin=origin)

    async def handle(request: web.BaseRequest) -> web.Response:
        found = responses.get(request.path, NOT_FOUND)
        headers = {"Content-Type": found.content_type}
        if found.location:
            headers["Location"] = found.location
        body = b"" if request.method == "HEAD" else found.body
        return web.Response(status=found.status, body=body, headers=headers)

    # The low-level server skips routing and middlewares: a dict lookup per request.
    server = web.Server(handle, access_log=None)
    loop = asyncio.get_running_loop()
    await loop.create_server(server, sock=listener, backlog=1024)
    print(f"READY {port}", flush=True)
    await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="serve a synthetic site on 127.0.0.1")
    serve_parser.add_argument("--pages", type=int, default=5000)
    serve_parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    options = parser.parse_args(argv)
    if options.command == "serve":
        try:
            asyncio.run(serve(options.pages, options.port))
        except KeyboardInterrupt:
            sys.exit(0)


if __name__ == "__main__":
    main()
