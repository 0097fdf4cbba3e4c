"""Celery task that renders an audit's PDF report (see audits/pdf.py for where PDFs live).

Queue it when an audit completes, after the report is committed::

    transaction.on_commit(
        lambda: render_report_pdf.delay(scan.pk, scan.user.preferred_language)
    )

The owner's preferred language goes into ``SEOReport.pdf_file``; any other language is
rendered into the cache (``report_pdf_bytes`` renders it on demand otherwise). Running the
task twice does the work once: it skips a language whose PDF is already newer than the report.

This module is not ``audits/tasks.py``, so Celery's autodiscovery does not import it by
itself: ``audits/tasks.py`` imports it (``from .pdf_tasks import render_report_pdf``).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from . import pdf
from .models import SEOReport, SEOScan

logger = logging.getLogger(__name__)


@shared_task(
    name="audits.render_report_pdf",
    ignore_result=True,
    acks_late=True,
    # Storage (Cloudinary) and database hiccups are worth a retry; a template error is not.
    autoretry_for=(OSError, OperationalError),
    retry_backoff=10,
    retry_backoff_max=300,
    max_retries=4,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def render_report_pdf(scan_id: int, language: str) -> str:
    """Render the PDF of one audit in ``language``; returns what it did (for logs and tests)."""
    scan = SEOScan.objects.select_related("user", "website").filter(pk=scan_id).first()
    report = SEOReport.objects.filter(scan_id=scan_id).first()
    if scan is None or report is None:
        logger.info("No report for audit %s: no PDF to render.", scan_id)
        return "no-report"
    if language == scan.user.preferred_language:
        if pdf.report_pdf_is_fresh(report=report, language=language):
            return "fresh"
        pdf.report_pdf_store(scan=scan, language=language)
        return "stored"
    return "cached" if pdf.report_pdf_warm_cache(scan=scan, language=language) else "fresh"
