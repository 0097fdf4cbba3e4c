"""The shared indexable rule and the robots directive parsing behind is-crawlable."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from protego import Protego

from audits.checks.indexability import (
    has_blocking_directive,
    is_indexable,
    is_noindex,
    parse_http_date,
    robots_blocked_bots,
)
from audits.checks.langs import is_valid_hreflang, is_valid_html_lang

NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status_code", "is_html", "noindex", "blocked", "expected"),
    [
        (200, True, False, False, True),
        (204, True, False, False, True),
        (301, True, False, False, False),
        (404, True, False, False, False),
        (None, True, False, False, False),
        (200, False, False, False, False),
        (200, True, True, False, False),
        (200, True, False, True, False),
    ],
)
def test_is_indexable(status_code, is_html, noindex, blocked, expected):
    assert (
        is_indexable(
            status_code=status_code, is_html=is_html, noindex=noindex, blocked_by_robots=blocked
        )
        is expected
    )


@pytest.mark.parametrize(
    ("metas", "headers", "expected"),
    [
        ([("robots", "noindex, follow")], [], True),
        ([("googlebot", "none")], [], True),
        ([("bingbot", "noindex")], [], False),  # Bing only: Google may still index it
        ([], ["Googlebot: noindex"], True),
        ([], ["otherbot: noindex"], False),
        ([], ["unavailable_after: 2020-01-01"], True),
        ([], ["unavailable_after: 2030-01-01"], False),
        ([("robots", "nofollow, noarchive")], ["nosnippet"], False),
    ],
)
def test_is_noindex(metas, headers, expected):
    assert is_noindex(robots_metas=metas, x_robots_tags=headers, now=NOW) is expected


@pytest.mark.parametrize(
    ("directives", "expected"),
    [
        ("unavailable_after: 25 Jun 2010 15:00:00 PST", True),
        ("unavailable_after: 2010-06-25T15:00:00Z", True),
        ("unavailable_after: 2099-06-25", False),
        # Lighthouse splits on commas first: an RFC 850 date with a weekday is not read.
        ("unavailable_after: Friday, 25-Jun-10 15:00:00 PST", False),
        ("unavailable_after: whenever", False),
        ("unavailable_after : 2010-06-25", False),
        ("max-snippet: 20, NONE", True),
    ],
)
def test_blocking_directives(directives, expected):
    assert has_blocking_directive(directives, now=NOW) is expected


def test_parse_http_date_reads_rfc_822_and_iso_dates():
    assert parse_http_date("25 Jun 2010 15:00:00 GMT") == datetime(2010, 6, 25, 15, tzinfo=UTC)
    assert parse_http_date("2010-06-25") == datetime(2010, 6, 25, tzinfo=UTC)
    assert parse_http_date("soon") is None


def test_robots_blocked_bots_asks_robots_txt_for_each_lighthouse_crawler():
    robots = Protego.parse(
        "User-agent: *\nDisallow: /private/\n\nUser-agent: Googlebot\nAllow: /\n"
    )

    blocked = robots_blocked_bots(
        can_fetch=robots.can_fetch, url="https://example.com/private/page"
    )

    assert blocked == ("*", "bingbot", "DuckDuckBot", "archive.org_bot")


@pytest.mark.parametrize(
    ("value", "hreflang_ok", "html_lang_ok"),
    [
        ("nl", True, True),
        ("nl-BE", True, True),
        ("x-default", True, False),
        (" nl", False, True),  # axe trims the lang attribute; Lighthouse keeps hreflang as is
        ("dutch", False, False),
        ("", False, False),
    ],
)
def test_language_codes(value, hreflang_ok, html_lang_ok):
    assert is_valid_hreflang(value) is hreflang_ok
    assert is_valid_html_lang(value) is html_lang_ok
