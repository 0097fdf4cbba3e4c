"""Platform-level writes: worker heartbeats and the periodic task table."""

import json

from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from .models import WorkerHeartbeat

# Periodic tasks are declared here, in code, and written to django-celery-beat's tables by
# the idempotent `sync_periodic_tasks` command (run on every start and deploy).
# name -> (task path, every N seconds, kwargs)
PERIODIC_TASKS: dict[str, tuple[str, int, dict]] = {
    "Worker heartbeat": ("vivaseo_site.core.tasks.worker_heartbeat", 60, {}),
    "Audits: retry or fail stuck scans": ("audits.recover_stuck_scans", 120, {}),
    "Audits: queue scheduled audits": ("audits.queue_scheduled_scans", 300, {}),
}
MANAGED_IN_CODE = "Declared in code (vivaseo_site/core/services.py); edits here are overwritten."


def worker_heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"last_seen": timezone.now()}
    )
    return heartbeat


@transaction.atomic
def periodic_tasks_sync() -> list[str]:
    """Make django-celery-beat's table match PERIODIC_TASKS; returns the names written.

    Tasks we once declared but no longer do are disabled, not deleted, so their run history
    stays visible to staff.
    """
    written = []
    for name, (task, every, kwargs) in PERIODIC_TASKS.items():
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=every, period=IntervalSchedule.SECONDS
        )
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={
                "task": task,
                "interval": interval,
                "kwargs": json.dumps(kwargs),
                "description": MANAGED_IN_CODE,
            },
        )
        written.append(name)
    PeriodicTask.objects.filter(description=MANAGED_IN_CODE).exclude(name__in=written).update(
        enabled=False
    )
    return written
