"""Reads for the report pages of a completed audit: findings by check, the pages and one page,
the site facts, the score history of a website and the comparison of two audits.

Every function costs a fixed number of queries however many pages or findings an audit has:
findings are grouped by the database, lists are paginated querysets whose per-row numbers are
subqueries, and samples are picked with a window function, never a query per row.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, Left, RowNumber
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audits.charts import score_value
from audits.checks.indexing import ROBOTS_TXT_PROBLEMS
from audits.details import details_render
from audits.models import Finding, PageLink, PageResult, SEOReport, SEOScan, Website
from audits.selectors.comparison import (
    COMPARED_SETTINGS,
    ComparedFinding,
    Comparison,
    ScanDifference,
    scan_compare,
)
from audits.selectors.ranking import FailingCheck, check_text, scan_failing_checks
from audits.selectors.websites import report_recommendations
from audits.vocabulary import (
    Labelled,
    Severity,
    categories_in_order,
    category_label,
    severity_label,
    severity_rank,
    severity_rank_expression,
)

SAMPLE_PAGES = 5
SITE_WIDE_DETAILS = 20
LINKS_SHOWN = 50
HISTORY_POINTS = 24
COMPARE_CHOICES = 100
COMPARE_URLS_SHOWN = 10

PAGE_STATUS_FILTERS = {
    "ok": gettext_lazy("OK (2xx)"),
    "redirect": gettext_lazy("Redirects (3xx)"),
    "error": gettext_lazy("Errors (4xx, 5xx, no answer)"),
}


# -- the audit ------------------------------------------------------------------------------
def scan_report(scan: SEOScan) -> SEOReport | None:
    """The report of a completed audit, or None (running, failed, cancelled). Load the scan
    with website_selectors.scan_for_user: the report comes with it."""
    if scan.status != SEOScan.Status.COMPLETED:
        return None
    try:
        return scan.report
    except SEOReport.DoesNotExist:
        return None


def previous_completed_scan(*, scan: SEOScan) -> dict | None:
    """``{"pk", "score"}`` of the website's completed audit before ``scan``, or None."""
    if scan.completed_at is None:
        return None
    row = (
        SEOScan.objects.filter(
            website_id=scan.website_id,
            status=SEOScan.Status.COMPLETED,
            completed_at__lt=scan.completed_at,
        )
        .exclude(pk=scan.pk)
        .order_by("-completed_at", "-pk")
        .values("pk", score=F("report__overall_score"))
        .first()
    )
    return row


def scans_with_previous(scans: QuerySet[SEOScan]) -> QuerySet[SEOScan]:
    """Annotate each audit with ``previous_completed_id``: the website's completed audit
    before it (for "Compare with previous"), as a subquery."""
    earlier = SEOScan.objects.filter(
        website=OuterRef("website"),
        status=SEOScan.Status.COMPLETED,
        completed_at__lt=OuterRef("completed_at"),
    ).order_by("-completed_at", "-pk")
    return scans.annotate(previous_completed_id=Subquery(earlier.values("pk")[:1]))


def urls_not_crawled(report: SEOReport | None) -> int | None:
    """URLs the crawl found but did not record (the page limit, the time budget or a stop came
    first); None for a report written before the crawl counted them."""
    count = ((report.site or {}) if report else {}).get("urls_not_crawled")
    return count if isinstance(count, int) else None


