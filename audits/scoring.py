"""Scores and recommendations of one scan, computed from its findings by the database.

The formula is explained in ``docs/scoring.md``. In short: each category starts at 100 and
every failing check deducts ``weight x severity factor x POINTS_PER_IMPACT x sqrt(share)``
points, where ``share`` is the fraction of the pages the check applies to that failed it (1
for a problem of the whole site). The overall score is the weighted mean of the measured
categories, capped at :data:`BLOCKED_SITE_CAP` when search engines may not index the start
page.
"""

from __future__ import annotations

import math
from typing import Any, Final

from django.db.models import Count, F, Q

from audits.checks.registry import Check, all_checks, get_check
from audits.models import Finding, PageResult, SEOScan, url_digest
from audits.selectors.ranking import scan_failing_checks
from audits.vocabulary import Category, Severity

SEVERITY_FACTORS: Final = {Severity.CRITICAL: 4, Severity.WARNING: 2, Severity.NOTICE: 1}
POINTS_PER_IMPACT: Final = 2.5
# The categories the crawl measures, and their share of the overall score.
CATEGORY_WEIGHTS: Final = {
    Category.TECHNICAL: 30,
    Category.ONPAGE: 25,
    Category.CONTENT: 20,
    Category.LINKS: 15,
    Category.SOCIAL: 10,
}
NOT_MEASURED: Final = (Category.PERFORMANCE,)  # needs a browser performance audit, not a crawl
BLOCKED_SITE_CAP: Final = 30
SAMPLE_URLS: Final = 5


def _page_counts(scan: SEOScan) -> dict[str, int]:
    """How many stored rows each ``applies_to`` group has (see registry.APPLIES_TO)."""
    counts = PageResult.objects.filter(scan=scan).aggregate(
        any=Count("id"),
        response=Count("id", filter=Q(status_code__isnull=False)),
        indexable=Count("id", filter=Q(indexable=True)),
        # Site checks are measured against the HTML pages (see affected_share).
        site=Count("id", filter=Q(status_code__isnull=False, is_html=True)),
    )
    return {group: count or 0 for group, count in counts.items()}


def _finding_counts(scan: SEOScan) -> dict[str, dict[str, int]]:
    rows = (
        Finding.objects.filter(scan=scan)
        .order_by()
        .values("check_id")
        .annotate(
            pages=Count("page", distinct=True),
            site_wide=Count("id", filter=Q(page__isnull=True)),
        )
    )
    return {row["check_id"]: row for row in rows}


def affected_share(*, scan: SEOScan) -> dict[str, float]:
    """For each check with findings, the fraction (0-1) of the pages it applies to it failed.

    Site checks are measured against the HTML pages; a finding about the whole site counts
    as every page failing.
    """
    pages = _page_counts(scan)
    shares = {}
    for check_id, counts in _finding_counts(scan).items():
        try:
            check = get_check(check_id)
        except KeyError:
            continue  # a check that no longer exists
        if counts["site_wide"]:
            shares[check_id] = 1.0
            continue
        shares[check_id] = min(1.0, counts["pages"] / max(pages[check.applies_to], 1))
    return shares


def check_deduction(check: Check, *, share: float) -> float:
    """Points a check takes off its category when it fails on ``share`` (0-1) of the pages."""
    return check.weight * SEVERITY_FACTORS[check.severity] * POINTS_PER_IMPACT * math.sqrt(share)


def start_page_blocked(*, scan: SEOScan, site: dict[str, Any] | None = None) -> bool:
    """Lighthouse's is-crawlable fails on the start page (or robots.txt blocks everything)."""
    site = site or {}
    if (site.get("robots_txt") or {}).get("blocks_all"):
        return True
    start_urls = {scan.url, site.get("start_url"), site.get("final_start_url")}
    hashes = [url_digest(url) for url in start_urls if url]
    start_pages = PageResult.objects.filter(scan=scan).filter(Q(url_hash__in=hashes) | Q(depth=0))
    return Finding.objects.filter(scan=scan, check_id="is-crawlable", page__in=start_pages).exists()


def scan_scores(
    *, scan: SEOScan, site: dict[str, Any] | None = None
) -> tuple[int, dict[str, int | None]]:
    """``(overall, {category: score})``, each 0-100; ``performance`` is None (not measured)."""
    shares = affected_share(scan=scan)
    lost: dict[str, float] = dict.fromkeys(CATEGORY_WEIGHTS, 0.0)
    for check in all_checks():
        if check.category in CATEGORY_WEIGHTS and check.id in shares:
            lost[check.category] += check_deduction(check, share=shares[check.id])
    scores = {category: max(0, round(100 - lost[category])) for category in CATEGORY_WEIGHTS}
    overall = round(
        sum(CATEGORY_WEIGHTS[category] * score for category, score in scores.items())
        / sum(CATEGORY_WEIGHTS.values())
    )
    if start_page_blocked(scan=scan, site=site):
        overall = min(overall, BLOCKED_SITE_CAP)
    categories: dict[str, int | None] = {**scores, **dict.fromkeys(NOT_MEASURED)}
    return overall, categories


def recommendations_build(*, scan: SEOScan) -> list[dict[str, Any]]:
    """One recommendation per failing check, in the one ranking (audits.selectors.ranking): its
    id, counts, a few affected URLs and the detail items of its site-wide findings. No texts:
    report_recommendations renders them in the reader's language."""
    items = []
    for failing in scan_failing_checks(scan=scan):
        findings = Finding.objects.filter(scan=scan, check_id=failing.check_id)
        items.append(
            {
                "check": failing.check_id,
                "severity": failing.severity,
                "category": failing.category,
                "lighthouse": failing.lighthouse,
                "site_wide": failing.site_wide,
                "pages_affected": failing.pages_affected,
                "priority": failing.priority,
                "sample_urls": list(
                    findings.filter(page__isnull=False)
                    .order_by(F("page__depth").asc(nulls_last=True), "page_id")
                    .values_list("page__url", flat=True)[:SAMPLE_URLS]
                ),
                "details": list(
                    findings.filter(page__isnull=True)
                    .order_by("id")
                    .values_list("detail_items", flat=True)[:SAMPLE_URLS]
                ),
            }
        )
    return items
