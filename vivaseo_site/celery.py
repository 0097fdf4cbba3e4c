"""The Celery app. Configuration comes from Django settings (the CELERY_ prefix)."""

import os

from celery import Celery, signals

from vivaseo_site import broker  # noqa: F401  (registers the embedded "vivafs://" transport)

# Unset means a container: production settings, as in manage.py (never dev's debug and key).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vivaseo_site.settings.production")

app = Celery("vivaseo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def preload_crawler(**kwargs):
    """Import crawl4ai (a few seconds) when the worker starts, not inside the first audit."""
    from audits.engine.fetch import preload_crawl4ai

    preload_crawl4ai()
