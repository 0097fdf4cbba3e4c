"""Celery tasks: thin wrappers that take ids and call one service."""

from celery import shared_task

from . import services
from .pdf_tasks import render_report_pdf  # noqa: F401  (registered with the worker here)


@shared_task(
    name="audits.run_scan",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # Leave room after the crawl's own time budget to score and write the report.
    soft_time_limit=20 * 60,
    time_limit=25 * 60,
)
def run_scan(scan_id: int) -> None:
    services.scan_run(scan_id=scan_id)


@shared_task(name="audits.recover_stuck_scans", ignore_result=True)
def recover_stuck_scans() -> dict:
    return services.scans_recover_stuck()


@shared_task(name="audits.queue_scheduled_scans", ignore_result=True)
def queue_scheduled_scans() -> int:
    from .scheduling import scheduled_scans_queue

    return scheduled_scans_queue()
