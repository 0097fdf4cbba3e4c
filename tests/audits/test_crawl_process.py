"""The crawl in a forked process: how it stops, fails and dies (tests/audits/test_crawler.py
shows it records the same pages as the crawl in a thread)."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import billiard
import pytest

from audits.engine import crawl_process
from audits.engine.crawl_process import CrawlProcessError, ProcessCrawlRunner
from audits.engine.crawler import CrawlRunner, CrawlSettings, FinishReason
from tests.sites import Page, SiteServer, html

UA = "VivaSEOBot/test (+http://testserver/bot)"


@pytest.fixture(autouse=True)
def allow_loopback(monkeypatch):
    monkeypatch.setenv("VIVASEO_CRAWL_ALLOW_NETWORKS", "127.0.0.0/8")


def slow_site(count: int = 60, delay: float = 0.2) -> dict[str, Page]:
    pages = {"/": Page(html("Home", body="".join(f'<a href="/s{i}">s</a>' for i in range(count))))}
    pages |= {f"/s{i}": Page(html(f"Slow {i}"), delay=delay) for i in range(count)}
    return pages


def settings_for(site: SiteServer, **overrides) -> CrawlSettings:
    return CrawlSettings(start_url=site.url + "/", user_agent=UA, concurrency=2, **overrides)


def wait_gone(pid: int, seconds: float = 10.0) -> bool:
    """The process exited: gone, or a zombie (an orphan's new parent may never reap it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def test_the_crawl_runs_in_another_process():
    pages = {"/": Page(html("Home", body='<a href="/a">A</a><a href="/b">B</a>'))}
    pages |= {"/a": Page(html("A")), "/b": Page(html("B"))}
    pages["/robots.txt"] = Page("User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    with SiteServer(pages) as site:
        runner = ProcessCrawlRunner(settings_for(site))
        records = [record for record in runner.records(poll_seconds=0.1) if record]
    assert runner._process.pid != os.getpid() and runner._process.exitcode == 0
    assert sorted(record.facts.title for record in records) == ["A", "B", "Home"]
    assert runner.outcome.finished_because == FinishReason.COMPLETED
    assert runner.outcome.pages_fetched == 3
    # robots.txt crosses the pipe once and is put back on every record of its origin.
    robots = {id(record.robots) for record in records}
    assert len(robots) == 1 and records[0].robots.url == site.url + "/robots.txt"
    assert not records[0].robots.can_fetch(site.url + "/private/x", UA)


def test_a_caller_that_stops_reading_stops_the_crawl_and_keeps_its_outcome():
    with SiteServer(slow_site()) as site:
        runner = ProcessCrawlRunner(settings_for(site))
        records = runner.records(poll_seconds=0.1)
        seen = [record for record, _ in zip(filter(None, records), range(3), strict=False)]
        records.close()  # what an exception in the caller's loop (or a time limit) does
        requests_after = len(site.requests)
        time.sleep(1.0)
        assert len(site.requests) == requests_after  # it did not crawl on after the caller left
    assert len(seen) == 3
    assert not runner._process.is_alive()
    assert runner.outcome.finished_because == FinishReason.STOPPED


def test_a_crawl_process_that_will_not_stop_is_killed_and_the_site_facts_are_kept(monkeypatch):
    monkeypatch.setattr(crawl_process, "STOP_GRACE_SECONDS", 1.0)
    # A crawl that ignores the stop request (the fork inherits the patched class).
    monkeypatch.setattr(CrawlRunner, "request_stop", lambda self, reason: None)
    pages = {
        "/": Page(html("Home", body='<a href="/slow">Slow</a>')),
        "/slow": Page(html("Slow"), delay=6),  # in flight when the stop comes
        "/robots.txt": Page("User-agent: *\nAllow: /\n", content_type="text/plain"),
    }
    with SiteServer(pages) as site:
        runner = ProcessCrawlRunner(settings_for(site))
        records = runner.records(poll_seconds=0.1)
        first = next(filter(None, records))
        time.sleep(0.5)  # /slow is being fetched
        started = time.monotonic()
        records.close()
        stopped_in = time.monotonic() - started
    assert first.url == site.url + "/"
    assert not runner._process.is_alive() and stopped_in < 5
    assert runner._process.exitcode == -signal.SIGKILL
    # No "done" came, but what the first pages brought is kept for the report.
    assert runner.outcome.finished_because == FinishReason.STOPPED
    assert runner.outcome.robots.exists and runner.outcome.final_start_url == site.url + "/"


def test_a_crawl_process_that_dies_is_an_error_that_says_so():
    with SiteServer(slow_site()) as site:
        runner = ProcessCrawlRunner(settings_for(site))
        with pytest.raises(CrawlProcessError, match="ended unexpectedly .*exit code -9"):
            for record in runner.records(poll_seconds=0.1):
                if record is not None:
                    os.kill(runner._process.pid, signal.SIGKILL)


def test_an_exception_in_the_crawl_process_is_raised_in_the_caller():
    with SiteServer({"/": Page(html("Home"))}) as site:
        runner = ProcessCrawlRunner(settings_for(site, include_patterns=("[unclosed",)))
        with pytest.raises(Exception, match="unterminated character set"):
            list(runner.records(poll_seconds=0.1))
    assert not runner._process.is_alive()


def link_rich_site(count: int = 400) -> dict[str, Page]:
    """Fast pages with many links: their records fill the pipe within a second."""
    nav = "".join(f'<a href="/p{i}">Page number {i}</a>' for i in range(count))
    return {"/": Page(html("Home", body=nav))} | {
        f"/p{i}": Page(html(f"Page {i}", body=nav)) for i in range(count)
    }


@pytest.mark.parametrize(
    "pages",
    [
        pytest.param(lambda: slow_site(count=200, delay=0.5), id="crawling"),
        pytest.param(link_rich_site, id="blocked-on-a-full-pipe"),
    ],
)
def test_the_crawl_process_stops_when_its_parent_is_killed(pages):
    """A worker killed mid-audit leaves no crawl behind, whether the crawl process is busy
    crawling or blocked sending pages that its parent stopped reading."""
    with SiteServer(pages()) as site:
        script = textwrap.dedent(f"""
            from audits.engine.crawl_process import ProcessCrawlRunner
            from audits.engine.crawler import CrawlSettings
            runner = ProcessCrawlRunner(CrawlSettings(start_url={site.url + "/"!r},
                                                      user_agent="t", concurrency=2))
            records = runner.records(poll_seconds=0.1)  # kept: closing it stops the crawl
            print(next(filter(None, records)) and runner._process.pid, flush=True)
            input()  # reads no more pages until it is killed
            """)
        parent = subprocess.Popen(
            [sys.executable, "-c", script],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": os.getcwd()},
        )
        child_pid = int(parent.stdout.readline())
        time.sleep(1.5)  # long enough to fill the pipe when the pages are fast
        parent.kill()
        parent.wait()
        assert wait_gone(child_pid), "the crawl process outlived its parent"
        requests_after = len(site.requests)
        time.sleep(1.0)
        assert len(site.requests) == requests_after  # and it stopped fetching


def _crawl_in_billiard_child(url: str, results) -> None:
    runner = ProcessCrawlRunner(CrawlSettings(start_url=url, user_agent=UA, concurrency=2))
    titles = [record.facts.title for record in runner.records(poll_seconds=0.1) if record]
    results.put(titles)


def test_it_runs_inside_a_celery_prefork_child():
    """Celery's prefork pool runs tasks in daemonic billiard children; they may still fork."""
    with SiteServer({"/": Page(html("Home"))}) as site:
        results = billiard.Queue()
        worker = billiard.Process(
            target=_crawl_in_billiard_child, args=(site.url + "/", results), daemon=True
        )
        worker.start()
        titles = results.get(timeout=60)
        worker.join(timeout=10)
    assert titles == ["Home"]
    assert worker.exitcode == 0
