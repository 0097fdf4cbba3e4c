"""Reads for the health endpoint: is each part of the platform answering?

Nothing here waits on a worker. Liveness comes from heartbeats in the database, so /healthz
answers in a few milliseconds whatever the workers are doing:

* each worker writes its own heartbeat every ``WORKER_HEARTBEAT_SECONDS`` while its consumer
  is connected to the broker (``vivaseo_site/core/tasks.py``);
* beat stamps ``last_run_at`` on the periodic task it sends (django-celery-beat's table; it
  sends "Worker heartbeat" every minute and saves after each send, ``CELERY_BEAT_SYNC_EVERY``).

The database and the broker are asked directly, with timeouts of about a second, and the
whole status is reused for a couple of seconds (``platform_status``).
"""

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from .models import WorkerHeartbeat

# A worker writes its heartbeat this often; it counts as alive until four in a row are missed.
WORKER_HEARTBEAT_SECONDS = 15
WORKER_STALE_SECONDS = 4 * WORKER_HEARTBEAT_SECONDS
# Beat sends the heartbeat task every 60 s (PERIODIC_TASKS); three missed sends mean it stopped.
BEAT_STALE_SECONDS = 3 * 60
BROKER_TIMEOUT_SECONDS = 1.0
# /healthz reuses a status this young (per web process).
STATUS_REUSE_SECONDS = 2.0


@dataclass(frozen=True)
class ComponentStatus:
    ok: bool
    detail: str

    def as_dict(self) -> dict:
        return {"ok": self.ok, "detail": self.detail}


def database_status() -> ComponentStatus:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ok"; the detail says which
        return ComponentStatus(False, f"{type(exc).__name__}: {exc}")
    return ComponentStatus(True, connection.vendor)


def broker_status(
    *, url: str | None = None, timeout: float = BROKER_TIMEOUT_SECONDS
) -> ComponentStatus:
    """Connect to the broker (the configured one, or ``url``), giving up after ``timeout``."""
    from vivaseo_site.celery import app

    try:
        with app.connection_for_write(
            url,
            connect_timeout=timeout,
            # Redis reads these; the embedded file-system broker ignores them.
            transport_options={"socket_connect_timeout": timeout, "socket_timeout": timeout},
        ) as conn:
            # One attempt, no retry: a health check must answer, not wait for the broker.
            conn.ensure_connection(max_retries=0, timeout=timeout)
            transport = conn.transport_cls
    except Exception as exc:  # kombu raises many kinds; all mean the broker is unreachable
        return ComponentStatus(False, f"{type(exc).__name__}: {exc}")
    return ComponentStatus(True, str(transport))


def _age(moment: datetime, now: datetime) -> str:
    return f"{max(0, round((now - moment).total_seconds()))} s ago"


def worker_status(*, now: datetime | None = None) -> ComponentStatus:
    """Alive when some worker wrote its heartbeat in the last ``WORKER_STALE_SECONDS``."""
    now = now or timezone.now()
    fresh_since = now - timedelta(seconds=WORKER_STALE_SECONDS)
    heartbeats = list(WorkerHeartbeat.objects.filter(last_seen__gte=fresh_since)[:20])
    if heartbeats:
        return ComponentStatus(
            True, ", ".join(f"{beat.hostname} ({_age(beat.last_seen, now)})" for beat in heartbeats)
        )
    last = WorkerHeartbeat.objects.first()
    seen = f"; last: {last.hostname} ({_age(last.last_seen, now)})" if last else ""
    return ComponentStatus(False, f"no worker heartbeat in {WORKER_STALE_SECONDS} s{seen}")


def beat_status(*, now: datetime | None = None) -> ComponentStatus:
    """Alive when beat sent a periodic task in the last ``BEAT_STALE_SECONDS``."""
    now = now or timezone.now()
    last_sent = PeriodicTask.objects.filter(enabled=True).aggregate(last=Max("last_run_at"))["last"]
    if last_sent is None:
        return ComponentStatus(False, "beat has not sent a periodic task yet")
    if now - last_sent > timedelta(seconds=BEAT_STALE_SECONDS):
        return ComponentStatus(False, f"beat last sent a periodic task {_age(last_sent, now)}")
    return ComponentStatus(True, f"last periodic task sent {_age(last_sent, now)}")


_last_status: tuple[float, dict] | None = None
_last_status_lock = threading.Lock()


def platform_status(*, max_age: float | None = None) -> dict:
    """Every component's status with details (for staff and the health token only).

    A status at most ``max_age`` seconds old is reused, and concurrent callers wait for one
    check instead of each running their own: a burst of anonymous calls costs one database
    query set and one broker connection per web process, not one per call.
    """
    global _last_status
    max_age = STATUS_REUSE_SECONDS if max_age is None else max_age
    with _last_status_lock:
        if _last_status is not None and time.monotonic() - _last_status[0] < max_age:
            return _last_status[1]
        status = _platform_status_now()
        _last_status = (time.monotonic(), status)
        return status


def _platform_status_now() -> dict:
    checks = {"database": database_status(), "broker": broker_status()}
    if checks["database"].ok:
        checks["worker"] = worker_status()
        checks["beat"] = beat_status()
    else:
        checks["worker"] = checks["beat"] = ComponentStatus(False, "database unreachable")
    return {
        "ok": all(check.ok for check in checks.values()),
        **{name: check.as_dict() for name, check in checks.items()},
    }
