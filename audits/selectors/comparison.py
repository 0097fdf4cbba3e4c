"""Compare two audits of one website: what is new, what was fixed, what stayed, score deltas.

A finding is identified across audits by its check and the URL of its page (pages are matched
by URL, since page ids differ per audit); a site-wide finding (no page) by its check alone.
Several findings of one check on one page (one per broken link, say) count as one problem.

Only like is compared with like: a page's findings count only when both audits crawled that
URL successfully (it answered with an HTTP status). A page the later audit did not reach
(a lower page limit) or that timed out in it is not "fixed"; a page only the later audit
reached is not "new". The audits' settings that change what a crawl sees (the page limit,
the depth limit, JavaScript rendering) are listed when they differ (:func:`scan_differences`).

The comparison costs a fixed number of queries whatever the size of the audits: one per audit
for its findings (check, URL, severity, category), one per audit for its report and one to
count the pages the two share.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from audits.charts import score_value
from audits.models import Finding, PageResult, SEOReport, SEOScan
from audits.vocabulary import severity_rank, worse_severity


@dataclass(frozen=True, slots=True, order=True)
class FindingKey:
    """One problem as the comparison sees it; ``url`` is None for a site-wide finding."""

    check_id: str
    url: str | None


@dataclass(frozen=True, slots=True)
class ComparedFinding:
    check_id: str
    url: str | None
    severity: str
    category: str


@dataclass(frozen=True, slots=True)
class CheckChange:
    """Per check: how many of its problems are new, fixed and unchanged."""

    check_id: str
    category: str
    severity: str
    new: int
    fixed: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class ScanDifference:
    """A setting or a number in which two audits differ (``name`` is a field of SEOScan)."""

    name: str
    old: Any
    new: Any


# What changes the pages a crawl sees: audits that differ in one see different sites.
COMPARED_SETTINGS = ("max_pages", "max_depth", "render_js")


def scan_differences(old: SEOScan, new: SEOScan) -> list[ScanDifference]:
    """The settings (COMPARED_SETTINGS) and the page count in which two audits differ."""
    return [
        ScanDifference(name, getattr(old, name), getattr(new, name))
        for name in (*COMPARED_SETTINGS, "pages_crawled")
        if getattr(old, name) != getattr(new, name)
    ]


@dataclass(frozen=True, slots=True)
class PageOverlap:
    """How many pages both audits crawled successfully, and how many only one of them did."""

    compared: int
    only_old: int
    only_new: int


@dataclass(frozen=True, slots=True)
class Comparison:
    old: SEOScan
    new: SEOScan
    new_findings: list[ComparedFinding]
    fixed_findings: list[ComparedFinding]
    unchanged_findings: list[ComparedFinding]
    old_score: int | None
    new_score: int | None
    # None when either audit has no score (no report, or the category was not measured).
    score_delta: int | None
    old_category_scores: dict[str, int | None] = field(default_factory=dict)
    new_category_scores: dict[str, int | None] = field(default_factory=dict)
    category_deltas: dict[str, int | None] = field(default_factory=dict)
    pages: PageOverlap = PageOverlap(0, 0, 0)
    differences: list[ScanDifference] = field(default_factory=list)

    @property
    def settings_differ(self) -> bool:
        return any(item.name in COMPARED_SETTINGS for item in self.differences)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new_findings),
            "fixed": len(self.fixed_findings),
            "unchanged": len(self.unchanged_findings),
        }

    def by_check(self) -> list[CheckChange]:
        """One row per check that changed or stayed, most severe and most new first."""
        tallies: dict[str, Counter] = {}
        meta: dict[str, ComparedFinding] = {}
        for kind, items in (
            ("new", self.new_findings),
            ("fixed", self.fixed_findings),
            ("unchanged", self.unchanged_findings),
        ):
            for item in items:
                tallies.setdefault(item.check_id, Counter())[kind] += 1
                # The newer audit's severity and category win when a check changed them.
                if kind != "fixed" or item.check_id not in meta:
                    meta[item.check_id] = item
        rows = [
            CheckChange(
                check_id=check_id,
                category=meta[check_id].category,
                severity=meta[check_id].severity,
                new=tally["new"],
                fixed=tally["fixed"],
                unchanged=tally["unchanged"],
            )
            for check_id, tally in tallies.items()
        ]
        rows.sort(key=lambda row: (severity_rank(row.severity), -row.new, -row.fixed, row.check_id))
        return rows


def _answered(scan: SEOScan) -> QuerySet[PageResult]:
    """The audit's pages that were crawled successfully: they answered with an HTTP status
    (not blocked by robots.txt, not timed out, not failed)."""
    return PageResult.objects.filter(scan=scan, status_code__isnull=False)


def _answered_in(other: SEOScan) -> Exists:
    """True for a page whose URL ``other`` crawled successfully too."""
    return Exists(_answered(other).filter(url_hash=OuterRef("url_hash")))


def _overlap(old: SEOScan, new: SEOScan) -> PageOverlap:
    """One query: URLs are unique per audit, so the shared pages are the same in both."""
    counts = PageResult.objects.filter(scan__in=[old, new], status_code__isnull=False).aggregate(
        old=Count("id", filter=Q(scan=old)),
        new=Count("id", filter=Q(scan=new)),
        shared=Count("id", filter=Q(scan=new) & Q(_answered_in(old))),
    )
    shared = counts["shared"]
    return PageOverlap(
        compared=shared, only_old=counts["old"] - shared, only_new=counts["new"] - shared
    )


def _findings(scan: SEOScan, *, other: SEOScan) -> dict[FindingKey, ComparedFinding]:
    """The findings of ``scan`` about the whole site or about a page both audits crawled."""
    found: dict[FindingKey, ComparedFinding] = {}
    shared_pages = _answered(scan).filter(_answered_in(other))
    rows = (
        Finding.objects.filter(scan=scan)
        .filter(Q(page__isnull=True) | Q(page__in=shared_pages))
        .order_by()
        .values_list("check_id", "page__url", "severity", "category")
        .iterator(chunk_size=2000)
    )
    for check_id, url, severity, category in rows:
        key = FindingKey(check_id, url)
        if known := found.get(key):
            # One check reported the same page twice with two severities: one problem.
            severity = worse_severity(known.severity, severity)
        found[key] = ComparedFinding(check_id, url, severity, category)
    return found


def _scores(scan: SEOScan) -> tuple[int | None, dict[str, int | None]]:
    report = SEOReport.objects.filter(scan=scan).only("overall_score", "category_scores").first()
    if report is None:
        return None, {}
    categories = {key: score_value(value) for key, value in (report.category_scores or {}).items()}
    return report.overall_score, categories


def _delta(old: Any, new: Any) -> int | None:
    return None if old is None or new is None else new - old


def _sorted(items: list[ComparedFinding]) -> list[ComparedFinding]:
    return sorted(
        items, key=lambda item: (severity_rank(item.severity), item.check_id, item.url or "")
    )


def scan_compare(*, old: SEOScan, new: SEOScan) -> Comparison:
    """What changed from ``old`` to ``new`` (two audits of the same website)."""
    if old.website_id != new.website_id:
        raise ValueError("Only two audits of the same website can be compared.")
    before, after = _findings(old, other=new), _findings(new, other=old)
    old_score, old_categories = _scores(old)
    new_score, new_categories = _scores(new)
    categories = list(new_categories) + [key for key in old_categories if key not in new_categories]
    return Comparison(
        old=old,
        new=new,
        new_findings=_sorted([after[key] for key in after.keys() - before.keys()]),
        fixed_findings=_sorted([before[key] for key in before.keys() - after.keys()]),
        unchanged_findings=_sorted([after[key] for key in after.keys() & before.keys()]),
        old_score=old_score,
        new_score=new_score,
        score_delta=_delta(old_score, new_score),
        old_category_scores=old_categories,
        new_category_scores=new_categories,
        category_deltas={
            key: _delta(old_categories.get(key), new_categories.get(key)) for key in categories
        },
        pages=_overlap(old, new),
        differences=scan_differences(old, new),
    )