def finished_because_text(*, scan: SEOScan, report: SEOReport | None = None) -> dict[str, str]:
    """How the crawl ended, in plain words: ``{"tone": "ok" | "warning", "text": ...}``."""
    stored = (report.summary or {}).get("finished_because") if report else ""
    reason = scan.finished_because or stored
    pages = scan.pages_crawled
    left = urls_not_crawled(report)
    if reason == "max_pages" and left:
        return {
            "tone": "warning",
            "text": ngettext(
                "The audit stopped at the %(limit)s-page limit: %(count)s more URL was found "
                "but not checked. Start an audit with a higher page limit to see more of the site.",
                "The audit stopped at the %(limit)s-page limit: %(count)s more URLs were found "
                "but not checked. Start an audit with a higher page limit to see more of the site.",
                left,
            )
            % {"limit": scan.max_pages, "count": left},
        }
    if reason == "max_pages":
        return {
            "tone": "warning",
            "text": _(
                "The audit stopped at the %(limit)s-page limit. Pages beyond it were not "
                "checked: start an audit with a higher page limit to see more of the site."
            )
            % {"limit": scan.max_pages},
        }
    if reason == "max_depth":
        return {
            "tone": "warning",
            "text": _(
                "The audit stopped following links %(depth)s clicks away from the start page. "
                "Deeper pages were not checked."
            )
            % {"depth": scan.max_depth},
        }
    if reason == "time_budget":
        return {
            "tone": "warning",
            "text": _(
                "The audit ran out of time and stopped; the report covers the pages it reached. "
                "A slow site audits fewer pages in the same time."
            ),
        }
    if reason == "stopped":
        return {
            "tone": "warning",
            "text": _(
                "The audit was stopped before it finished; the report covers the pages it reached."
            ),
        }
    return {
        "tone": "ok",
        "text": ngettext(
            "Every page we could reach from the start page was audited (%(count)s page).",
            "Every page we could reach from the start page was audited (%(count)s pages).",
            pages,
        )
        % {"count": pages},
    }


def report_recommendation_items(report: SEOReport, *, language: str) -> list[dict]:
    """The report's recommendations in ``language`` with labels for the template."""
    result = []
    for item in report_recommendations(report, language=language):
        severity, category = item.get("severity") or "", item.get("category") or ""
        result.append(
            {
                **item,
                "severity_label": severity_label(severity) if severity else "",
                "category_label": category_label(category) if category else "",
            }
        )
    return result


def category_rows(report: SEOReport) -> list[dict]:
    """Every category in the usual order with its score (None: not measured)."""
    stored = report.category_scores or {}
    return [
        {"key": key, "label": category_label(key), "score": score_value(stored.get(key))}
        for key in categories_in_order(stored, every_known=True)
    ]


# -- findings by check ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CheckGroup(FailingCheck):
    """A failing check as the report shows it: its texts in the reader's language and, in the
    findings list, what it found on the whole site and a few of the pages it affects."""

    title: str = ""
    why: str = ""
    how_to_fix: str = ""
    details: list[str] = field(default_factory=list)
    samples: list[dict] = field(default_factory=list)

    @classmethod
    def of(cls, failing: FailingCheck, *, language: str, **found: list) -> CheckGroup:
        return cls(
            **{name: getattr(failing, name) for name in FailingCheck.__dataclass_fields__},
            title=failing.text("failure_title", language),
            why=failing.text("why", language),
            how_to_fix=failing.text("how_to_fix", language),
            **found,
        )


def _sample_pages(*, scan: SEOScan, check_ids: list[str], limit: int) -> dict[str, list[dict]]:
    """Up to ``limit`` distinct affected pages per check (``id``, ``url`` and the first
    ``detail``), shallowest first, in one query."""
    if not check_ids:
        return {}
    ranked = (
        Finding.objects.filter(scan=scan, page__isnull=False, check_id__in=check_ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("check_id")],
                order_by=[F("page__depth").asc(nulls_last=True), F("page_id").asc(), F("id")],
            )
        )
        .order_by()
    )
    samples: dict[str, list[dict]] = defaultdict(list)
    # A check may report one page several times (once per broken link): ask for enough rows
    # that de-duplicating still leaves ``limit`` pages for all but pathological checks.
    rows = ranked.filter(rank__lte=limit * 4).values_list(
        "check_id", "page_id", "page__url", "detail_items"
    )
    for check_id, page_id, url, items in rows:
        pages = samples[check_id]
        if len(pages) < limit and all(page["id"] != page_id for page in pages):
            pages.append({"id": page_id, "url": url, "detail": details_render(items)})
    return samples


def _site_wide_details(scan: SEOScan, check_ids: list[str]) -> dict[str, list[str]]:
    """Up to SITE_WIDE_DETAILS details of each check's findings about the whole site."""
    details: dict[str, list[str]] = defaultdict(list)
    if not check_ids:
        return details
    for check_id, detail in (
        Finding.objects.filter(scan=scan, page__isnull=True, check_id__in=check_ids)
        .order_by("check_id", "id")
        .values_list("check_id", "detail_items")[: SITE_WIDE_DETAILS * len(check_ids)]
    ):
        if len(details[check_id]) < SITE_WIDE_DETAILS:
            details[check_id].append(details_render(detail))
    return details


