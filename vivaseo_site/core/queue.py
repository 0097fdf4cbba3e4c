"""Queue a Celery task by its registered name once the current transaction commits.

Services queue work through this instead of importing their app's ``tasks`` module: a task
calls a service, so a service importing its tasks would close an import cycle (they hid it in
function-level imports). The name is the stable contract anyway: messages already waiting in
the broker carry it, so a task keeps its ``name=`` whatever module it lives in. Each app's
``tasks`` module is imported when Django starts (its AppConfig.ready), so the task behind a
name is known in every process and runs eagerly where tests ask for it.
"""

from celery import current_app
from django.db import transaction


def task_queue_on_commit(name: str, *args) -> None:
    """Send task ``name`` with ``args`` after commit (at once outside a transaction)."""
    transaction.on_commit(lambda: current_app.signature(name, args=args).delay())
