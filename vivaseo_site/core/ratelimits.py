"""Per-user rate limits on our own write actions, beside allauth's limits on signing in.

Each action that costs us something a script could repeat (a DNS lookup and an audit for a
new website, an audit, a ticket staff must read, a verification email to a new address) is
counted per signed-in user in the cache (django-ratelimit; Redis in production, so every web
process shares the count). Rates come from settings.VIVASEO_RATE_LIMITS.

django-ratelimit is used as a library, not an installed app: its system check only knows
django-redis, not Django's own Redis cache, and would fail the deploy check for nothing.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import ngettext_lazy
from django_ratelimit.core import get_usage

# What the customer reads when an action is refused; one entry per key of VIVASEO_RATE_LIMITS.
LIMITED_MESSAGES = {
    "website_add": ngettext_lazy(
        "You added many websites in a short time. Wait %(minutes)d minute before adding another.",
        "You added many websites in a short time. Wait %(minutes)d minutes before adding another.",
        "minutes",
    ),
    "scan_start": ngettext_lazy(
        "You started many audits in a short time. Wait %(minutes)d minute before starting another.",
        "You started many audits in a short time. Wait %(minutes)d minutes before starting "
        "another.",
        "minutes",
    ),
    "ticket_create": ngettext_lazy(
        "You opened many tickets in a short time. Wait %(minutes)d minute before opening "
        "another, or add a reply to one you already opened.",
        "You opened many tickets in a short time. Wait %(minutes)d minutes before opening "
        "another, or add a reply to one you already opened.",
        "minutes",
    ),
    "notification_email_change": ngettext_lazy(
        "You changed the notification address several times in a short time. Wait "
        "%(minutes)d minute before changing it again.",
        "You changed the notification address several times in a short time. Wait "
        "%(minutes)d minutes before changing it again.",
        "minutes",
    ),
}


def action_rate_limit(*, request: HttpRequest, action: str) -> str | None:
    """Count one attempt at ``action`` by the signed-in user.

    Returns the message to show when the user is over the limit (the action must then not
    run), None when it may go ahead.
    """
    usage = get_usage(
        request,
        group=f"vivaseo:{action}",
        key="user",
        rate=settings.VIVASEO_RATE_LIMITS[action],
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    minutes = max(1, math.ceil(usage["time_left"] / 60))
    return LIMITED_MESSAGES[action] % {"minutes": minutes}
