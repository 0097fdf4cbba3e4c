"""robots.txt and sitemaps from hostile sites: what the crawl keeps of them is bounded."""

from __future__ import annotations

import asyncio
import time

from audits.engine.fetch import FetchResult, HttpFetcher
from audits.engine.sitefacts import (
    MAX_ROBOTS_PROBLEMS,
    MAX_ROBOTS_SITEMAPS,
    MAX_SITEMAP_URLS,
    collect_sitemaps,
    robots_from_fetch,
)
from audits.engine.urls import MAX_URL_CHARS
from tests.sites import Page, SiteServer

ROBOTS_URL = "https://e.example/robots.txt"


def robots(content: str):
    result = FetchResult(
        requested_url=ROBOTS_URL, final_url=ROBOTS_URL, status_code=200, body=content.encode()
    )
    return robots_from_fetch(ROBOTS_URL, result)


def test_a_robots_txt_of_nonsense_keeps_a_few_problems_and_counts_them_all():
    started = time.process_time()
    parsed = robots("not a directive\n" * 40_000)  # 640 KB: read up to 500,000 characters
    seconds = time.process_time() - started

    assert len(parsed.problems) == MAX_ROBOTS_PROBLEMS
    assert parsed.problem_count == 31_250
    as_dict = parsed.as_dict(start_url="https://e.example/", user_agent="VivaSEOBot")
    assert as_dict["problem_count"] == 31_250 and len(as_dict["problems"]) == 50
    assert seconds < 2.0, f"{seconds:.2f} s"


def test_a_robots_txt_keeps_a_bounded_number_of_sitemaps():
    parsed = robots("".join(f"Sitemap: https://e.example/s{i}.xml\n" for i in range(5_000)))

    assert len(parsed.sitemaps) == MAX_ROBOTS_SITEMAPS
    assert parsed.sitemaps[0] == "https://e.example/s0.xml"


def test_sitemaps_give_at_most_max_sitemap_urls_and_no_over_long_ones(allow_loopback):
    def urlset(start: int, count: int, *, long: bool = False) -> str:
        tail = "x" * MAX_URL_CHARS if long else ""
        locations = "".join(f"<url><loc>{{site}}/p{n}{tail}</loc></url>" for n in range(count))
        return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locations}</urlset>'

    with SiteServer({}) as site:
        index = "".join(f"<sitemap><loc>{site.url}/s{i}.xml</loc></sitemap>" for i in range(3))
        site.pages["/sitemap.xml"] = Page(f"<sitemapindex>{index}</sitemapindex>")
        site.pages["/s0.xml"] = Page(urlset(0, 100, long=True).format(site=site.url))
        for number in (1, 2):
            body = urlset(0, 40_000).format(site=site.url)
            site.pages[f"/s{number}.xml"] = Page(body, content_type="application/xml")

        async def scenario():
            async with HttpFetcher() as fetcher:
                return await collect_sitemaps(fetcher, declared=[], start_url=site.url + "/")

        files, urls = asyncio.run(scenario())

    assert [file.ok for file in files] == [True, True, True, True]
    assert files[1].urls_listed == 0  # every <loc> of s0.xml was too long to be a URL
    assert len(urls) == MAX_SITEMAP_URLS
    assert max(len(url) for url in urls) <= MAX_URL_CHARS
