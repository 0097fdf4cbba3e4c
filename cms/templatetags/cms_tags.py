"""Template helpers for the marketing pages: ``{% load cms_tags %}``."""

import json
from decimal import Decimal

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

from billing.selectors import PlanForDisplay, PlanPrice
from cms.blocks import call_to_action_url

register = template.Library()

# Inside <script> only "</script>" or "<!--" could end or bend the element; escaping <, > and &
# as JSON escapes keeps the JSON identical for a parser (what Django's json_script does).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

CURRENCY_SYMBOLS = {"eur": "€", "usd": "$", "gbp": "£"}


@register.simple_tag(takes_context=True)
def cta_url(context, target: str) -> str:
    """Where a call to action (cms.blocks.CTA_TARGETS) leads for the person reading."""
    request = context.get("request")
    return call_to_action_url(target, user=getattr(request, "user", None))


@register.filter
def ld_json(data) -> SafeString:
    """``data`` as JSON for a ``<script type="application/ld+json">`` element."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder).translate(_SCRIPT_ESCAPES))


@register.filter
def money(amount: Decimal, currency: str) -> str:
    """A price as people read it on a pricing page: "€19", "€4.50" ("€4,50" in Dutch),
    "CHF 19"."""
    amount = Decimal(amount)
    whole = amount == amount.to_integral_value()
    number = number_format(amount, decimal_pos=0 if whole else 2)
    symbol = CURRENCY_SYMBOLS.get(currency.lower())
    return f"{symbol}{number}" if symbol else f"{currency.upper()} {number}"


@register.filter
def grouped(number: int) -> str:
    """A count with thousands grouped as the language writes them: "10,000", "10.000"."""
    return number_format(number, force_grouping=True)


@register.filter
def plan_price(plan: PlanForDisplay, interval: str) -> PlanPrice | None:
    """The plan's price billed per ``interval`` ("month" or "year"), if it has one."""
    return plan.price(interval)


@register.filter
def yearly_saving(plan: PlanForDisplay) -> Decimal | None:
    """What paying per year saves against twelve monthly payments, when it saves anything."""
    monthly, yearly = plan.price("month"), plan.price("year")
    if monthly is None or yearly is None or monthly.currency != yearly.currency:
        return None
    saving = monthly.amount * 12 - yearly.amount
    return saving if saving > 0 else None


@register.simple_tag
def blog_tag_url(blog_index, tag) -> str:
    """The page of ``blog_index``'s posts tagged ``tag`` (cms.models.BlogIndexPage)."""
    return blog_index.tag_url(tag)
