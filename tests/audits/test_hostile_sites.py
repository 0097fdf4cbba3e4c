"""A crawled site must not be able to take a worker down (issue 8): memory and CPU bombs served
on 127.0.0.1 end in findings, and the audit completes."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

import psutil
import pytest

from audits.engine.fetch import preload_crawl4ai
from audits.models import Finding, PageResult, SEOScan, Website
from audits.services.scans import scan_run, scan_start
from tests.sites import Page, SiteServer, html

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
TREE_LIMIT = 400 * MB
# Far above the limit: a crawl that gets here is killed so a failing test cannot exhaust the
# machine (six engineers share it).
RSS_KILL = 1200 * MB


class TreeMemory:
    """Samples, in a thread, the memory of this process (the scan's) and its children (the
    forked crawl process); kills the children past RSS_KILL.

    ``peak`` is the tree's resident memory with shared pages counted once: this process's RSS
    plus each child's USS (its own pages). Summing RSS instead counts every page the crawl
    process shares with its parent twice: ~170 MB in this test before the crawl reads a
    byte. ``peak_rss_sum`` is that sum, for the record.
    """

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.peak = 0
        self.peak_rss_sum = 0
        self.samples = 0
        self.killed = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            time.sleep(self.interval)

    def _sample(self) -> None:
        me = psutil.Process()
        rss = resident = me.memory_info().rss
        children = me.children(recursive=True)
        for child in children:
            try:
                memory = child.memory_full_info()
            except psutil.Error:
                continue  # it ended between the listing and the reading
            rss += memory.rss
            resident += memory.uss
        self.peak = max(self.peak, resident)
        self.peak_rss_sum = max(self.peak_rss_sum, rss)
        self.samples += 1
        if rss > RSS_KILL and not self.killed:
            self.killed = True
            for child in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signal.SIGKILL)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        # On a loaded machine the sampling thread may get few turns during the crawl: one
        # last sample of what the crawl left behind.
        self._sample()


def url_bomb_page() -> str:
    """20,000 relative links under a 100 KB <base>: 20,000 URLs of 100 KB each (2 GB)."""
    base = "/" + "A" * 100_000 + "/"
    links = "".join(f'<a href="x{i}">link {i}</a>' for i in range(20_000))
    return html("A page of enormous URLs", head=f'<base href="{base}">', body=links)


@pytest.fixture
def customer(make_user):
    return make_user(email="owner@example.com")


def audit(customer, site: SiteServer) -> SEOScan:
    website = Website.objects.create(user=customer, url=site.url + "/", name="Hostile")
    scan = scan_start(user=customer, website=website)
    return scan_run(scan_id=scan.pk)


@pytest.fixture(params=[True, False], ids=["crawl-process", "crawl-thread"])
def crawl_mode(request, settings):
    """Audits crawl in a forked process; VIVASEO_CRAWL_IN_PROCESS=false keeps it in a thread."""
    settings.VIVASEO_CRAWL_IN_PROCESS = request.param
    return request.param


def test_a_page_of_huge_urls_keeps_the_crawl_small_and_is_reported(customer, crawl_mode):
    preload_crawl4ai()  # as a worker does at start-up (vivaseo_site/celery.py)
    pages = {
        "/": Page(url_bomb_page()),
        "/robots.txt": Page("User-agent: *\nAllow: /\n", content_type="text/plain"),
    }
    with SiteServer(pages) as site, TreeMemory() as memory:
        scan = audit(customer, site)

    assert not memory.killed, f"the crawl passed {RSS_KILL // MB} MB and was killed"
    assert memory.samples >= 2
    assert memory.peak < TREE_LIMIT, (
        f"peak memory of the process tree: {memory.peak / MB:.0f} MB "
        f"(RSS summed: {memory.peak_rss_sum / MB:.0f} MB)"
    )
    assert scan.status == SEOScan.Status.COMPLETED, scan.error_message
    home = PageResult.objects.get(scan=scan, url=site.url + "/")
    finding = Finding.objects.get(scan=scan, check_id="url-too-long")
    assert finding.page_id == home.pk
    assert finding.detail == "20,000 URLs longer than 2,048 characters, left out"
    # Nothing of those URLs was queued, stored or followed.
    assert PageResult.objects.filter(scan=scan).count() == 1
    assert site.requests.count("/") == 1
    assert not [path for path in site.requests if path.startswith("/A")]


def test_a_page_too_complex_to_analyse_is_reported_and_the_audit_goes_on(customer, crawl_mode):
    pages = {
        "/": Page(
            html("Home of a complex site", body='<a href="/complex">C</a><a href="/b">B</a>')
        ),
        "/complex": Page(html("Complex", body="<p>x" * 250_000)),
        "/b": Page(html("A plain page")),
    }
    with SiteServer(pages) as site:
        scan = audit(customer, site)

    assert scan.status == SEOScan.Status.COMPLETED, scan.error_message
    stored = {page.url.removeprefix(site.url): page for page in scan.pages.all()}
    assert set(stored) == {"/", "/complex", "/b"}
    finding = Finding.objects.get(scan=scan, check_id="page-too-complex")
    assert finding.page_id == stored["/complex"].pk
    # 250,000 <p> and the page's own <html>, <meta>, <title>...
    assert finding.detail == "250,006 HTML elements; we analyse pages of up to 200,000"
    # The page was not read, so no check judged its content.
    assert not Finding.objects.filter(page=stored["/complex"]).exclude(check_id="page-too-complex")
