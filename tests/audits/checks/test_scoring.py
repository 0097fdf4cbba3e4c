"""Scores fall as problems spread, blocked sites cannot score well, recommendations rank."""

from __future__ import annotations

import pytest

from audits.checks import run_site_checks
from audits.models import SEOReport
from audits.scoring import BLOCKED_SITE_CAP, recommendations_build, scan_scores
from audits.selectors.websites import report_recommendations
from tests.audits.checks.helpers import SITE, distinct_page, site_facts

pytestmark = pytest.mark.django_db

HOME = f"{SITE}/"


def store_site(store_page, scan, pages: int, *, problem=None, start: dict | None = None) -> None:
    """A home page plus ``pages`` distinct pages; ``problem(n)`` gives options for page n."""
    store_page(distinct_page(0, **(start or {})), url=HOME, depth=0, into=scan)
    for number in range(1, pages + 1):
        options = problem(number) if problem else {}
        html_options = options.pop("html", {})
        store_page(
            distinct_page(number, **html_options), url=f"{SITE}/p{number}", into=scan, **options
        )
    run_site_checks(scan=scan, site=site_facts())


def test_site_without_problems_scores_100(scan, store_page):
    store_site(store_page, scan, 4)

    overall, categories = scan_scores(scan=scan)

    assert overall == 100
    assert categories == {
        "technical": 100,
        "onpage": 100,
        "content": 100,
        "links": 100,
        "social": 100,
        "performance": None,
    }


def test_scores_fall_as_a_problem_spreads_to_more_pages(new_scan, store_page):
    onpage_scores, overall_scores = [], []
    for broken in (0, 1, 3, 6, 10):
        scan = new_scan()
        store_site(
            store_page,
            scan,
            10,
            problem=lambda n, b=broken: {"html": {"h1": None}} if n <= b else {},
        )
        overall, categories = scan_scores(scan=scan)
        onpage_scores.append(categories["onpage"])
        overall_scores.append(overall)

    assert onpage_scores == sorted(onpage_scores, reverse=True)
    assert len(set(onpage_scores)) == len(onpage_scores)  # strictly falling
    assert overall_scores == sorted(overall_scores, reverse=True)
    assert overall_scores[0] == 100


def test_a_critical_problem_costs_more_than_a_notice_on_as_many_pages(new_scan, store_page):
    errors, slow = new_scan(), new_scan()
    store_site(store_page, errors, 4, problem=lambda n: {"status_code": 500})
    store_site(store_page, slow, 4, problem=lambda n: {"ttfb_ms": 2000})

    assert scan_scores(scan=errors)[1]["technical"] < scan_scores(scan=slow)[1]["technical"]


def test_site_blocked_from_indexing_cannot_score_well(new_scan, store_page):
    blocked, one_page_hidden = new_scan(), new_scan()
    noindex = '<meta name="robots" content="noindex">'
    store_site(store_page, blocked, 6, start={"extra": noindex})
    store_site(
        store_page,
        one_page_hidden,
        6,
        problem=lambda n: {"html": {"extra": noindex}} if n == 1 else {},
    )

    assert scan_scores(scan=blocked)[0] <= BLOCKED_SITE_CAP
    assert scan_scores(scan=one_page_hidden)[0] > BLOCKED_SITE_CAP


def test_robots_txt_blocking_everything_caps_the_score(scan, store_page):
    store_site(store_page, scan, 3)
    site = site_facts(robots_txt={"blocks_all": True})

    assert scan_scores(scan=scan)[0] == 100
    assert scan_scores(scan=scan, site=site)[0] == BLOCKED_SITE_CAP


def test_recommendations_rank_by_severity_then_pages_affected(scan, store_page):
    def problem(number: int) -> dict:
        if number == 1:
            return {"status_code": 500}  # critical, 1 page
        if number <= 4:
            return {"html": {"h1": None}}  # warning, 3 pages
        if number == 5:
            return {"html": {"extra": "<title>A second title for this page</title>"}}
        return {"ttfb_ms": 1500}  # notice, 5 pages

    store_page(distinct_page(0), url=HOME, depth=0)
    for number in range(1, 11):
        options = problem(number)
        store_page(
            distinct_page(number, **options.pop("html", {})), url=f"{SITE}/p{number}", **options
        )
    run_site_checks(scan=scan, site=site_facts(sitemaps=[]))  # sitemap-missing: whole site

    recommendations = recommendations_build(scan=scan)

    assert [(r["check"], r["pages_affected"]) for r in recommendations] == [
        ("http-status-code", 1),
        ("sitemap-missing", 11),
        ("missing-h1", 3),
        ("multiple-titles", 1),
        ("slow-ttfb", 5),
    ]
    assert [r["priority"] for r in recommendations] == [1, 2, 3, 4, 5]
    slow = recommendations[-1]
    assert slow["severity"] == "notice" and slow["category"] == "technical"
    assert len(slow["sample_urls"]) == 5
    assert recommendations[0]["sample_urls"] == [f"{SITE}/p1"]
    assert recommendations[1]["site_wide"] and recommendations[1]["details"]
    assert recommendations[0]["lighthouse"]


def test_recommendations_store_codes_and_render_in_the_readers_language(scan, store_page):
    store_page(distinct_page(1, h1=None), url=f"{SITE}/p1")

    (stored,) = recommendations_build(scan=scan)
    report = SEOReport(scan=scan, recommendations=[stored])

    assert not {"title", "why", "how_to_fix"} & set(stored)  # no texts in any language
    (dutch,) = report_recommendations(report, language="nl")
    assert dutch["title"] == "Pagina heeft geen H1-kop"
    assert dutch["how_to_fix"].startswith("Begin de hoofdinhoud")
    (english,) = report_recommendations(report, language="en")
    assert english["title"] == "Page has no H1 heading"
    assert english["pages_affected"] == dutch["pages_affected"] == 1


def test_site_wide_recommendation_details_render_in_the_readers_language(scan, store_page):
    store_page(distinct_page(0), url=HOME, depth=0)
    run_site_checks(scan=scan, site=site_facts(sitemaps=[], robots_txt={"sitemaps": []}))
    report = SEOReport(scan=scan, recommendations=recommendations_build(scan=scan))

    def sitemap_details(language: str) -> list[str]:
        items = report_recommendations(report, language=language)
        return next(item["details"] for item in items if item["check"] == "sitemap-missing")

    english, dutch = sitemap_details("en"), sitemap_details("nl")
    assert english and len(english) == len(dutch)
    assert english != dutch  # the same stored items, each reader's words
