"""Celery on a real worker process, the embedded broker, health, periodic tasks, settings."""

import json
import os
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.db import transaction
from django_celery_beat.models import PeriodicTask

from tests.conftest import ARTIFACTS_DIR, wait_for
from vivaseo_site.core.models import WorkerHeartbeat
from vivaseo_site.core.services import PERIODIC_TASKS, periodic_tasks_sync
from vivaseo_site.core.tasks import worker_heartbeat


@pytest.mark.worker
def test_task_queued_on_commit_runs_in_a_real_worker(transactional_db, celery_worker_process):
    sent = []
    with transaction.atomic():
        transaction.on_commit(lambda: sent.append(worker_heartbeat.delay().id))
        assert sent == []  # nothing is sent before the commit

    # The worker also writes heartbeat rows by itself (test_healthz.py), so the row alone
    # would not prove this task ran: the worker's log names the task id.
    log = ARTIFACTS_DIR / "celery-test-worker.log"

    def task_ran():
        """the worker logged that it ran the task"""
        return f"worker_heartbeat[{sent[0]}] succeeded" in log.read_text()

    wait_for(task_ran, timeout=30)
    # Written under the worker's node name, the name /healthz shows to staff.
    assert WorkerHeartbeat.objects.filter(hostname__startswith="test-worker@").exists()


def test_periodic_tasks_sync_is_idempotent_and_disables_removed_ones(db, monkeypatch):
    periodic_tasks_sync()
    periodic_tasks_sync()
    names = set(PeriodicTask.objects.filter(enabled=True).values_list("name", flat=True))
    assert set(PERIODIC_TASKS) <= names
    assert PeriodicTask.objects.filter(name="Worker heartbeat").count() == 1

    monkeypatch.delitem(PERIODIC_TASKS, "Worker heartbeat")
    periodic_tasks_sync()
    assert PeriodicTask.objects.get(name="Worker heartbeat").enabled is False


def test_embedded_broker_never_hands_out_a_half_written_message(tmp_path):
    """kombu #1551: a consumer polling while a large message is written must not read it early."""
    from kombu import Connection

    options = {
        "data_folder_in": str(tmp_path / "q"),
        "data_folder_out": str(tmp_path / "q"),
        "control_folder": str(tmp_path / "c"),
        "polling_interval": 0.001,
    }
    payloads = [{"n": n, "blob": "x" * 400_000} for n in range(40)]
    received = []
    errors = []

    def consume():
        with Connection("vivafs://", transport_options=options) as conn:
            queue = conn.SimpleQueue("race")
            try:
                while len(received) < len(payloads):
                    message = queue.get(timeout=20)
                    received.append(message.payload["n"])
                    message.ack()
            except Exception as exc:  # a JSONDecodeError here is the bug we guard against
                errors.append(exc)

    with Connection("vivafs://", transport_options=options) as conn:
        conn.SimpleQueue("race")  # declare before the consumer starts polling
        consumer = threading.Thread(target=consume)
        consumer.start()
        queue = conn.SimpleQueue("race")
        for payload in payloads:
            queue.put(payload)
        consumer.join(timeout=60)

    assert errors == []
    assert sorted(received) == list(range(40))
    assert not list((tmp_path / "q").glob("*.part"))


def test_production_settings_pass_the_deploy_check():
    # The test process allows async-unsafe ORM use for Playwright; a deployment must not.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "vivaseo_site.settings.production",
        "DJANGO_SECRET_KEY": "a" * 20 + "-Production-like-secret-key-9f8e7d6c5b4a39281706",
        "DJANGO_ALLOWED_HOSTS": "vivaseo.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "vivaseo_site.settings.production",
        "DJANGO_ALLOWED_HOSTS": "x",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_redis_url_switches_broker_cache_and_results(monkeypatch):
    script = (
        "from django.conf import settings as s; import json; "
        "print(json.dumps([s.CELERY_BROKER_URL, s.CELERY_RESULT_BACKEND, "
        "s.CACHES['default']['BACKEND']]))"
    )
    env = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "DJANGO_SETTINGS_MODULE": "vivaseo_site.settings.dev",
    }
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    broker, results, cache = json.loads(out.strip().splitlines()[-1])
    assert broker == results == "redis://127.0.0.1:6379/3"
    assert cache.endswith("RedisCache")
