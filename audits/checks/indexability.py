"""Whether search engines may index a page: the one rule every check and query shares.

Two questions, two answers:

* :func:`is_indexable` is our "indexable 2xx HTML page" rule. A page is indexable when it
  answered 2xx with HTML, is not blocked by robots.txt, and carries no ``noindex`` (``none``,
  or an ``unavailable_after`` date in the past) in ``<meta name="robots">``, ``<meta
  name="googlebot">`` or an ``X-Robots-Tag`` header addressed to every crawler or to Googlebot.
  Page checks about content only run on indexable pages, so error pages do not fill reports.
* :func:`crawl_blocking_sources` answers Lighthouse 12's ``is-crawlable`` question exactly:
  the page fails only when *every* crawler Lighthouse asks about (the generic one, Googlebot,
  bingbot, DuckDuckBot, archive.org_bot) is blocked, each by its own meta tag (else the
  ``robots`` one), by ``X-Robots-Tag`` headers without a prefix or with its exact name as
  prefix, or by robots.txt.

Pure Python, no Django imports.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Final

# core/audits/seo/is-crawlable.js: None stands for "any crawler" (robots.txt group "*").
LIGHTHOUSE_BOTS: Final[tuple[str | None, ...]] = (
    None,
    "Googlebot",
    "bingbot",
    "DuckDuckBot",
    "archive.org_bot",
)
GENERIC_BOT: Final = "*"  # how robots_blocked_bots names the generic crawler
_BLOCKING_DIRECTIVES: Final = frozenset({"noindex", "none"})
_UNAVAILABLE_AFTER: Final = "unavailable_after"
_HEADER_USER_AGENT_RE: Final = re.compile(r"^([^,:]+):")
# What JavaScript's String.prototype.trim() strips (Python's str.strip() misses U+FEFF).
JS_WHITESPACE: Final = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def is_indexable(
    *,
    status_code: int | None,
    is_html: bool,
    noindex: bool,
    blocked_by_robots: bool,
) -> bool:
    """The shared "indexable 2xx HTML page" rule (see the module docstring)."""
    return (
        status_code is not None
        and 200 <= status_code < 300
        and is_html
        and not noindex
        and not blocked_by_robots
    )


def is_noindex(
    *,
    robots_metas: Iterable[Sequence[str]],
    x_robots_tags: Iterable[str],
    now: datetime | None = None,
) -> bool:
    """True when a robots meta tag or ``X-Robots-Tag`` keeps every search engine or Google out.

    ``robots_metas`` are ``(name, content)`` pairs with lowercased names; ``x_robots_tags`` the
    header values (``"noindex"``, ``"googlebot: noindex"``...).
    """
    for name, content in robots_metas:
        if name in ("robots", "googlebot") and has_blocking_directive(content, now=now):
            return True
    for value in x_robots_tags:
        user_agent = header_user_agent(value)
        if user_agent is None:
            directives = value
        elif user_agent.strip().lower() == "googlebot":
            directives = value.split(":", 1)[1]
        else:
            continue
        if has_blocking_directive(directives, now=now):
            return True
    return False


def crawl_blocking_sources(
    *,
    robots_metas: Sequence[Sequence[str]],
    x_robots_tags: Sequence[str],
    robots_blocked_bots: Iterable[str],
    now: datetime | None = None,
) -> list[str] | None:
    """Lighthouse 12 ``is-crawlable``: ``None`` when the page passes, else what blocks it.

    ``robots_blocked_bots`` names the crawlers robots.txt disallows for this URL (``"*"`` for
    the generic one, else Lighthouse's spelling: ``"Googlebot"``, ``"bingbot"``...). The sources
    returned are the ones that block the generic crawler, as Lighthouse lists them.
    """
    robots_blocked = set(robots_blocked_bots)
    generic_sources: list[str] = []
    for user_agent in LIGHTHOUSE_BOTS:
        sources = _blocking_sources_for(
            user_agent,
            robots_metas=robots_metas,
            x_robots_tags=x_robots_tags,
            robots_blocked=robots_blocked,
            now=now,
        )
        if not sources:
            return None  # one crawler is allowed in: Lighthouse passes the audit
        if user_agent is None:
            generic_sources = sources
    return generic_sources


def _blocking_sources_for(
    user_agent: str | None,
    *,
    robots_metas: Sequence[Sequence[str]],
    x_robots_tags: Sequence[str],
    robots_blocked: set[str],
    now: datetime | None,
) -> list[str]:
    sources: list[str] = []
    meta = None
    if user_agent:
        meta = next((m for m in robots_metas if m[0] == user_agent.lower()), None)
    if meta is None:
        meta = next((m for m in robots_metas if m[0] == "robots"), None)
    if meta is not None and has_blocking_directive(meta[1], now=now):
        sources.append(f'<meta name="{meta[0]}" content="{meta[1]}">')
    for value in x_robots_tags:
        header_agent = header_user_agent(value)
        # Lighthouse compares the prefix case-sensitively, as written.
        if header_agent is not None and header_agent != user_agent:
            continue
        directives = value.strip()
        if user_agent and value.startswith(f"{user_agent}:"):
            directives = value.replace(f"{user_agent}:", "", 1)
        if has_blocking_directive(directives, now=now):
            sources.append(f"X-Robots-Tag: {value}")
    if (user_agent or GENERIC_BOT) in robots_blocked:
        sources.append("robots.txt")
    return sources


def header_user_agent(value: str) -> str | None:
    """The crawler an ``X-Robots-Tag`` value addresses (``"googlebot: noindex"``), if any."""
    match = _HEADER_USER_AGENT_RE.match(value)
    if match and match.group(1).lower() != _UNAVAILABLE_AFTER:
        return match.group(1)
    return None


def has_blocking_directive(directives: str, *, now: datetime | None = None) -> bool:
    """``noindex``, ``none`` or a past ``unavailable_after`` among comma-separated directives."""
    for directive in directives.split(","):
        directive = directive.lower().strip(JS_WHITESPACE)
        if directive in _BLOCKING_DIRECTIVES or _is_unavailable(directive, now=now):
            return True
    return False


def _is_unavailable(directive: str, *, now: datetime | None) -> bool:
    name, colon, date_text = directive.partition(":")
    if not colon or name != _UNAVAILABLE_AFTER:
        return False
    date = parse_http_date(date_text)
    return date is not None and date < (now or datetime.now(UTC))


def parse_http_date(text: str) -> datetime | None:
    """A date as ``Date.parse`` reads the formats Google documents (RFC 822/850, ISO 8601).

    Naive dates are taken as UTC. ``None`` when the text is not a date.
    """
    text = text.strip(JS_WHITESPACE)
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.upper())
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def robots_blocked_bots(*, can_fetch: Callable[[str, str], bool], url: str) -> tuple[str, ...]:
    """Which of Lighthouse's crawlers robots.txt keeps away from ``url``.

    ``can_fetch(url, user_agent)`` is the robots.txt parser's test (``Protego.can_fetch``).
    The crawler passes the result to ``checked_page_build(robots_blocked_bots=...)``.
    """
    names = [user_agent or GENERIC_BOT for user_agent in LIGHTHOUSE_BOTS]
    return tuple(name for name in names if not can_fetch(url, name))
