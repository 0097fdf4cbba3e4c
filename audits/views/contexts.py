"""Template contexts that more than one dashboard page shows, and the lookups they start from.

The audit page (views.scans) shows the report's overview tab; the website page (views.websites)
shows the score history the report pages show too. They share these helpers instead of importing
each other's views: this module holds no view.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import get_language

from audits.charts import category_bars_svg, score_gauge_svg, score_trend_svg, severity_donut_svg
from audits.models import SEOReport, SEOScan, Website
from audits.selectors import reports as report_selectors
from audits.selectors import websites as website_selectors
from audits.vocabulary import Category

TOP_RECOMMENDATIONS = 10


def report_language() -> str:
    """The language of the report texts: the page's language when the checks speak it."""
    language = (get_language() or "en")[:2]
    return language if language in ("en", "nl") else "en"


def scan_or_404(request: HttpRequest, pk: int) -> SEOScan:
    """The signed-in user's audit ``pk`` with its website and report; 404 for anyone else's."""
    try:
        return website_selectors.scan_for_user(user=request.user, pk=pk)
    except SEOScan.DoesNotExist as error:
        raise Http404 from error


def report_context(*, scan: SEOScan, report: SEOReport, tab: str) -> dict:
    """What every tab of a report shows around its own content (header, tabs, actions)."""
    summary = report.summary or {}
    checks_failed = len(report.recommendations or ())
    return {
        "scan": scan,
        "website": scan.website,
        "report": report,
        "nav": "websites",
        "tab": tab,
        "checks_failed": checks_failed,
        "pages_total": summary.get("pages", scan.pages_crawled),
        "previous": report_selectors.previous_completed_scan(scan=scan),
    }


def overview_context(*, scan: SEOScan, report: SEOReport) -> dict:
    """The overview tab: the charts, the numbers, how the crawl ended, what to fix first."""
    language = report_language()
    categories = report_selectors.category_rows(report)
    by_severity = (report.summary or {}).get("by_severity") or {}
    recommendations = report_selectors.report_recommendation_items(report, language=language)
    context = report_context(scan=scan, report=report, tab="overview")
    previous = context["previous"]
    duration = (
        scan.completed_at - scan.started_at if scan.completed_at and scan.started_at else None
    )
    return context | {
        "gauge": score_gauge_svg(score=report.overall_score, size=168),
        "category_bars": category_bars_svg(rows=categories, width=340),
        "severity_donut": severity_donut_svg(counts=by_severity, size=124),
        "findings_total": sum(by_severity.values()),
        "performance_measured": any(
            row["key"] == Category.PERFORMANCE and row["score"] is not None for row in categories
        ),
        "finished": report_selectors.finished_because_text(scan=scan, report=report),
        "urls_not_crawled": report_selectors.urls_not_crawled(report),
        "page_facts": report_selectors.site_page_facts(scan=scan),
        "duration_seconds": max(1, round(duration.total_seconds())) if duration else None,
        "score_delta": (
            report.overall_score - previous["score"]
            if previous and previous.get("score") is not None
            else None
        ),
        "recommendations": recommendations[:TOP_RECOMMENDATIONS],
        "recommendations_total": len(recommendations),
    }


def score_history_context(*, website: Website) -> dict:
    """The website page's score history: the trend chart (a wide one and one for phones)."""
    history = report_selectors.score_history(website=website)
    points = [(row["completed_at"], row["overall_score"]) for row in history]
    # Three sizes, one shown per screen width (CSS), so labels keep a readable size.
    return {
        "history": history,
        "history_charts": [
            ("wide", score_trend_svg(points=points, width=900, height=220)),
            ("medium", score_trend_svg(points=points[-16:], width=600, height=200)),
            ("small", score_trend_svg(points=points[-8:], width=330, height=180)),
        ],
    }
