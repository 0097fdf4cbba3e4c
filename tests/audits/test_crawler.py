"""The crawl frontier against sites served on 127.0.0.1 (no database involved).

Every test runs twice: with the crawl in a thread (CrawlRunner) and in a forked process
(ProcessCrawlRunner, what audits use); both must record exactly the same things.
"""

import socket
import time

import pytest

from audits.engine import crawler as crawler_module
from audits.engine.crawl_process import ProcessCrawlRunner
from audits.engine.crawler import (
    MAX_ORIGINS,
    CrawlRunner,
    CrawlSettings,
    FinishReason,
    frontier_limit,
    record_weight,
)
from tests.sites import Page, SiteServer, html, redirect

UA = "VivaSEOBot/test (+http://testserver/bot)"


@pytest.fixture(autouse=True)
def allow_loopback(monkeypatch):
    monkeypatch.setenv("VIVASEO_CRAWL_ALLOW_NETWORKS", "127.0.0.0/8")


@pytest.fixture(params=[CrawlRunner, ProcessCrawlRunner], ids=["thread", "process"])
def runner_class(request):
    return request.param


@pytest.fixture
def crawl(runner_class):
    def crawl(url: str, **overrides):
        settings = CrawlSettings(start_url=url + "/", user_agent=UA, **overrides)
        runner = runner_class(settings)
        records = [record for record in runner.records(poll_seconds=0.2) if record is not None]
        return {record.url.removeprefix(url): record for record in records}, runner.outcome

    return crawl


def links(*paths: str) -> str:
    return "".join(f'<a href="{path}">{path}</a>' for path in paths)


