"""Platform tasks, and the heartbeat every worker writes for /healthz."""

import logging
import threading
import time

from celery import shared_task, signals
from django.db import DatabaseError, close_old_connections

from .selectors import WORKER_HEARTBEAT_SECONDS
from .services import worker_heartbeat_record

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="vivaseo_site.core.tasks.worker_heartbeat", ignore_result=True)
def worker_heartbeat(self) -> None:
    """Sent by beat every minute (PERIODIC_TASKS): each send stamps beat's own heartbeat, and
    running it proves a worker executes what beat queues."""
    worker_heartbeat_record(hostname=self.request.hostname)


_last_written: dict[str, float] = {}
_last_written_lock = threading.Lock()


@signals.heartbeat_sent.connect
def worker_heartbeat_from_consumer(sender, **kwargs) -> None:
    """Write this worker's heartbeat, at most every WORKER_HEARTBEAT_SECONDS.

    Celery's consumer sends its event heartbeat every 2 s while it is connected to the broker
    (not with ``--without-heartbeat``), from the worker's main process, so a pool busy with
    long audits keeps it going and a worker that lost its broker stops it. It runs in the
    worker's timer, hence the throttle; a database error costs a log line, not the worker.
    """
    hostname = sender.eventer.hostname
    now = time.monotonic()
    with _last_written_lock:
        if now - _last_written.get(hostname, float("-inf")) < WORKER_HEARTBEAT_SECONDS:
            return
        _last_written[hostname] = now
    try:
        # This thread is no request: drop a connection the database has closed meanwhile.
        close_old_connections()
        worker_heartbeat_record(hostname=hostname)
    except DatabaseError:
        logger.warning("could not write the heartbeat of %s", hostname, exc_info=True)
