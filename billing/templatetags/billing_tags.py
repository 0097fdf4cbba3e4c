"""Template helpers for billing: ``{% load billing_tags %}``.

``{% plan_usage as usage %}`` gives the dashboard's sidebar the customer's plan and the audits
left this period, on every dashboard page and on allauth's account pages alike, without a
context processor.
"""

from __future__ import annotations

from django import template

from billing.selectors import Usage, usage_this_period

register = template.Library()


@register.simple_tag(takes_context=True)
def plan_usage(context) -> Usage | None:
    """The signed-in customer's `Usage` this period (their plan, audits used and left); None
    for a visitor.

    A page whose view computed it already (``usage`` in the context: the overview, the
    subscription page) is not counted twice; otherwise it is counted once per request.
    """
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return None
    usage = context.get("usage")
    if isinstance(usage, Usage):
        return usage
    usage = getattr(request, "_billing_usage", None)
    if usage is None:
        usage = usage_this_period(user)
        if request is not None:
            request._billing_usage = usage
    return usage