@dataclass
class FindingsOverview:
    groups: list[CheckGroup]
    total_checks: int
    severity_counts: dict[str, int]
    category_counts: dict[str, int]

    @property
    def findings(self) -> int:
        return sum(group.findings for group in self.groups)


def check_groups(
    *,
    scan: SEOScan,
    language: str,
    severity: str = "",
    category: str = "",
    check: str = "",
    with_samples: bool = True,
    sample_limit: int = SAMPLE_PAGES,
) -> FindingsOverview:
    """The audit's failing checks in the one ranking (audits.selectors.ranking), filtered by
    severity, category or check id, with up to ``sample_limit`` affected pages each; counts per
    severity and category for the filters are those of every check. Three queries at most."""
    failing = scan_failing_checks(scan=scan)
    severity_counts = dict.fromkeys(Severity.values, 0)
    category_counts: dict[str, int] = {}
    for item in failing:
        severity_counts[item.severity] = severity_counts.get(item.severity, 0) + 1
        category_counts[item.category] = category_counts.get(item.category, 0) + 1
    chosen = [
        item
        for item in failing
        if (not severity or item.severity == severity)
        and (not category or item.category == category)
        and (not check or item.check_id == check)
    ]
    details: dict[str, list[str]] = {}
    samples: dict[str, list[dict]] = {}
    if with_samples:
        details = _site_wide_details(scan, [item.check_id for item in chosen if item.site_wide])
        samples = _sample_pages(
            scan=scan,
            check_ids=[item.check_id for item in chosen if item.pages],
            limit=sample_limit,
        )
    return FindingsOverview(
        groups=[
            CheckGroup.of(
                item,
                language=language,
                details=details.get(item.check_id, []),
                samples=samples.get(item.check_id, []),
            )
            for item in chosen
        ],
        total_checks=len(failing),
        severity_counts=severity_counts,
        category_counts={key: category_counts[key] for key in categories_in_order(category_counts)},
    )


# -- pages ------------------------------------------------------------------------------------
def pages_for_scan(
    *,
    scan: SEOScan,
    query: str = "",
    severity: str = "",
    category: str = "",
    check: str = "",
    status: str = "",
) -> QuerySet[PageResult]:
    """The audit's pages, shallowest first, each annotated with ``findings_count``,
    ``worst_severity`` and (with ``check``) ``check_detail``; filtered to pages with a finding
    of that severity, category and check, by status group (PAGE_STATUS_FILTERS) and by a
    search in the URL and title. Paginate it: one query per page of results plus a count."""
    findings = Finding.objects.filter(page=OuterRef("pk"))
    pages = PageResult.objects.filter(scan=scan)
    matching = findings
    if severity:
        matching = matching.filter(severity=severity)
    if category:
        matching = matching.filter(category=category)
    if check:
        matching = matching.filter(check_id=check)
    if severity or category or check:
        pages = pages.filter(Exists(matching))
    if query := query.strip():
        pages = pages.filter(Q(url__icontains=query) | Q(title__icontains=query))
    if status == "ok":
        pages = pages.filter(status_code__gte=200, status_code__lt=300)
    elif status == "redirect":
        pages = pages.filter(status_code__gte=300, status_code__lt=400)
    elif status == "error":
        pages = pages.filter(Q(status_code__gte=400) | Q(status_code__isnull=True))
    counts = findings.order_by().values("page").annotate(n=Count("id")).values("n")
    worst = (
        findings.annotate(rank=severity_rank_expression())
        .order_by("rank", "id")
        .values("severity")[:1]
    )
    pages = pages.annotate(
        findings_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0),
        worst_severity=Subquery(worst, output_field=CharField()),
    )
    if check:
        # Rendered in the reader's language by PageResult.check_detail.
        detail = findings.filter(check_id=check).order_by("id").values("detail_items")[:1]
        pages = pages.annotate(check_detail_items=Subquery(detail, output_field=JSONField()))
    return pages.defer("facts", "hreflang", "og", "twitter").order_by(
        F("depth").asc(nulls_last=True), "id"
    )


