"""Audits on real Celery worker processes: queued on commit, run, survive a killed worker."""

import contextlib
import os
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from audits import crawl_settings
from audits.models import PageResult, SEOScan, Website
from audits.services.scans import scan_start, scans_recover_stuck
from tests.conftest import start_celery_worker, stop_celery_worker, wait_for
from tests.sites import Page, SiteServer, html

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def small_site(pages: int = 8, delay: float = 0.0) -> dict[str, Page]:
    links = "".join(f'<a href="/p{i}">Page {i}</a>' for i in range(pages))
    site = {"/": Page(html("Home", body=f"<h1>Home</h1>{links}"))}
    site |= {
        f"/p{i}": Page(html(f"Page {i}", body="<h1>Hi</h1>"), delay=delay) for i in range(pages)
    }
    return site


def test_audit_queued_on_commit_completes_in_a_real_worker(make_user, celery_worker_process):
    user = make_user(email="worker-e2e@example.com")
    with SiteServer(small_site()) as site:
        website = Website.objects.create(user=user, url=site.url + "/", name="Site")
        scan = scan_start(user=user, website=website)

        def finished():
            """the worker finished the audit"""
            scan.refresh_from_db()
            return scan.status in (SEOScan.Status.COMPLETED, SEOScan.Status.FAILED)

        wait_for(finished, timeout=90, interval=0.5)
    assert scan.status == SEOScan.Status.COMPLETED, scan.error_message
    assert PageResult.objects.filter(scan=scan).count() == 9
    assert scan.report.overall_score > 0


def children_of(pid: int) -> list[int]:
    found = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in children.read_text().split()]
    return found


def test_a_worker_killed_mid_audit_loses_nothing(make_user, celery_worker_process):
    """kill -9 the worker during a crawl; the stuck scan is re-queued and finished by another.

    The doomed worker runs the production prefork pool: the audit runs in a pool child, which
    forks the crawl process. Killing the pool child alone must not leave that crawl running.
    """
    from audits.tasks import run_scan

    user = make_user(email="killed@example.com")
    with SiteServer(small_site(pages=40, delay=0.25)) as site:
        website = Website.objects.create(user=user, url=site.url + "/", name="Slow")
        # A worker of its own, on a queue of its own, so the session's worker keeps out.
        doomed = start_celery_worker("doomed-worker", queues="doomed", pool="prefork")
        # Queued by hand to the doomed worker's queue (scan_start would use the default one).
        scan = SEOScan.objects.create(
            website=website, user=user, url=website.url, crawl_options={"concurrency": 2}
        )
        run_scan.apply_async((scan.pk,), queue="doomed")

        def crawling():
            """the doomed worker stored a few pages"""
            return PageResult.objects.filter(scan=scan).count() >= 3

        wait_for(crawling, timeout=60, interval=0.2)
        (pool_child,) = children_of(doomed.pid)
        (crawl_process,) = children_of(pool_child)
        os.kill(pool_child, signal.SIGKILL)

        def crawl_stopped():
            """the orphaned crawl process stopped"""
            return not Path(f"/proc/{crawl_process}").exists() or (
                "Z" in Path(f"/proc/{crawl_process}/stat").read_text().split(")")[-1][:3]
            )

        wait_for(crawl_stopped, timeout=15, interval=0.1)
        stop_celery_worker(doomed, kill=True)
        scan.refresh_from_db()
        assert scan.status == SEOScan.Status.PROCESSING

        # Ten minutes pass without a heartbeat; beat's recovery task re-queues the scan,
        # and the session's worker (default queue) runs it again from a clean slate.
        stale = timezone.now() - timedelta(seconds=crawl_settings.STUCK_AFTER_SECONDS + 1)
        SEOScan.objects.filter(pk=scan.pk).update(heartbeat_at=stale)
        assert scans_recover_stuck() == {"retried": 1, "failed": 0, "requeued": 0}

        def finished():
            """the second worker finished the audit"""
            scan.refresh_from_db()
            return scan.status == SEOScan.Status.COMPLETED

        wait_for(finished, timeout=120, interval=0.5)
    assert scan.attempts == 2
    assert PageResult.objects.filter(scan=scan).count() == 41  # no duplicates from attempt 1
