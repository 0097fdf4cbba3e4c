"""Reads for the customer dashboard: websites with their latest audits, and audits.

Every list is one query however many rows it has: the latest scan and the last two scores are
subqueries of the website query, not a query per website.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from audits.details import details_render
from audits.models import SEOReport, SEOScan, Website
from audits.selectors.ranking import check_text


def _completed_reports(website_ref: OuterRef) -> QuerySet[SEOReport]:
    return SEOReport.objects.filter(
        scan__website=website_ref, scan__status=SEOScan.Status.COMPLETED
    ).order_by("-scan__completed_at", "-scan_id")


def websites_for_user(*, user) -> QuerySet[Website]:
    """The user's websites, each annotated with:

    ``latest_scan_id``, ``latest_scan_status``, ``latest_scan_progress``,
    ``latest_scan_created`` (the newest audit in any state), ``active_scan_id`` (a pending or
    running audit, if any), ``latest_score`` and
    ``previous_score`` (the last two completed audits, for the trend), ``scan_count``.
    """
    latest_scan = SEOScan.objects.filter(website=OuterRef("pk")).order_by("-created", "-pk")
    reports = _completed_reports(OuterRef("pk"))
    scan_counts = (
        SEOScan.objects.filter(website=OuterRef("pk"))
        .order_by()
        .values("website")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Website.objects.filter(user=user)
        .annotate(
            latest_scan_id=Subquery(latest_scan.values("pk")[:1]),
            latest_scan_status=Subquery(latest_scan.values("status")[:1]),
            latest_scan_progress=Subquery(latest_scan.values("progress")[:1]),
            latest_scan_created=Subquery(latest_scan.values("created")[:1]),
            active_scan_id=Subquery(
                latest_scan.filter(status__in=SEOScan.ACTIVE_STATUSES).values("pk")[:1]
            ),
            latest_score=Subquery(reports.values("overall_score")[:1]),
            latest_score_scan_id=Subquery(reports.values("scan_id")[:1]),
            previous_score=Subquery(reports.values("overall_score")[1:2]),
            scan_count=Coalesce(Subquery(scan_counts), 0),
        )
        .order_by("name", "pk")
    )


def website_for_user(*, user, pk: int) -> Website:
    """One website of the user, annotated like `websites_for_user`; Website.DoesNotExist
    when it is someone else's."""
    return websites_for_user(user=user).get(pk=pk)


def scans_for_user(*, user) -> QuerySet[SEOScan]:
    """The user's audits with their website and score (None until a report exists)."""
    return (
        SEOScan.objects.filter(user=user)
        .select_related("website")
        .annotate(score=F("report__overall_score"))
        .order_by("-created", "-pk")
    )


def scans_for_website(*, website: Website) -> QuerySet[SEOScan]:
    return (
        SEOScan.objects.filter(website=website)
        .annotate(score=F("report__overall_score"))
        .order_by("-created", "-pk")
    )


def scans_running(*, user) -> QuerySet[SEOScan]:
    return scans_for_user(user=user).filter(status__in=SEOScan.ACTIVE_STATUSES)


def scan_for_user(*, user, pk: int) -> SEOScan:
    """One audit of the user with its website and report (``getattr(scan, "report", None)``),
    in one query; SEOScan.DoesNotExist for anyone else's."""
    return SEOScan.objects.select_related("website", "report").get(user=user, pk=pk)


@dataclass(frozen=True)
class WebsiteCounts:
    total: int
    active: int


def website_counts(*, user) -> WebsiteCounts:
    counts = Website.objects.filter(user=user).aggregate(
        total=Count("pk"), active=Count("pk", filter=Q(is_active=True))
    )
    return WebsiteCounts(total=counts["total"], active=counts["active"])


def report_recommendations(report, *, language: str, limit: int | None = None) -> list[dict]:
    """A report's prioritised recommendations, rendered in ``language``.

    The report stores check ids, counts, sample URLs and detail items
    (scoring.recommendations_build); the check texts and details are rendered here, so
    every reader gets their own language.
    """
    if report is None:
        return []
    return [
        item
        | {
            "title": check_text(item["check"], "failure_title", language),
            "why": check_text(item["check"], "why", language),
            "how_to_fix": check_text(item["check"], "how_to_fix", language),
            "details": [
                details_render(items, language=language) for items in item.get("details") or ()
            ],
        }
        for item in (report.recommendations or [])[:limit]
    ]


def score_trend(latest: int | None, previous: int | None) -> str:
    """ "up", "down", "flat", or "" when there is nothing to compare."""
    if latest is None or previous is None:
        return ""
    if latest > previous:
        return "up"
    if latest < previous:
        return "down"
    return "flat"
