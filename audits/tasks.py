"""Celery tasks of audits: each takes ids, calls one service, and keeps its registered name.

Services queue these by name (audits.task_names, through vivaseo_site.core.queue), so this
module imports the services and nothing imports it back but the app's ready().

Time limits come from ``CELERY_TASK_SOFT_TIME_LIMIT`` / ``CELERY_TASK_TIME_LIMIT``; the PDF
render, which should never take that long, has its own named settings.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError

from audits import task_names
from audits.services import announcements, pdf, scans, scheduling


@shared_task(
    name=task_names.RUN_SCAN,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def run_scan(scan_id: int) -> None:
    # The worker's soft time limit ends the crawl early; the service keeps what it found.
    scans.scan_run(scan_id=scan_id, stop_on=(SoftTimeLimitExceeded,))


@shared_task(name=task_names.RECOVER_STUCK_SCANS, ignore_result=True)
def recover_stuck_scans() -> dict:
    return scans.scans_recover_stuck()


@shared_task(name=task_names.QUEUE_SCHEDULED_SCANS, ignore_result=True)
def queue_scheduled_scans() -> int:
    return scheduling.scheduled_scans_queue()


@shared_task(
    name=task_names.RENDER_REPORT_PDF,
    ignore_result=True,
    acks_late=True,
    # Storage (Cloudinary) and database hiccups are worth a retry; a template error is not.
    autoretry_for=(OSError, OperationalError),
    retry_backoff=10,
    retry_backoff_max=300,
    max_retries=4,
    soft_time_limit=settings.VIVASEO_PDF_SOFT_TIME_LIMIT,
    time_limit=settings.VIVASEO_PDF_TIME_LIMIT,
)
def render_report_pdf(scan_id: int, language: str) -> str:
    return pdf.report_pdf_prepare(scan_id=scan_id, language=language)


@shared_task(name=task_names.ANNOUNCE_SCAN_FINISHED, ignore_result=True)
def announce_scan_finished(scan_id: int) -> None:
    announcements.scan_finished_announce(scan_id=scan_id)
