"""Links that leave the site (emails, notifications written by a worker) need the full URL."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` (from reverse()) on the public address of the site, ``settings.SITE_URL``."""
    return f"{settings.SITE_URL}{path}"