@dataclass
class PageDetail:
    page: PageResult
    findings: list[dict]
    linked_from: list[dict]
    linked_from_count: int
    links_out: list[dict]
    links_out_count: int
    headings: list[dict]
    redirect_chain: list[dict]
    facts: dict[str, Any]


def page_detail(*, scan: SEOScan, page_pk: int, language: str) -> PageDetail:
    """Everything the audit stored about one of its URLs; PageResult.DoesNotExist when the
    page is not part of ``scan``. A fixed number of queries (page, findings, the audit's
    ranking, links); the page's checks come in the ranking's order."""
    page = PageResult.objects.get(scan=scan, pk=page_pk)
    details: dict[str, list[str]] = defaultdict(list)
    for check_id, detail in (
        Finding.objects.filter(scan=scan, page=page)
        .order_by("id")
        .values_list("check_id", "detail_items")
    ):
        # Several findings of one check (one per broken link) read best together.
        details[check_id] += [details_render(detail, language=language)] if detail else []
    # The page's checks in the audit's ranking, as the findings list shows them.
    findings = [
        {"group": CheckGroup.of(item, language=language), "details": details[item.check_id]}
        for item in scan_failing_checks(scan=scan)
        if item.check_id in details
    ]

    inbound = PageLink.objects.filter(scan=scan, target_hash=page.url_hash).exclude(source=page)
    target_pages = PageResult.objects.filter(scan=scan, url_hash=OuterRef("target_hash"))
    outbound = PageLink.objects.filter(source=page).annotate(
        target_page_id=Subquery(target_pages.values("pk")[:1])
    )
    facts = page.facts or {}
    return PageDetail(
        page=page,
        findings=findings,
        linked_from=list(
            inbound.order_by("source__depth", "source_id").values(
                "source_id", "anchor_text", "nofollow", url=F("source__url")
            )[:LINKS_SHOWN]
        ),
        linked_from_count=inbound.values("source_id").distinct().count(),
        links_out=list(
            outbound.order_by("id").values(
                "target_url", "anchor_text", "nofollow", "target_page_id"
            )[:LINKS_SHOWN]
        ),
        links_out_count=outbound.count(),
        headings=[
            {"level": level, "text": text}
            for level, text in facts.get("headings", [])
            if isinstance(level, int)
        ],
        redirect_chain=[
            hop for hop in (page.redirect_chain or []) if isinstance(hop, dict) and hop.get("url")
        ],
        facts=facts,
    )


# -- site facts -------------------------------------------------------------------------------
SITEMAP_SOURCES = {
    "robots.txt": gettext_lazy("Listed in robots.txt"),
    "default": gettext_lazy("Default location"),
    "index": gettext_lazy("Listed in a sitemap index"),
}


def site_facts(report: SEOReport) -> dict[str, Any]:
    """robots.txt, sitemaps and HTTPS as the crawl found them, ready for the template."""
    site = report.site or {}
    robots = dict(site.get("robots_txt") or {})
    robots["problems"] = [
        {
            **problem,
            "message": ROBOTS_TXT_PROBLEMS.get(problem.get("message"), problem.get("message")),
        }
        for problem in robots.get("problems") or []
        if isinstance(problem, dict)
    ]
    sitemaps = [
        {**sitemap, "source_label": SITEMAP_SOURCES.get(sitemap.get("source"), "")}
        for sitemap in site.get("sitemaps") or []
        if isinstance(sitemap, dict)
    ]
    https = dict(site.get("https") or {})
    certificate = dict(https.get("certificate") or {})
    if certificate.get("not_after"):
        certificate["expires"] = parse_datetime(certificate["not_after"])
    if certificate:
        days = certificate.get("days_to_expiry")
        certificate["expiring_soon"] = isinstance(days, int) and days < 30
    https["certificate"] = certificate or None
    return {
        "start_url": site.get("start_url") or report.scan.url,
        "final_start_url": site.get("final_start_url") or "",
        "robots": robots or None,
        "sitemaps": sitemaps,
        "sitemap_urls": site.get("sitemap_urls") or 0,
        "https": https,
    }


STRUCTURED_DATA_TYPES_SHOWN = 4


@dataclass(frozen=True, slots=True)
class PageShareFact:
    """A fact about the site counted over its indexable pages: "on N of M pages".

    The report once said "Structured data: None found" because only the home page was read;
    a site-level fact says what it is about. ``tone``: "yes" on every page, "no" on none,
    "partly" in between.
    """

    key: str
    label: str
    text: str
    tone: str
    count: int
    of: int
    detail: str = ""


