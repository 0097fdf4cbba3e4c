import socket

from celery import shared_task

from .services import worker_heartbeat_record


@shared_task(name="vivaseo_site.core.tasks.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> None:
    worker_heartbeat_record(hostname=socket.gethostname())
