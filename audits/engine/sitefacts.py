"""Site-wide facts read before and beside the crawl: robots.txt, sitemaps and HTTPS.

robots.txt is parsed with protego (what the crawler obeys) and validated with the rules of
Lighthouse's robots-txt audit (what the report says is wrong). Sitemaps are parsed with lxml
(sitemap indexes followed, gzip accepted), with hard limits so a hostile sitemap cannot make
the worker fetch or hold too much: at most :data:`MAX_ROBOTS_PROBLEMS` problems and
:data:`MAX_ROBOTS_SITEMAPS` sitemap lines are kept from a robots.txt, at most
:data:`MAX_SITEMAP_URLS` URLs from all sitemaps, and no URL over the URL length cap.
"""

from __future__ import annotations

import gzip
import io
import itertools
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree
from protego import Protego

from .fetch import FetchResult
from .urls import MAX_URL_CHARS, normalize_url

ROBOTS_DIRECTIVES = {
    "user-agent", "disallow", "allow", "sitemap", "crawl-delay", "clean-param", "host",
    "request-rate", "visit-time", "noindex", "content-signal", "license",
}  # fmt: skip
SITEMAP_PROTOCOLS = {"http", "https", "ftp"}
MAX_SITEMAP_FILES = 20
MAX_SITEMAP_URLS = 50_000
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed file
MAX_ROBOTS_PROBLEMS = 100  # kept; all are counted (a 500 KB robots.txt has 250,000 lines)
MAX_ROBOTS_SITEMAPS = 100


@dataclass
class RobotsTxt:
    url: str
    status_code: int | None = None
    exists: bool = False
    error: str | None = None
    content: str = ""
    problems: list[dict] = field(default_factory=list)  # the first MAX_ROBOTS_PROBLEMS
    problem_count: int = 0
    sitemaps: list[str] = field(default_factory=list)
    parser: Protego | None = None

    def can_fetch(self, url: str, user_agent: str) -> bool:
        return self.parser is None or self.parser.can_fetch(url, user_agent)

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay is not None else None

    def blocks_all(self, start_url: str, user_agent: str) -> bool:
        return not self.can_fetch(start_url, user_agent)

    def as_dict(self, *, start_url: str, user_agent: str) -> dict:
        return {
            "url": self.url,
            "status_code": self.status_code,
            "exists": self.exists,
            "error": self.error,
            "problems": self.problems[:50],
            "problem_count": max(self.problem_count, len(self.problems)),
            "sitemaps": self.sitemaps[:20],
            "crawl_delay": self.crawl_delay(user_agent),
            "blocks_all": self.blocks_all(start_url, user_agent),
        }