def _on_pages(count: int, of: int) -> tuple[str, str]:
    if not of:
        return _("No indexable pages were crawled"), "none"
    if count == of:
        text = ngettext("On the %(of)s indexable page", "On all %(of)s indexable pages", of)
        return text % {"of": of}, "yes"
    if not count:
        text = ngettext(
            "None found on the %(of)s indexable page",
            "None found on the %(of)s indexable pages",
            of,
        )
        return text % {"of": of}, "no"
    text = ngettext(
        "On %(count)s of %(of)s indexable page", "On %(count)s of %(of)s indexable pages", of
    )
    return text % {"count": count, "of": of}, "partly"


def site_page_facts(*, scan: SEOScan) -> list[PageShareFact]:
    """Structured data, HTTPS and image alt texts over the audit's indexable pages (error
    pages and redirects are not the site's content). One query, a few small columns a page."""
    totals: Counter[str] = Counter()
    types: Counter[str] = Counter()
    rows = (
        PageResult.objects.filter(scan=scan, indexable=True)
        .order_by()
        .values_list(Left("url", 8), "jsonld_types", "images_total", "images_without_alt")
    )
    for scheme, page_types, images, without_alt in rows.iterator(chunk_size=2000):
        totals["pages"] += 1
        totals["https"] += scheme == "https://"
        totals["structured"] += bool(page_types)
        types.update({str(name) for name in page_types or ()})
        totals["images"] += images
        totals["without_alt"] += without_alt
        totals["missing_alt_pages"] += without_alt > 0
    of = totals["pages"]
    structured_text, structured_tone = _on_pages(totals["structured"], of)
    https_text, https_tone = _on_pages(totals["https"], of)
    # Alt texts: the pages with an image that has none, and how many images those are.
    missing_text, _tone = _on_pages(totals["missing_alt_pages"], of)
    return [
        PageShareFact(
            key="structured_data",
            label=_("Structured data (JSON-LD)"),
            text=structured_text,
            tone=structured_tone,
            count=totals["structured"],
            of=of,
            detail=", ".join(name for name, _n in types.most_common(STRUCTURED_DATA_TYPES_SHOWN)),
        ),
        PageShareFact(
            key="https",
            label=_("Served over HTTPS"),
            text=https_text,
            tone=https_tone,
            count=totals["https"],
            of=of,
        ),
        PageShareFact(
            key="images_without_alt",
            label=_("Images without alt text"),
            text=missing_text,
            # Here a page with the fact is a page with a problem: one is one too many.
            tone="none" if not of else ("no" if totals["missing_alt_pages"] else "yes"),
            count=totals["missing_alt_pages"],
            of=of,
            detail=ngettext(
                "%(count)s of %(total)s image", "%(count)s of %(total)s images", totals["images"]
            )
            % {"count": totals["without_alt"], "total": totals["images"]},
        ),
    ]


# -- history and comparison -------------------------------------------------------------------
def score_history(*, website: Website, limit: int = HISTORY_POINTS) -> list[dict]:
    """The last ``limit`` completed audits with a score, oldest first (one query)."""
    rows = list(
        SEOReport.objects.filter(scan__website=website, scan__status=SEOScan.Status.COMPLETED)
        .order_by("-scan__completed_at", "-scan_id")
        .values("scan_id", "overall_score", completed_at=F("scan__completed_at"))[:limit]
    )
    rows.reverse()
    return rows


def completed_scans(*, website: Website) -> QuerySet[SEOScan]:
    """The website's completed audits, newest first, with their score."""
    return (
        SEOScan.objects.filter(website=website, status=SEOScan.Status.COMPLETED)
        .annotate(score=F("report__overall_score"))
        .order_by("-completed_at", "-pk")
    )


@dataclass
class ComparedCheck(Labelled):
    check_id: str
    title: str
    severity: str
    category: str
    site_wide: bool
    urls: list[str]
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.urls)


