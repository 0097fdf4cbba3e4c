"""Rate limits on our own write actions, beside allauth's limits on signing in.

Each action that costs us something a script could repeat (a DNS lookup and an audit for a
new website, an audit, a ticket staff must read, a verification email to a new address) is
counted per signed-in user, or per client address where people need not sign in (the
contact page), in the cache (django-ratelimit; Redis in production, so every web
process shares the count). Rates come from settings.VIVASEO_RATE_LIMITS.

django-ratelimit is used as a library, not an installed app: its system check only knows
django-redis, not Django's own Redis cache, and would fail the deploy check for nothing.
"""

from __future__ import annotations

import math
from typing import Literal

from allauth.account.adapter import get_adapter
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
    "contact_form": ngettext_lazy(
        "You sent us several messages in a short time. Wait %(minutes)d minute and send "
        "this one again: what you typed is still here.",
        "You sent us several messages in a short time. Wait %(minutes)d minutes and send "
        "this one again: what you typed is still here.",
        "minutes",
    ),
}


def client_ip(group: str, request: HttpRequest) -> str:
    """The client's address as allauth's own limits count it: behind our proxy, the entry
    ALLAUTH_TRUSTED_PROXY_COUNT from the right of X-Forwarded-For (django-ratelimit's key
    signature)."""
    return get_adapter(request).get_client_ip(request)


def action_rate_limit(
    *, request: HttpRequest, action: str, per: Literal["user", "ip"] = "user"
) -> str | None:
    """Count one attempt at ``action`` by the signed-in user, or with ``per="ip"`` by the
    client's address.

    Returns the message to show when the limit is reached (the action must then not run),
    None when it may go ahead.
    """
    usage = get_usage(
        request,
        group=f"vivaseo:{action}",
        key=client_ip if per == "ip" else "user",
        rate=settings.VIVASEO_RATE_LIMITS[action],
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    minutes = max(1, math.ceil(usage["time_left"] / 60))
    return LIMITED_MESSAGES[action] % {"minutes": minutes}
