"""Customer dashboard: reading a completed audit. The overview (the audit page itself, see
views_scans.scan_detail), its findings, pages, one page, the site facts, the downloads, and
the comparison of two audits of a website.

Views stay thin: the reads are in audits.report_selectors, the files in audits.exports and
audits.pdf. Every view looks the audit up among the signed-in user's rows first, so another
user's id is a 404 whatever the method.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, pgettext

from vivaseo_site.dashboard import customer_view, get_only, paginate

from . import exports, pdf, report_selectors, website_selectors
from .charts import category_bars_svg, score_gauge_svg, score_trend_svg, severity_donut_svg
from .models import PageResult, SEOReport, SEOScan, Website
from .vocabulary import Category, Severity, category_label

TOP_RECOMMENDATIONS = 10
SEARCH_MAX_CHARS = 200


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
    recommendations = report.recommendations or {}
    checks_failed = len(
        (recommendations.get("en") or []) if isinstance(recommendations, dict) else recommendations
    )
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
        "duration_seconds": max(1, round(duration.total_seconds())) if duration else None,
        "score_delta": (
            report.overall_score - previous["score"]
            if previous and previous.get("score") is not None
            else None
        ),
        "recommendations": recommendations[:TOP_RECOMMENDATIONS],
        "recommendations_total": len(recommendations),
    }


def _completed(request: HttpRequest, pk: int) -> tuple[SEOScan, SEOReport | None]:
    scan = scan_or_404(request, pk)
    return scan, report_selectors.scan_report(scan)


def _filters(request: HttpRequest) -> dict[str, str]:
    """The findings and pages filters from the query string, unknown values dropped."""
    severity = request.GET.get("severity", "")
    category = request.GET.get("category", "")
    status = request.GET.get("status", "")
    check = request.GET.get("check", "")
    return {
        "severity": severity if severity in Severity.values else "",
        "category": category if category in Category.values else "",
        "check": check if re.fullmatch(r"[a-z0-9-]{1,64}", check) else "",
        "status": status if status in report_selectors.PAGE_STATUS_FILTERS else "",
        "q": request.GET.get("q", "").strip()[:SEARCH_MAX_CHARS],
    }


def _filter_links(filters: dict[str, str], name: str, values: list[tuple[str, str, int]]) -> list:
    """Links of a row of filter chips: "All" then each value, keeping the other filters."""

    def href(value: str) -> str:
        query = QueryDict(mutable=True)
        for key, current in filters.items():
            if key != name and current:
                query[key] = current
        if value:
            query[name] = value
        return "?" + query.urlencode() if query else "?"

    chips = [{"label": None, "value": "", "href": href(""), "current": not filters[name]}]
    chips += [
        {
            "label": label,
            "value": value,
            "count": count,
            "href": href(value),
            "current": filters[name] == value,
        }
        for value, label, count in values
    ]
    return chips


@customer_view
def scan_findings(request, pk: int):
    scan, report = _completed(request, pk)
    if report is None:
        return redirect("dashboard:scan_detail", pk=scan.pk)
    if refused := get_only(request):
        return refused
    filters = _filters(request)
    context = report_context(scan=scan, report=report, tab="findings")
    overview = report_selectors.check_groups(
        scan=scan,
        language=report_language(),
        severity=filters["severity"],
        category=filters["category"],
        check=filters["check"],
    )
    return render(
        request,
        "dashboard/report/findings.html",
        context
        | {
            "filters": filters,
            "overview": overview,
            "severity_chips": _filter_links(
                filters,
                "severity",
                [
                    (key, label, overview.severity_counts.get(key, 0))
                    for key, label in Severity.choices
                ],
            ),
            "category_chips": _filter_links(
                filters,
                "category",
                [
                    (key, category_label(key), count)
                    for key, count in overview.category_counts.items()
                ],
            ),
            "is_filtered": any(filters[key] for key in ("severity", "category", "check")),
        },
    )


@customer_view
def scan_pages(request, pk: int):
    scan, report = _completed(request, pk)
    if report is None:
        return redirect("dashboard:scan_detail", pk=scan.pk)
    if refused := get_only(request):
        return refused
    filters = _filters(request)
    context = report_context(scan=scan, report=report, tab="pages")
    checks = report_selectors.check_groups(
        scan=scan, language=report_language(), with_samples=False
    ).groups
    chosen_check = next((group for group in checks if group.check_id == filters["check"]), None)
    if chosen_check is None:
        filters["check"] = ""
    page_obj = paginate(
        request,
        report_selectors.pages_for_scan(
            scan=scan,
            query=filters["q"],
            severity=filters["severity"],
            category=filters["category"],
            check=filters["check"],
            status=filters["status"],
        ),
    )
    return render(
        request,
        "dashboard/report/pages.html",
        context
        | {
            "filters": filters,
            "page_obj": page_obj,
            "pages": page_obj.object_list,
            "checks": checks,
            "chosen_check": chosen_check,
            "severities": Severity.choices,
            "categories": Category.choices,
            "statuses": list(report_selectors.PAGE_STATUS_FILTERS.items()),
            "is_filtered": any(filters.values()),
        },
    )


@customer_view
def scan_page_detail(request, pk: int, page_pk: int):
    scan, report = _completed(request, pk)
    if report is None:
        return redirect("dashboard:scan_detail", pk=scan.pk)
    try:
        detail = report_selectors.page_detail(
            scan=scan, page_pk=page_pk, language=report_language()
        )
    except PageResult.DoesNotExist as error:
        raise Http404 from error
    if refused := get_only(request):
        return refused
    return render(
        request,
        "dashboard/report/page_detail.html",
        report_context(scan=scan, report=report, tab="pages")
        | {"detail": detail, "page": detail.page},
    )


@customer_view
def scan_site(request, pk: int):
    scan, report = _completed(request, pk)
    if report is None:
        return redirect("dashboard:scan_detail", pk=scan.pk)
    if refused := get_only(request):
        return refused
    return render(
        request,
        "dashboard/report/site.html",
        report_context(scan=scan, report=report, tab="site")
        | {"site": report_selectors.site_facts(report)},
    )


# -- downloads --------------------------------------------------------------------------------
def download_name(scan: SEOScan, kind: str, extension: str) -> str:
    """``<host>-<kind>-<date>.<extension>``, e.g. ``shop-example-com-seo-report-2026-05-01.pdf``."""
    host = urlsplit(scan.url).netloc or str(scan.website)
    slug = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-") or "site"
    day = timezone.localdate(scan.completed_at or scan.created)
    return f"{slug}-{kind}-{day:%Y-%m-%d}.{extension}"


def _downloadable(request: HttpRequest, pk: int) -> tuple[SEOScan, SEOReport]:
    scan, report = _completed(request, pk)
    if report is None:
        raise Http404("This audit has no report to download.")
    return scan, report


def _csv_download(request, pk: int, *, rows_for, name: str):
    scan, _report = _downloadable(request, pk)
    if refused := get_only(request):
        return refused
    return exports.csv_response(
        rows=rows_for(scan=scan, language=report_language()),
        filename=download_name(scan, name, "csv"),
    )


@customer_view
def findings_csv(request, pk: int):
    name = pgettext("download file name", "findings")
    return _csv_download(request, pk, rows_for=exports.findings_csv, name=name)


@customer_view
def pages_csv(request, pk: int):
    name = pgettext("download file name", "pages")
    return _csv_download(request, pk, rows_for=exports.pages_csv, name=name)


@customer_view
def report_pdf(request, pk: int):
    scan, report = _downloadable(request, pk)
    if refused := get_only(request):
        return refused
    content = pdf.report_pdf_bytes(scan=scan, language=report_language())
    if request.method == "GET":
        # F(): two downloads at once both count; update() leaves `modified` (the stored
        # PDF's freshness) alone.
        SEOReport.objects.filter(pk=report.pk).update(
            pdf_download_count=F("pdf_download_count") + 1
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, download_name(scan, pgettext("download file name", "seo-report"), "pdf")
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# -- history ----------------------------------------------------------------------------------
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


def _optional_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@customer_view
def website_compare(request, pk: int):
    website = get_object_or_404(Website, user=request.user, pk=pk)
    if refused := get_only(request):
        return refused
    try:
        pair = report_selectors.comparison_pair(
            website=website,
            old_id=_optional_id(request.GET.get("old")),
            new_id=_optional_id(request.GET.get("new")),
        )
    except SEOScan.DoesNotExist as error:
        raise Http404 from error
    context = {
        "website": website,
        "nav": "websites",
        "choices": list(
            report_selectors.completed_scans(website=website)[: report_selectors.COMPARE_CHOICES]
        ),
    }
    if pair is not None:
        old, new = pair
        context |= {
            "old": old,
            "new": new,
            "result": report_selectors.website_comparison(
                old=old, new=new, language=report_language()
            ),
            "days_apart": (
                (new.completed_at - old.completed_at) // timedelta(days=1)
                if new.completed_at and old.completed_at
                else None
            ),
        }
    return render(request, "dashboard/report/compare.html", context)
