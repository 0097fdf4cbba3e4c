"""Defaults and limits for audit crawls, and the bot's user agent."""

from django.conf import settings

from vivaseo_site import __version__ as vivaseo_version

DEFAULT_MAX_PAGES = 200
DEFAULT_MAX_DEPTH = 10
DEFAULT_TIME_BUDGET_SECONDS = 15 * 60
DEFAULT_CONCURRENCY = 8
DEFAULT_REQUEST_TIMEOUT_SECONDS = 20
DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024
# A processing scan whose progress has not moved for this long lost its worker.
STUCK_AFTER_SECONDS = 10 * 60
MAX_ATTEMPTS = 2


def bot_user_agent() -> str:
    return f"VivaSEOBot/{vivaseo_version} (+{settings.SITE_URL}/bot)"
