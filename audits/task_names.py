"""The names audits' Celery tasks are registered under: the contract between the services that
queue them (vivaseo_site.core.queue) and audits/tasks.py, which declares them.

Never rename one: messages already waiting in the broker carry these names. That is also why
the audit announcement keeps the name it had when the notifications app sent it.
"""

RUN_SCAN = "audits.run_scan"
RECOVER_STUCK_SCANS = "audits.recover_stuck_scans"
QUEUE_SCHEDULED_SCANS = "audits.queue_scheduled_scans"
RENDER_REPORT_PDF = "audits.render_report_pdf"
ANNOUNCE_SCAN_FINISHED = "notifications.notify_scan_finished"
