"""JavaScript rendering (issue 10): a page is judged by its document, not by a third party.

Every page of these sites loads a script (in its <head>, so it holds the parser) and an image
from a host that accepts connections and never answers, as an unreachable tracker does. A
rendered page must still be read within seconds, without a timeout finding, with its own
scripts run and "rendered with N resources not loaded" as information; cancelling such an
audit must end it within seconds and leave no CancelledError traceback in the worker's log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from pathlib import Path

import pytest

from audits.checks import page_checks_run
from audits.engine.crawl_process import ProcessCrawlRunner
from audits.engine.crawler import CrawlSettings, FinishReason
from audits.engine.fetch import BrowserFetcher
from audits.engine.fetch.browser import RENDER_MARGIN_SECONDS
from audits.engine.fetch.render import SETTLE_CAP_SECONDS, STALL_SECONDS
from audits.models import PageResult, SEOScan, Website
from audits.services.scans import scan_cancel
from audits.storage import checked_page_build
from audits.vocabulary import Severity
from tests.conftest import ARTIFACTS_DIR, wait_for
from tests.sites import LoopThread, Page, SiteServer, html

UA = "VivaSEOBot/test (+http://testserver/bot)"
SILENT_HOST = "127.0.0.2"
ADDS_A_HEADING = (
    "<script>document.body.insertAdjacentHTML('beforeend', '<h2>Added by script</h2>');</script>"
)


class SilentHost(LoopThread):
    """A host on 127.0.0.2 that accepts connections, reads, and never answers."""

    def __init__(self) -> None:
        super().__init__()
        self.connections = 0

    async def _silent(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        with contextlib.suppress(Exception):
            await reader.read()
        writer.close()

    async def _start(self) -> None:
        server = await asyncio.start_server(self._silent, SILENT_HOST, 0)
        self.url = f"http://{SILENT_HOST}:{server.sockets[0].getsockname()[1]}"


def tracked_site(third_party: str, pages: int) -> dict[str, Page]:
    """Pages that each load a script and an image from ``third_party`` and link onwards."""
    head = f'<script src="{third_party}/tag.js"></script>'

    def body(index: int) -> str:
        links = "".join(f'<a href="/p{n}">Page {n}</a>' for n in range(pages) if n != index)
        return (
            f'<h1>Page {index}</h1><img src="{third_party}/pixel.gif" alt="Pixel">'
            f"{links}{ADDS_A_HEADING}"
        )

    site = {"/": Page(html("Home", head=head, body=body(-1)))}
    site |= {f"/p{n}": Page(html(f"Page {n}", head=head, body=body(n))) for n in range(pages)}
    return site


@pytest.fixture
def worker_like_logging():
    """Log to the real stderr, as a worker does, so what the forked crawl process logs is
    captured too (pytest's own log handlers lose it in the child)."""
    handler = logging.StreamHandler(sys.__stderr__)
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    yield
    root.removeHandler(handler)


@pytest.mark.browser
def test_a_rendered_crawl_reads_pages_soon_after_their_document_despite_a_silent_host(
    capfd, worker_like_logging
):
    with SilentHost() as silent, SiteServer(tracked_site(silent.url, pages=10)) as site:
        settings = CrawlSettings(
            start_url=site.url + "/", user_agent=UA, render_js=True, concurrency=4
        )
        runner = ProcessCrawlRunner(settings)
        started = time.monotonic()
        records = [record for record in runner.records(poll_seconds=0.2) if record is not None]
        elapsed = time.monotonic() - started
        assert silent.connections >= 1  # the pages did ask the silent host

    assert runner.outcome.finished_because == FinishReason.COMPLETED
    assert len(records) == 11
    for record in records:
        fetch = record.fetch
        assert fetch.rendered and fetch.status_code == 200, record.url
        assert fetch.error is None, (record.url, fetch.error_detail)
        # Read once its document came and the rest had its bounded wait, not at a timeout.
        assert fetch.elapsed_ms < (STALL_SECONDS + SETTLE_CAP_SECONDS) * 1000, record.url
        # The script and the image never arrived; the page's own script still ran.
        assert fetch.resources_not_loaded == 2, record.url
        assert (2, "Added by script") in record.facts.headings, record.url

        checked = checked_page_build(
            fetch=fetch,
            facts=record.facts,
            url=record.url,
            depth=record.depth,
            in_sitemap=False,
            blocked_by_robots=False,
            site_is_https=False,
        )
        findings = {result.check.id: result for result in page_checks_run(checked)}
        assert "timeout" not in findings and "fetch-failed" not in findings
        information = findings["resources-not-loaded"]
        assert [str(detail) for detail in information.details] == [
            "rendered with 2 resources not loaded"
        ]
        assert information.check.severity == Severity.values[-1]  # the mildest there is
    # The silent host is cut off once it stalled a page: 11 pages do not wait 2 s each.
    assert elapsed < 30, elapsed

    logged = capfd.readouterr().err
    assert "CancelledError" not in logged
    assert "Traceback" not in logged


@pytest.mark.browser
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_cancelling_a_rendered_audit_ends_it_within_seconds_and_logs_no_traceback(
    make_user, celery_worker_process
):
    from audits.tasks import run_scan

    log_path = ARTIFACTS_DIR / "celery-test-worker.log"
    log_start = log_path.stat().st_size
    user = make_user(email="render-cancel@example.com")
    with SilentHost() as silent, SiteServer(tracked_site(silent.url, pages=60)) as site:
        website = Website.objects.create(user=user, url=site.url + "/", name="Tracked")
        scan = SEOScan.objects.create(
            website=website,
            user=user,
            url=website.url,
            render_js=True,
            max_pages=61,
            crawl_options={"concurrency": 4},
        )
        run_scan.delay(scan.pk)

        def crawling():
            """the worker stored a few rendered pages"""
            return PageResult.objects.filter(scan=scan).count() >= 3

        wait_for(crawling, timeout=120, interval=0.1)
        asked = time.monotonic()
        scan_cancel(scan=scan, user=user)

        def cancelled():
            """the audit reads cancelled"""
            scan.refresh_from_db()
            return scan.status == SEOScan.Status.CANCELLED

        wait_for(cancelled, timeout=60, interval=0.05)
        took = time.monotonic() - asked

    assert took < 5, f"cancelling took {took:.1f} s"
    assert scan.finished_because == FinishReason.CANCELLED
    assert 3 <= scan.pages_crawled < 61

    time.sleep(1)  # the worker finishes writing what it logs about the task
    logged = Path(log_path).read_text(errors="replace")[log_start:]
    assert "Task audits.run_scan[" in logged  # this test's part of the log
    assert "CancelledError" not in logged
    assert "Traceback" not in logged


@pytest.mark.browser
def test_a_page_whose_script_never_ends_is_given_up_and_the_next_page_still_renders(
    monkeypatch,
):
    monkeypatch.setenv("VIVASEO_CRAWL_ALLOW_NETWORKS", "127.0.0.0/8")
    pages = {
        "/busy": Page(html("Busy", body="<h1>Busy</h1><script>while (true) {}</script>")),
        "/fine": Page(html("Fine", body=f"<h1>Fine</h1>{ADDS_A_HEADING}")),
    }

    async def render(base: str):
        async with BrowserFetcher(timeout=3, settle_cap=1, max_pages=1) as fetcher:
            return [await fetcher.fetch(f"{base}{path}") for path in ("/busy", "/fine")]

    with SiteServer(pages) as site:
        busy, fine = asyncio.run(render(site.url))

    assert busy.error == "browser" and busy.status_code == 200
    assert "kept the page busy" in busy.error_detail
    assert busy.elapsed_ms < (3 + 1 + RENDER_MARGIN_SECONDS + 5) * 1000
    assert fine.error is None and b"<h2>Added by script</h2>" in fine.body