def test_breadth_first_click_depth_redirects_robots_and_sitemap_orphans(crawl):
    pages = {
        "/": Page(html("Home", body=links("/a", "/b", "/old", "https://elsewhere.example/x"))),
        "/a": Page(html("A", body=links("/a/deep", "/private/x", "/"))),
        "/b": Page(html("B", body=links("/a/deep", "/missing"))),
        "/a/deep": Page(html("Deep")),
        "/old": redirect("/new"),
        "/new": Page(html("New")),
        "/private/x": Page(html("Private")),
        "/orphan": Page(html("Orphan")),
        "/robots.txt": Page("User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
    }
    with SiteServer(pages) as site:
        pages["/robots.txt"].body += f"Sitemap: {site.url}/sitemap.xml\n"
        pages["/sitemap.xml"] = Page(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{site.url}/</loc></url><url><loc>{site.url}/orphan</loc></url></urlset>",
            content_type="application/xml",
        )
        found, outcome = crawl(site.url)
        assert "/private/x" not in site.requests  # robots.txt obeyed

    assert outcome.finished_because == FinishReason.COMPLETED
    assert found["/"].depth == 0 and found["/a"].depth == 1 and found["/a/deep"].depth == 2
    # The redirecting URL has its own row with the 301; its target is recorded once.
    assert found["/old"].fetch.status_code == 301
    assert found["/new"].fetch.status_code == 200 and found["/new"].depth == 1
    assert found["/missing"].fetch.status_code == 404
    assert found["/private/x"].blocked_by_robots and found["/private/x"].fetch is None
    # Only the sitemap leads to /orphan: no click depth, flagged as in the sitemap.
    assert found["/orphan"].depth is None and found["/orphan"].in_sitemap
    assert found["/"].in_sitemap and not found["/a"].in_sitemap
    assert not any("elsewhere" in url for url in found)
    assert found["/a"].facts.title == "A"
    assert found["/a"].fetch.body == b""  # bodies are dropped once parsed
    site_facts = outcome.site_facts(start_url=site.url + "/", user_agent=UA)
    assert site_facts["robots_txt"]["exists"] and site_facts["sitemaps"][0]["ok"]
    assert site_facts["sitemaps"][0]["urls_listed"] == 2


def test_limits_end_the_crawl_and_say_which_one(crawl):
    pages = {"/": Page(html("Home", body=links(*[f"/p{i}" for i in range(30)])))}
    pages |= {f"/p{i}": Page(html(f"P{i}", body=links(f"/p{i}/child"))) for i in range(30)}
    with SiteServer(pages) as site:
        found, outcome = crawl(site.url, max_pages=10, concurrency=4)
        assert outcome.finished_because == FinishReason.MAX_PAGES
        assert len(found) == 10
        found, outcome = crawl(site.url, max_depth=1, concurrency=4)
        assert outcome.finished_because == FinishReason.MAX_DEPTH
        assert max(record.depth for record in found.values()) == 1
        found, outcome = crawl(site.url, exclude_patterns=(r"/p1\d",), concurrency=4)
        assert not any(url.startswith("/p1") and len(url) == 4 for url in found)
        assert "/p2" in found


def test_the_page_limit_is_exact_when_the_start_url_and_links_redirect(crawl):
    # A Wagtail-like site: / redirects to /en/, some links redirect, robots.txt disallows one,
    # a sitemap lists more. A 10-page limit used to record 11 rows (the start URL's redirect
    # and its target counted as one fetch).
    paths = [f"/en/p{i}" for i in range(30)]
    pages = {
        "/": redirect("/en/"),
        "/en/": Page(html("Home", body=links(*paths, "/old", "/private/x"))),
        "/old": redirect("/en/new"),
        "/en/new": Page(html("New")),
        "/robots.txt": Page("User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
    }
    pages |= {path: Page(html(path)) for path in paths}
    with SiteServer(pages) as site:
        pages["/robots.txt"].body += f"Sitemap: {site.url}/sitemap.xml\n"
        listed = "".join(f"<url><loc>{site.url}/en/s{i}</loc></url>" for i in range(5))
        pages["/sitemap.xml"] = Page(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{listed}</urlset>",
            content_type="application/xml",
        )
        # One page: the start URL's redirect. Its target and the sitemap's 5 URLs were found.
        found, outcome = crawl(site.url, max_pages=1, concurrency=4)
        assert list(found) == ["/"] and outcome.urls_not_crawled == 6
        for limit in (2, 10, 31):
            found, outcome = crawl(site.url, max_pages=limit, concurrency=4)
            assert len(found) == limit, limit
            assert outcome.finished_because == FinishReason.MAX_PAGES
            # / and /en/, 30 links, /old, /private/x and 5 sitemap URLs: 39 URLs found (/en/new
            # only once /old is fetched, which comes after the 30 links).
            assert outcome.urls_not_crawled == 39 - limit, limit
            site_facts = outcome.site_facts(start_url=site.url + "/", user_agent=UA)
            assert site_facts["urls_not_crawled"] == 39 - limit

        found, outcome = crawl(site.url, max_pages=40, concurrency=4)
        assert len(found) == 40
        # Nothing was left when the limit was reached: the crawl completed.
        assert outcome.finished_because == FinishReason.COMPLETED
        assert outcome.urls_not_crawled == 0
        assert found["/"].fetch.status_code == 301 and found["/en/"].fetch.status_code == 200


def test_time_budget_and_cancellation_stop_a_slow_crawl(crawl, runner_class):
    pages = {"/": Page(html("Home", body=links(*[f"/s{i}" for i in range(50)])))}
    pages |= {f"/s{i}": Page(html("Slow"), delay=0.3) for i in range(50)}
    with SiteServer(pages) as site:
        found, outcome = crawl(site.url, time_budget_seconds=1.0, concurrency=2)
        assert outcome.finished_because == FinishReason.TIME_BUDGET
        assert 1 < len(found) < 20

        settings = CrawlSettings(start_url=site.url + "/", user_agent=UA, concurrency=2)
        runner = runner_class(settings)
        seen = 0
        for record in runner.records(poll_seconds=0.1):
            seen += record is not None
            if seen == 3:
                runner.request_stop(FinishReason.CANCELLED)
        assert runner.outcome.finished_because == FinishReason.CANCELLED
        assert seen < 10


def test_politeness_delay_spaces_requests(crawl):
    pages = {"/": Page(html("Home", body=links("/1", "/2", "/3")))}
    pages |= {f"/{i}": Page(html(str(i))) for i in range(1, 4)}
    with SiteServer(pages) as site:
        started = time.monotonic()
        found, _outcome = crawl(site.url, delay_seconds=0.3, concurrency=4)
        assert len(found) == 4
        assert time.monotonic() - started >= 0.9  # three spaced requests after the first


def test_hostile_and_broken_pages_never_crash_the_crawl(crawl):
    nested = "<div>" * 20000 + "deep" + "</div>" * 20000
    pages = {
        "/": Page(html("Home", body=links("/nested", "/binary", "/bad-encoding", "/huge", "/pdf"))),
        "/nested": Page(html("Nested", body=nested)),
        "/binary": Page(bytes(range(256)) * 100, content_type="text/html"),
        "/bad-encoding": Page(
            b"<title>\xff\xfe caf\xe9</title>", content_type="text/html; charset=bogus"
        ),
        "/huge": Page(html("Huge", body="<p>word </p>" * 600_000)),
        "/pdf": Page(b"%PDF-1.4 not html", content_type="application/pdf"),
    }
    with SiteServer(pages) as site:
        found, outcome = crawl(site.url, max_response_bytes=1_000_000)
    assert outcome.finished_because == FinishReason.COMPLETED
    assert set(found) == {"/", "/nested", "/binary", "/bad-encoding", "/huge", "/pdf"}
    assert found["/huge"].fetch.truncated
    assert found["/pdf"].facts is None and found["/pdf"].fetch.content_type == "application/pdf"
    assert found["/nested"].facts.title == "Nested"


def test_a_page_too_complex_to_analyse_is_recorded_so_and_the_crawl_goes_on(crawl):
    pages = {
        "/": Page(html("Home", body=links("/complex", "/fine"))),
        "/complex": Page(html("Complex", body="<p>x" * 250_000 + links("/behind"))),
        "/fine": Page(html("Fine")),
    }
    with SiteServer(pages) as site:
        found, outcome = crawl(site.url)
    assert outcome.finished_because == FinishReason.COMPLETED
    assert set(found) == {"/", "/complex", "/fine"}
    assert found["/complex"].facts.too_complex and found["/complex"].fetch.status_code == 200
    assert found["/fine"].facts.title == "Fine"


def test_urls_over_the_length_cap_are_counted_per_page_not_queued(crawl):
    base = "/" + "A" * 100_000 + "/"
    pages = {
        "/": Page(html("Home", head=f'<base href="{base}">', body=links("x1", "x2", "/fine"))),
        "/fine": Page(html("Fine", body=links("/" + "b" * 3_000))),
    }
    with SiteServer(pages) as site:
        found, outcome = crawl(site.url)
        assert not [path for path in site.requests if len(path) > 2_048]
    assert set(found) == {"/", "/fine"}
    assert outcome.site_facts(start_url=site.url + "/", user_agent=UA)["urls_too_long"] == {
        "pages": [[site.url + "/", 2], [site.url + "/fine", 1]],
        "page_count": 2,
        "total": 3,
    }


def test_the_frontier_is_capped_and_what_did_not_fit_is_counted(crawl):
    pages = {"/": Page(html("Home", body=links(*[f"/p{i}" for i in range(3_000)])))}
    with SiteServer(pages) as site:
        found, outcome = crawl(site.url, max_pages=5, concurrency=2)
    assert frontier_limit(5) == 1_000
    assert outcome.urls_not_queued == 2_000
    assert outcome.finished_because == FinishReason.MAX_PAGES and len(found) == 5


def test_urls_robots_txt_disallows_are_recorded_within_max_pages(crawl):
    pages = {
        "/": Page(html("Home", body=links(*[f"/private/{i}" for i in range(50)], "/a"))),
        "/a": Page(html("A")),
        "/robots.txt": Page("User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
    }
    with SiteServer(pages) as site:
        found, _outcome = crawl(site.url, max_pages=5, concurrency=2)
    blocked = [record for record in found.values() if record.blocked_by_robots]
    # They are pages of the report like any other: the limit counts them.
    assert len(blocked) == 4 and len(found) == 5


def test_one_crawl_reaches_a_bounded_number_of_origins(crawl):
    # Every port of the site's host is "the same site"; each origin costs a robots.txt.
    sockets = [socket.create_server(("127.0.0.1", 0)) for _ in range(MAX_ORIGINS + 20)]
    ports = [listener.getsockname()[1] for listener in sockets]
    for listener in sockets:
        listener.close()  # nothing listens there any more: connections are refused at once
    with SiteServer({}) as site:
        site.pages["/"] = Page(
            html("Home", body=links(*[f"http://127.0.0.1:{port}/" for port in ports]))
        )
        found, outcome = crawl(site.url, request_timeout_seconds=5)
    assert len(found) == MAX_ORIGINS  # the site's own origin and 31 others
    assert outcome.urls_not_queued == len(ports) - (MAX_ORIGINS - 1)


def test_pages_wait_for_a_slow_caller_by_the_links_they_carry(monkeypatch):
    # 20 pages of 1,000 links each (~250 KB a record) into a queue that holds ~400 KB.
    monkeypatch.setattr(crawler_module, "QUEUED_WEIGHT", 400_000)
    many = links(*[f"/page/{i}/with/a/longer/path/to/weigh/more" for i in range(1_000)])
    pages = {"/": Page(html("Home", body=links(*[f"/p{i}" for i in range(20)]) + many))}
    pages |= {f"/p{i}": Page(html(f"P{i}", body=many)) for i in range(20)}
    with SiteServer(pages) as site:
        settings = CrawlSettings(start_url=site.url + "/", user_agent=UA, max_pages=21)
        runner = CrawlRunner(settings)
        held = []
        for record in runner.records(poll_seconds=0.1):
            if record is not None:
                assert 200_000 < record_weight(record) < 400_000
                held.append((runner._queue.qsize(), runner._queued_weight))
                time.sleep(0.05)  # a slow database
    assert len(held) == 21
    # Without the bound the crawl (~0.3 s) would have queued most of the pages meanwhile.
    assert max(size for size, _weight in held) <= 1
    assert max(weight for _size, weight in held) <= 400_000


def test_the_charset_the_server_sends_decodes_the_page(crawl):
    """Pages that declare their encoding only in the Content-Type header (no <meta>)."""
    latin1 = "<title>Caf\u00e9 M\u00fcnchen</title><h1>Cr\u00e8me br\u00fbl\u00e9e</h1>"
    pages = {
        "/": Page(latin1.encode("cp1252"), content_type="text/html; charset=windows-1252"),
    }
    with SiteServer(pages) as site:
        found, _outcome = crawl(site.url)
    facts = found["/"].facts
    assert (facts.title, list(facts.h1)) == (
        "Caf\u00e9 M\u00fcnchen",
        ["Cr\u00e8me br\u00fbl\u00e9e"],
    )
    assert facts.encoding == "cp1252" and facts.encoding_declared


def test_unreachable_start_url_is_reported_not_raised(runner_class):
    settings = CrawlSettings(start_url="http://127.0.0.1:9/", user_agent=UA, concurrency=2)
    runner = runner_class(settings)
    records = [record for record in runner.records(poll_seconds=0.1) if record]
    assert runner.outcome.finished_because == FinishReason.START_URL_FAILED
    assert records[0].fetch.status_code is None and records[0].fetch.error


def test_private_addresses_are_refused_without_the_allow_list(monkeypatch, runner_class):
    monkeypatch.setenv("VIVASEO_CRAWL_ALLOW_NETWORKS", "")
    with SiteServer({"/": Page(html("Home"))}) as site:
        runner = runner_class(CrawlSettings(start_url=site.url + "/", user_agent=UA))
        records = [record for record in runner.records(poll_seconds=0.1) if record]
        assert site.requests == []
    assert runner.outcome.finished_because == FinishReason.START_URL_FAILED
    assert records[0].fetch.error == "unsafe_address"
    assert "VivaSEO only audits public websites" in runner.outcome.error


def test_render_js_crawls_links_that_only_javascript_adds(crawl):
    """With JavaScript rendering on, Debian's Chromium builds the page before it is parsed."""
    script = (
        "<script>const a = document.createElement('a'); a.href = '/from-js';"
        "a.textContent = 'Added by script'; document.body.appendChild(a);</script>"
    )
    pages = {
        "/": Page(html("Home", body=f"<h1>Home</h1>{script}")),
        "/from-js": Page(html("From JS")),
    }
    with SiteServer(pages) as site:
        plain, _outcome = crawl(site.url)
        rendered, outcome = crawl(site.url, render_js=True, concurrency=2)
    assert set(plain) == {"/"}  # the plain HTTP crawl cannot see the script's link
    assert outcome.finished_because == FinishReason.COMPLETED
    assert set(rendered) == {"/", "/from-js"}
    assert rendered["/from-js"].facts.title == "From JS"
    assert rendered["/"].fetch.status_code == 200 and rendered["/"].fetch.rendered
