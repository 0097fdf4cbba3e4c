"""The crawl service stops on the time limit its caller hands it (the Celery task passes
SoftTimeLimitExceeded; audits.services knows nothing of Celery), keeping and scoring what it
found, and the audit task has no time limits of its own: the settings rule."""

import json
import os
import signal
import subprocess
import sys

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings

from audits.engine.crawler import FinishReason
from audits.models import PageResult, SEOScan, Website
from audits.services.scans import scan_run
from audits.tasks import render_report_pdf, run_scan
from tests.sites import SiteServer

from .test_pipeline_worker import small_site

pytestmark = pytest.mark.django_db


def _raise_soft_time_limit(signum, frame):
    # What billiard's pool child does on the soft limit (SIGUSR1), on a timer of our own.
    raise SoftTimeLimitExceeded()


def test_the_soft_time_limit_ends_the_crawl_and_the_audit_still_completes(make_user):
    user = make_user(email="time-limit@example.com")
    # 200 slow pages on two connections take ~25 s; the limit comes after 4.
    with SiteServer(small_site(pages=200, delay=0.25)) as site:
        website = Website.objects.create(user=user, url=site.url + "/", name="Slow")
        scan = SEOScan.objects.create(
            website=website,
            user=user,
            url=website.url,
            max_pages=500,
            crawl_options={"concurrency": 2},
        )
        previous = signal.signal(signal.SIGALRM, _raise_soft_time_limit)
        signal.setitimer(signal.ITIMER_REAL, 4.0)
        try:
            scan = scan_run(scan_id=scan.pk, stop_on=(SoftTimeLimitExceeded,))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    assert scan.status == SEOScan.Status.COMPLETED, scan.error_message
    assert scan.finished_because == FinishReason.STOPPED
    assert 1 <= PageResult.objects.filter(scan=scan).count() < 201
    assert scan.report.overall_score is not None


def test_the_pdf_task_takes_its_time_limits_from_named_settings(settings):
    """The PDF render is cut sooner than an audit, by settings, not numbers in tasks.py."""
    assert render_report_pdf.soft_time_limit < run_scan.soft_time_limit
    assert render_report_pdf.soft_time_limit == settings.VIVASEO_PDF_SOFT_TIME_LIMIT
    assert render_report_pdf.time_limit == settings.VIVASEO_PDF_TIME_LIMIT


def test_the_audit_task_takes_its_time_limits_from_settings():
    """CELERY_TASK_(SOFT_)TIME_LIMIT, set in the environment, rule the audit task (limits
    written on the task would win over them), in a process that reads them as a worker does."""
    code = (
        "import django, json; django.setup(); from audits.tasks import run_scan; "
        "print(json.dumps([run_scan.soft_time_limit, run_scan.time_limit]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vivaseo_site.settings.test",
        "CELERY_TASK_SOFT_TIME_LIMIT": "77",
        "CELERY_TASK_TIME_LIMIT": "88",
    }
    output = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert json.loads(output.strip().splitlines()[-1]) == [77, 88]
