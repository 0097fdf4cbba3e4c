"""Template helpers of the customer dashboard that know no app: icons, paging, URLs, numbers.

``{% load dashboard %}``; the helpers that read audits' vocabulary are ``{% load audit_tags %}``
(audits/templatetags/audit_tags.py).
"""

import functools
import re
from urllib.parse import urlsplit

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


ICON_SPRITE = "dashboard/includes/icons.svg"


@functools.cache
def _sprite_shapes() -> dict[str, str]:
    source = get_template(ICON_SPRITE).template.source
    return dict(re.findall(r'<symbol id="icon-([\w-]+)" viewBox="[^"]*">(.*?)</symbol>', source))


@register.simple_tag
def icon_shapes(name: str) -> SafeString:
    """The shapes of one icon of the sprite, for an icon that must stand alone: WeasyPrint
    resolves <use href="#icon-..."> only inside the same <svg>, so the PDF cannot point at a
    sprite elsewhere on the page as the dashboard does."""
    return mark_safe(_sprite_shapes().get(name, ""))  # noqa: S308 - our own template


@register.simple_tag(takes_context=True)
def page_query(context, number) -> str:
    """The current query string with ``page`` set to ``number`` (keeps filters)."""
    query = context["request"].GET.copy()
    query["page"] = number
    return query.urlencode()


@register.filter
def short_url(url: str, base: str = "") -> str:
    """A URL without scheme and host when it is on the same host as ``base`` (the audited
    site), so long lists of one site's pages read as paths; the whole URL otherwise."""
    if not url:
        return ""
    parts = urlsplit(url)
    if base and parts.netloc != urlsplit(base).netloc:
        return url
    path = parts.path or "/"
    return path + (f"?{parts.query}" if parts.query else "")


@register.filter
def url_without_scheme(url: str) -> str:
    """``shop.example.com/about`` for ``https://shop.example.com/about``."""
    return url.split("://", 1)[-1] if url else ""


@register.filter
def status_band(status_code) -> str:
    """ "ok" (2xx), "redirect" (3xx), "error" (4xx, 5xx) or "none" (no answer)."""
    if status_code is None or status_code == "":
        return "none"
    code = int(status_code)
    if 200 <= code < 300:
        return "ok"
    if 300 <= code < 400:
        return "redirect"
    return "error"


@register.filter
def signed(value) -> str:
    """+4, -3 or 0: a change in points."""
    if value is None or value == "":
        return ""
    value = int(value)
    return f"+{value}" if value > 0 else ("0" if value == 0 else f"\u2212{abs(value)}")
