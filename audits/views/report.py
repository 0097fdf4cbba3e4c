"""Customer dashboard: reading a completed audit. The overview (the audit page itself, see
views.scans.scan_detail), its findings, pages, one page, the site facts, the downloads, and
the comparison of two audits of a website.

Views stay thin: the reads are in audits.selectors.reports, the CSV lines in
audits.selectors.exports and the PDF in audits.services.pdf. Every view looks the audit up among
the signed-in user's rows first, so another user's id is a 404 whatever the method.
"""

from __future__ import annotations

import functools
import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import pgettext

from audits.models import PageResult, SEOReport, SEOScan, Website
from audits.selectors import exports
from audits.selectors import reports as report_selectors
from audits.services import pdf
from audits.views.contexts import (
    report_context,
    report_language,
    scan_or_404,
)
from audits.vocabulary import Category, Severity, category_label
from vivaseo_site.dashboard import customer_view, get_only, paginate

SEARCH_MAX_CHARS = 200


def report_view(*, download: bool = False):
    """A read-only view of one of the signed-in user's audits and its report.

    The wrapped view is called as ``view(request, scan=..., report=..., **url_kwargs)``. The
    audit is looked up among the user's own first (another user's id is a 404 whatever the
    method); then an audit with no report yet goes to its progress page, or is a 404 for a
    ``download``; then anything but GET and HEAD is refused.
    """

    def decorate(view):
        @customer_view
        @functools.wraps(view)
        def wrapper(request: HttpRequest, pk: int, **kwargs) -> HttpResponse:
            scan = scan_or_404(request, pk)
            report = report_selectors.scan_report(scan)
            if report is None:
                if download:
                    raise Http404("This audit has no report to download.")
                return redirect("dashboard:scan_detail", pk=scan.pk)
            if refused := get_only(request):
                return refused
            return view(request, scan=scan, report=report, **kwargs)

        return wrapper

    return decorate


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


@report_view()
def scan_findings(request, *, scan: SEOScan, report: SEOReport):
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


@report_view()
def scan_pages(request, *, scan: SEOScan, report: SEOReport):
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


@report_view()
def scan_page_detail(request, *, scan: SEOScan, report: SEOReport, page_pk: int):
    try:
        detail = report_selectors.page_detail(
            scan=scan, page_pk=page_pk, language=report_language()
        )
    except PageResult.DoesNotExist as error:
        raise Http404 from error
    return render(
        request,
        "dashboard/report/page_detail.html",
        report_context(scan=scan, report=report, tab="pages")
        | {"detail": detail, "page": detail.page},
    )


@report_view()
def scan_site(request, *, scan: SEOScan, report: SEOReport):
    return render(
        request,
        "dashboard/report/site.html",
        report_context(scan=scan, report=report, tab="site")
        | {
            "site": report_selectors.site_facts(report),
            "page_facts": report_selectors.site_page_facts(scan=scan),
        },
    )


# -- downloads --------------------------------------------------------------------------------
def download_name(scan: SEOScan, kind: str, extension: str) -> str:
    """``<host>-<kind>-<date>.<extension>``, e.g. ``shop-example-com-seo-report-2026-05-01.pdf``."""
    host = urlsplit(scan.url).netloc or str(scan.website)
    # Dots and the port's colon would vanish in slugify(); as spaces they become hyphens.
    slug = slugify(host.replace(".", " ").replace(":", " ")) or "site"
    day = timezone.localdate(scan.completed_at or scan.created)
    return f"{slug}-{kind}-{day:%Y-%m-%d}.{extension}"


def _csv_download(scan: SEOScan, *, rows_for, name: str) -> StreamingHttpResponse:
    # The selector yields CSV lines from a database iterator: streamed, an audit of any size
    # leaves in constant memory.
    response = StreamingHttpResponse(
        rows_for(scan=scan, language=report_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        True, download_name(scan, name, "csv")
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@report_view(download=True)
def findings_csv(request, *, scan: SEOScan, report: SEOReport):
    name = pgettext("download file name", "findings")
    return _csv_download(scan, rows_for=exports.findings_csv, name=name)


@report_view(download=True)
def pages_csv(request, *, scan: SEOScan, report: SEOReport):
    name = pgettext("download file name", "pages")
    return _csv_download(scan, rows_for=exports.pages_csv, name=name)


@report_view(download=True)
def report_pdf(request, *, scan: SEOScan, report: SEOReport):
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