def _natural_key(text: str) -> list:
    """Sorts /teak-2 before /teak-10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _group_compared(items: list[ComparedFinding], language: str) -> list[ComparedCheck]:
    by_check: dict[str, list[ComparedFinding]] = defaultdict(list)
    for item in items:
        by_check[item.check_id].append(item)
    groups = []
    for check_id, found in by_check.items():
        urls = sorted((item.url for item in found if item.url), key=_natural_key)
        groups.append(
            ComparedCheck(
                check_id=check_id,
                title=check_text(check_id, "failure_title", language),
                severity=found[0].severity,
                category=found[0].category,
                site_wide=any(item.url is None for item in found),
                urls=urls[:COMPARE_URLS_SHOWN],
                count=len(found),
            )
        )
    # As the ranking does: ties broken by id, so English and Dutch list them alike.
    groups.sort(key=lambda group: (severity_rank(group.severity), -group.count, group.check_id))
    return groups


@dataclass
class WebsiteComparison:
    comparison: Comparison
    new: list[ComparedCheck]
    fixed: list[ComparedCheck]
    unchanged: list[ComparedCheck]
    categories: list[dict]
    # How the two audits differ, in words: {"name", "label", "old", "new"}.
    differences: list[dict] = field(default_factory=list)
    # When their settings differ: the audit closest in time with the later one's settings.
    closest: SEOScan | None = None


DIFFERENCE_LABELS = {
    "max_pages": gettext_lazy("Page limit"),
    "max_depth": gettext_lazy("Depth limit"),
    "render_js": gettext_lazy("JavaScript rendering"),
    "pages_crawled": gettext_lazy("Pages audited"),
}


def _difference_value(value: Any) -> str:
    if isinstance(value, bool):
        return _("On") if value else _("Off")
    return str(value)


def _difference_rows(differences: list[ScanDifference]) -> list[dict]:
    return [
        {
            "name": item.name,
            "label": str(DIFFERENCE_LABELS[item.name]),
            "old": _difference_value(item.old),
            "new": _difference_value(item.new),
        }
        for item in differences
    ]


def closest_comparable_scan(*, website: Website, scan: SEOScan) -> SEOScan | None:
    """The website's completed audit with the same settings as ``scan`` (COMPARED_SETTINGS),
    the closest before it, else the closest after it; None when there is none."""
    same = (
        completed_scans(website=website)
        .filter(**{name: getattr(scan, name) for name in COMPARED_SETTINGS})
        .exclude(pk=scan.pk)
    )
    if scan.completed_at is None:
        return same.first()
    return (
        same.filter(completed_at__lte=scan.completed_at).first()
        or same.order_by("completed_at", "pk").first()
    )


def comparison_pair(
    *, website: Website, old_id: int | None, new_id: int | None
) -> tuple[SEOScan, SEOScan] | None:
    """The two completed audits to compare: the ones asked for (SEOScan.DoesNotExist when
    either is not a completed audit of ``website``), by default the latest two; the older
    one first. None when the website has fewer than two completed audits."""
    scans = completed_scans(website=website).select_related("website")
    new = scans.first() if new_id is None else scans.get(pk=new_id)
    if new is None:
        return None
    if old_id is None:
        old = (
            scans.filter(completed_at__lt=new.completed_at).first()
            or scans.exclude(pk=new.pk).first()
        )
    else:
        old = scans.get(pk=old_id)
    if old is None:
        return None
    if (old.completed_at, old.pk) > (new.completed_at, new.pk):
        old, new = new, old
    return old, new


def website_comparison(*, old: SEOScan, new: SEOScan, language: str) -> WebsiteComparison:
    """What changed between two audits, grouped by check, with score deltas per category."""
    comparison = scan_compare(old=old, new=new)
    closest = None
    if comparison.settings_differ:
        closest = closest_comparable_scan(website=new.website, scan=new)
    return WebsiteComparison(
        comparison=comparison,
        new=_group_compared(comparison.new_findings, language),
        fixed=_group_compared(comparison.fixed_findings, language),
        unchanged=_group_compared(comparison.unchanged_findings, language),
        categories=[
            {
                "key": key,
                "label": category_label(key),
                "old": comparison.old_category_scores.get(key),
                "new": comparison.new_category_scores.get(key),
                "delta": comparison.category_deltas.get(key),
            }
            for key in categories_in_order(comparison.category_deltas)
        ],
        differences=_difference_rows(comparison.differences),
        closest=closest,
    )
