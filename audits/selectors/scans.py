"""Reads for audits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.utils import translation

from audits.details import details_render
from audits.models import Finding, PageResult, SEOScan
from audits.selectors.websites import report_recommendations


def scan_findings_by_page(*, scan: SEOScan) -> dict[int, list[str]]:
    checks: dict[int, list[str]] = defaultdict(list)
    for page_id, check_id in (
        Finding.objects.filter(scan=scan, page__isnull=False)
        .order_by("page_id", "check_id")
        .values_list("page_id", "check_id")
        .iterator(chunk_size=2000)
    ):
        if not checks[page_id] or checks[page_id][-1] != check_id:
            checks[page_id].append(check_id)
    return checks


def _page_json(page: PageResult, findings: list[str]) -> dict:
    facts = page.facts or {}
    return {
        "url": page.url,
        "final_url": page.final_url,
        "status_code": page.status_code,
        "error": page.error or None,
        "redirect_chain": page.redirect_chain,
        "depth": page.depth,
        "ttfb_ms": page.ttfb_ms,
        "bytes": page.bytes,
        "content_type": page.content_type,
        "title": page.title,
        "meta_description": page.meta_description,
        "h1": page.h1,
        "h2_count": page.h2_count,
        "canonical": page.canonical or None,
        "lang": page.lang or None,
        "hreflang": [
            {"lang": item.get("lang"), "href": item.get("href")} for item in page.hreflang
        ],
        "meta_robots": page.meta_robots or None,
        "x_robots_tag": page.x_robots_tag or None,
        "og": page.og,
        "twitter": page.twitter,
        "viewport": facts.get("viewport"),
        "images_total": page.images_total,
        "images_without_alt": page.images_without_alt,
        "jsonld_types": page.jsonld_types,
        "word_count": page.word_count,
        "internal_links": page.internal_links,
        "external_links": page.external_links,
        "inlinks": page.inlinks,
        "in_sitemap": page.in_sitemap,
        "blocked_by_robots": page.blocked_by_robots,
        "indexable": page.indexable,
        "findings": findings,
    }


def scan_pages_json(*, scan: SEOScan) -> Iterator[dict]:
    findings = scan_findings_by_page(scan=scan)
    for page in PageResult.objects.filter(scan=scan).order_by("id").iterator(chunk_size=500):
        yield _page_json(page, findings.get(page.pk, []))


def scan_report_json(*, scan: SEOScan, language: str = "en", with_pages: bool = True) -> dict:
    """The whole audit as one JSON-ready dict (the shape `manage.py audit --json` writes).

    ``with_pages=False`` leaves "pages" out, for writers that stream them one by one
    (`scan_pages_json`) so a large audit is never held in memory as one list.
    """
    report = getattr(scan, "report", None)
    with translation.override(language):
        findings = [
            {"check": check, "severity": severity, "url": url, "detail": details_render(items)}
            for check, severity, url, items in Finding.objects.filter(scan=scan)
            .order_by("check_id", "id")
            .values_list("check_id", "severity", "page__url", "detail_items")
            .iterator(chunk_size=2000)
        ]
    recommendations = report_recommendations(report, language=language)
    return {
        "start_url": scan.url,
        "status": scan.status,
        "error": scan.error_message or None,
        "finished_because": scan.finished_because,
        "pages_crawled": scan.pages_crawled,
        "score": report.overall_score if report else None,
        "category_scores": report.category_scores if report else {},
        "site": report.site if report else {},
        "summary": report.summary if report else {},
        "pages": list(scan_pages_json(scan=scan)) if with_pages else [],
        "findings": findings,
        "recommendations": recommendations,
    }