def robots_url_for(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def validate_robots_txt(content: str) -> list[dict]:
    """The problems Lighthouse's robots-txt audit reports, line by line."""
    return list(_robots_txt_problems(content))


def _robots_txt_problems(content: str) -> Iterator[dict]:
    in_group = False
    for number, raw_line in enumerate(content.splitlines(), start=1):
        line = raw_line.split("#", 1)[0].strip()
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon:
            yield {"line": number, "content": raw_line[:200], "message": "Syntax not understood"}
            continue
        name, value = name.strip().lower(), value.strip()
        message = _directive_problem(name, value)
        if message:
            yield {"line": number, "content": raw_line[:200], "message": message}
            continue
        if name == "user-agent":
            in_group = True
        elif name in ("allow", "disallow") and not in_group:
            yield {"line": number, "content": raw_line[:200], "message": "No user-agent specified"}


def _directive_problem(name: str, value: str) -> str | None:
    if name not in ROBOTS_DIRECTIVES:
        return "Unknown directive"
    if name == "sitemap":
        parts = urlsplit(value)
        if not parts.scheme or not parts.netloc:
            return "Invalid sitemap URL"
        if parts.scheme.lower() not in SITEMAP_PROTOCOLS:
            return "Invalid sitemap URL protocol"
    if name == "user-agent" and not value:
        return "No user-agent specified"
    if name in ("allow", "disallow"):
        if value and value[0] not in "/*":
            return 'Pattern should either be empty, start with "/" or "*"'
        if "$" in value and value.index("$") != len(value) - 1:
            return '"$" should only be used at the end of the pattern'
    return None


def robots_from_fetch(url: str, result: FetchResult) -> RobotsTxt:
    """What a crawler may do, from the robots.txt response (RFC 9309 status rules)."""
    robots = RobotsTxt(url=url, status_code=result.status_code, error=result.error_detail)
    status = result.status_code
    if result.error or status is None:
        # Unreachable: RFC 9309 says assume complete disallow; we crawl but report it,
        # because refusing the whole audit over a flaky robots.txt helps nobody.
        return robots
    if 200 <= status < 300:
        robots.exists = True
        robots.content = result.body.decode("utf-8", "replace")[:500_000]
        robots.parser = Protego.parse(robots.content)
        for problem in _robots_txt_problems(robots.content):
            robots.problem_count += 1
            if robots.problem_count <= MAX_ROBOTS_PROBLEMS:
                robots.problems.append(problem)
        declared = (normalize_url(s) for s in robots.parser.sitemaps)
        robots.sitemaps = list(
            itertools.islice((s for s in declared if s is not None), MAX_ROBOTS_SITEMAPS)
        )
    elif status >= 500 or status == 429:
        robots.error = f"robots.txt answered HTTP {status}"
    return robots


@dataclass
class SitemapFile:
    url: str
    source: str  # "robots.txt", "default" or "index"
    status_code: int | None = None
    ok: bool = False
    error: str | None = None
    urls_listed: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _maybe_gunzip(body: bytes) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data = decompressor.decompress(body, MAX_SITEMAP_BYTES)
    if decompressor.unconsumed_tail:
        raise ValueError("the sitemap is larger than 50 MB uncompressed")
    return data


def parse_sitemap(body: bytes) -> tuple[str, list[str]]:
    """("urlset" | "sitemapindex", the <loc> values) of one sitemap file; ValueError if broken."""
    try:
        data = _maybe_gunzip(body)
    except (OSError, zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError(f"the sitemap could not be decompressed ({exc})") from exc
    kind = ""
    locations: list[str] = []
    parser = etree.iterparse(
        io.BytesIO(data), events=("start", "end"), recover=True, resolve_entities=False,
        no_network=True, huge_tree=False,
    )  # fmt: skip
    try:
        for event, element in parser:
            tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
            if event == "start":
                if not kind:
                    kind = tag
                continue
            if tag == "loc" and element.text:
                location = element.text.strip()
                if len(location) <= MAX_URL_CHARS:  # longer ones are dropped anyway
                    locations.append(location)
                if len(locations) >= MAX_SITEMAP_URLS:
                    break
            if tag in ("url", "sitemap"):
                element.clear()
    except etree.XMLSyntaxError as exc:
        if not locations:
            raise ValueError(f"the sitemap is not valid XML ({exc})") from exc
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError("the file is not a sitemap (no <urlset> or <sitemapindex>)")
    return kind, locations


async def collect_sitemaps(
    fetcher, *, declared: list[str], start_url: str
) -> tuple[list[SitemapFile], list[str]]:
    """Fetch the sitemaps robots.txt declares (or /sitemap.xml), following indexes."""
    queue = [(url, "robots.txt") for url in declared] or [
        (urljoin(start_url, "/sitemap.xml"), "default")
    ]
    files: list[SitemapFile] = []
    page_urls: list[str] = []
    seen: set[str] = set()
    while queue and len(files) < MAX_SITEMAP_FILES and len(page_urls) < MAX_SITEMAP_URLS:
        url, source = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        sitemap = SitemapFile(url=url, source=source)
        files.append(sitemap)
        result = await fetcher.fetch(url)
        sitemap.status_code = result.status_code
        if result.error or result.status_code != 200:
            sitemap.error = result.error_detail or f"HTTP {result.status_code}"
            continue
        try:
            kind, locations = parse_sitemap(result.body)
        except ValueError as exc:
            sitemap.error = str(exc)
            continue
        sitemap.ok = True
        sitemap.urls_listed = len(locations)
        for location in locations:
            normalized = normalize_url(location, base=url)
            if normalized is None:
                continue
            if kind == "sitemapindex":
                if len(queue) < MAX_SITEMAP_FILES:
                    queue.append((normalized, "index"))
            elif len(page_urls) < MAX_SITEMAP_URLS:
                page_urls.append(normalized)
    return files, page_urls[:MAX_SITEMAP_URLS]
