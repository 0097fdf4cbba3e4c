"""Which Celery queue an audit goes to (``CELERY_TASK_ROUTES`` names :func:`scan_task_route`).

Audits that render JavaScript run customer scripts in Chromium; with ``VIVASEO_RENDER_QUEUE``
set they go to that queue, so they can run on workers of their own, in a container that holds
no secret but the database and broker addresses (docs/deploy.md, "JavaScript rendering").
Unset (the default), every audit goes to the default queue as before.
"""

from typing import Any

from django.conf import settings

from audits import task_names
from audits.models import SEOScan


def scan_task_route(
    name: str, args: tuple, kwargs: dict, options: dict, task: Any = None, **_: Any
) -> dict[str, str] | None:
    """Celery router: ``{"queue": VIVASEO_RENDER_QUEUE}`` for a scan that renders JavaScript,
    None (Celery's other routes and defaults decide) for everything else.

    Every way a scan is queued (started, scheduled, retried after a lost worker) ends in
    ``run_scan.delay(scan_id)``, so routing here catches them all; it costs one indexed
    query per queued scan, and none while the setting is unset.
    """
    queue = settings.VIVASEO_RENDER_QUEUE
    if not queue or name != task_names.RUN_SCAN:
        return None
    scan_id = args[0] if args else kwargs.get("scan_id")
    if SEOScan.objects.filter(pk=scan_id, render_js=True).exists():
        return {"queue": queue}
    return None
