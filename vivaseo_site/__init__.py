"""VivaSEO project package. The Celery app is loaded with Django so tasks can be queued."""

from .celery import app as celery_app

__version__ = "0.1.0"

__all__ = ["celery_app"]
