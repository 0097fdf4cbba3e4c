"""The PDF report of an audit, rendered with WeasyPrint in the customer's language.

Layout (templates/reports/pdf.html, static/css/report-pdf.css): a cover with the site, the
audit date and the overall score; a score summary with the category bars and the severity
donut; the top recommendations with why and how to fix; the findings grouped by category with
sample URLs; and an appendix of the crawled pages (the first ``APPENDIX_LIMIT``).

Where PDFs live:

* ``SEOReport.pdf_file`` holds one PDF, in the owner's preferred language, written through
  Django's default storage (Cloudinary or disk) by :func:`report_pdf_store`, normally from the
  Celery task ``audits.pdf_tasks.render_report_pdf`` when an audit completes.
* Any other language is rendered on demand by :func:`report_pdf_bytes` and kept in the cache,
  keyed by the report's last change, so a rewritten report never serves a stale PDF.

A PDF is fresh while ``pdf_generated_at`` is not older than ``SEOReport.modified``; storing a
PDF leaves ``modified`` alone for that reason.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from .charts import (
    CATEGORY_LABELS,
    SEVERITY_ORDER,
    category_bars_svg,
    category_label,
    score_band,
    score_gauge_svg,
    score_value,
    severity_donut_svg,
    severity_label,
)
from .exports import check_title
from .models import Finding, PageResult, SEOReport, SEOScan

APPENDIX_LIMIT = 500
TOP_RECOMMENDATIONS = 10
SAMPLE_URLS = 10
CACHE_SECONDS = 7 * 24 * 3600
STYLESHEET = "css/report-pdf.css"
LOGO = "img/logo.svg"


# -- what the template shows ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CheckSummary:
    check_id: str
    title: str
    severity: str
    severity_label: str
    findings: int
    pages: int
    sample_urls: list[str]


def _severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def _sample_urls(scan: SEOScan) -> dict[str, list[str]]:
    """Up to SAMPLE_URLS distinct page URLs per check, shallowest pages first, in one query."""
    ranked = (
        Finding.objects.filter(scan=scan, page__isnull=False)
        .values("check_id", "page_id")
        .annotate(
            url=F("page__url"),
            rank=Window(
                RowNumber(),
                partition_by=[F("check_id")],
                order_by=[F("page__depth").asc(nulls_last=True), F("page__url").asc()],
            ),
        )
        .order_by()
    )
    samples: dict[str, list[str]] = defaultdict(list)
    # A check may report one page several times (once per broken link): ask for enough rows
    # that de-duplicating still leaves SAMPLE_URLS for all but pathological checks.
    for check_id, url in ranked.filter(rank__lte=SAMPLE_URLS * 4).values_list("check_id", "url"):
        urls = samples[check_id]
        if len(urls) < SAMPLE_URLS and url not in urls:
            urls.append(url)
    return samples


def _findings_by_category(
    scan: SEOScan, language: str, category_scores: dict[str, int | None]
) -> tuple[list[dict], dict[str, int]]:
    """[{key, label, score, band, checks: [CheckSummary]}] and the finding count per severity."""
    rows = (
        Finding.objects.filter(scan=scan)
        .values("category", "check_id", "severity")
        .annotate(findings=Count("id"), pages=Count("page", distinct=True))
        .order_by()
    )
    samples = _sample_urls(scan)
    severities: dict[str, int] = dict.fromkeys(SEVERITY_ORDER, 0)
    grouped: dict[str, dict[str, CheckSummary]] = defaultdict(dict)
    for row in rows:
        severities[row["severity"]] = severities.get(row["severity"], 0) + row["findings"]
        check_id, category = row["check_id"], row["category"]
        known = grouped[category].get(check_id)
        if known is not None:
            # One check reported with two severities: list it once, at the worse one.
            row["findings"] += known.findings
            row["pages"] = max(row["pages"], known.pages)
            if _severity_rank(known.severity) < _severity_rank(row["severity"]):
                row["severity"] = known.severity
        grouped[category][check_id] = CheckSummary(
            check_id=check_id,
            title=check_title(check_id, language),
            severity=row["severity"],
            severity_label=severity_label(row["severity"]),
            findings=row["findings"],
            pages=row["pages"],
            sample_urls=samples.get(check_id, []),
        )
    order = [key for key in CATEGORY_LABELS if key in grouped] + sorted(
        key for key in grouped if key not in CATEGORY_LABELS
    )
    categories = []
    for key in order:
        checks = sorted(
            grouped[key].values(),
            key=lambda item: (
                _severity_rank(item.severity),
                -item.pages,
                -item.findings,
                item.title,
            ),
        )
        score = category_scores.get(key)
        categories.append(
            {
                "key": key,
                "label": category_label(key),
                "score": score,
                "band": score_band(score),
                "checks": checks,
            }
        )
    return categories, severities


def _recommendations(report: SEOReport, language: str) -> list[dict]:
    stored = report.recommendations or {}
    # {"en": [...], "nl": [...]}; a plain list is from before recommendations had languages.
    items = (stored.get(language) or stored.get("en") or []) if isinstance(stored, dict) else stored
    recommendations = []
    for item in items[:TOP_RECOMMENDATIONS]:
        severity = item.get("severity") or ""
        recommendations.append(
            {
                **item,
                "title": item.get("title") or check_title(item.get("check") or "", language),
                "severity_label": severity_label(severity) if severity else "",
                "category_label": category_label(item["category"]) if item.get("category") else "",
                "sample_urls": list(dict.fromkeys(item.get("sample_urls") or []))[:3],
            }
        )
    return recommendations


def _appendix(scan: SEOScan) -> list[tuple]:
    return list(
        PageResult.objects.filter(scan=scan)
        .annotate(findings_count=Count("findings"))
        .order_by(F("depth").asc(nulls_last=True), "id")
        .values_list("url", "status_code", "error", "title", "word_count", "findings_count")[
            :APPENDIX_LIMIT
        ]
    )


def _user_timezone(scan: SEOScan) -> zoneinfo.ZoneInfo:
    configuration = getattr(scan.user, "scan_configuration", None)
    name = getattr(configuration, "timezone", None) or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _css_string(text: str) -> str:
    """A double-quoted CSS string; "<" escaped so it cannot close the <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return '"' + escaped.replace("<", "\\3c ") + '"'


def _page_counter_content() -> str:
    """The CSS ``content`` of the "Page X of Y" footer, in the active language's word order."""
    text = _("Page %(page)s of %(pages)s")
    parts = re.split(r"(%\((?:page|pages)\)s)", text)
    tokens = []
    for part in parts:
        if part == "%(page)s":
            tokens.append("counter(page)")
        elif part == "%(pages)s":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(_css_string(part))
    return " ".join(tokens)


def _ordered_categories(scores: dict[str, int | None]) -> dict[str, int | None]:
    """Every known category (None when not scored) in the usual order, then any others."""
    return {key: scores.get(key) for key in CATEGORY_LABELS} | {
        key: value for key, value in scores.items() if key not in CATEGORY_LABELS
    }


@functools.cache
def _logo_svg() -> str:
    path = finders.find(LOGO)
    return Path(path).read_text(encoding="utf-8") if path else ""


def report_pdf_context(*, scan: SEOScan, language: str) -> dict[str, Any]:
    """Everything the PDF template shows (call inside ``override(language)``)."""
    report = SEOReport.objects.get(scan=scan)
    website = scan.website
    category_scores = {
        key: score_value(value) for key, value in (report.category_scores or {}).items()
    }
    categories, severities = _findings_by_category(scan, language, category_scores)
    summary = report.summary or {}
    pages_total = summary.get("pages")
    if pages_total is None:
        pages_total = PageResult.objects.filter(scan=scan).count()
    appendix = _appendix(scan)
    checks_failed = sum(len(category["checks"]) for category in categories)
    overall = report.overall_score
    return {
        "language": language,
        "scan": scan,
        "report": report,
        "website": website,
        "site_name": website.name or website.url,
        "site_url": scan.url or website.url,
        "audit_date": scan.completed_at or report.created,
        "generated_at": timezone.now(),
        "owner_name": scan.user.get_full_name(),
        "overall_score": overall,
        "overall_band": score_band(overall),
        "logo_svg": _logo_svg(),
        "gauge_cover": score_gauge_svg(score=overall, size=210),
        "category_rows": [
            {"key": key, "label": category_label(key), "score": score, "band": score_band(score)}
            for key, score in _ordered_categories(category_scores).items()
        ],
        "category_bars": category_bars_svg(
            scores=_ordered_categories(category_scores),
            labels=CATEGORY_LABELS,
            width=330,
        ),
        "severity_donut": severity_donut_svg(counts=severities, size=124),
        "severities": [
            {"key": key, "label": severity_label(key), "count": severities.get(key, 0)}
            for key in SEVERITY_ORDER
        ],
        "findings_total": sum(severities.values()),
        "checks_failed": checks_failed,
        "pages_total": pages_total,
        "indexable_pages": summary.get("indexable_pages"),
        "recommendations": _recommendations(report, language),
        "categories": categories,
        "appendix": appendix,
        "appendix_capped": pages_total > len(appendix),
        "appendix_limit": APPENDIX_LIMIT,
        "sample_limit": SAMPLE_URLS,
        "page_counter_content": _page_counter_content(),
    }


# -- rendering -------------------------------------------------------------------------------
@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.lru_cache(maxsize=1)
def _stylesheet(path: str, mtime: float):
    from weasyprint import CSS

    return CSS(filename=path, font_config=_font_config())


def _url_fetcher():
    """Only data: URLs: the report embeds what it shows and never fetches, whatever a page
    title or site name says (no requests to internal addresses from the worker).

    A new one per render: a fetcher keeps per-request state.
    """
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",), allow_redirects=False)


def report_pdf_html(*, scan: SEOScan, language: str) -> str:
    with override(language), timezone.override(_user_timezone(scan)):
        return render_to_string(
            "reports/pdf.html", report_pdf_context(scan=scan, language=language)
        )


def report_pdf_render(*, scan: SEOScan, language: str) -> bytes:
    """The PDF report of a completed audit (it must have a report) in ``language``."""
    from weasyprint import HTML

    html = report_pdf_html(scan=scan, language=language)
    path = finders.find(STYLESHEET)
    stylesheet = _stylesheet(path, Path(path).stat().st_mtime)
    document = HTML(string=html, url_fetcher=_url_fetcher(), base_url=str(settings.BASE_DIR))
    return document.write_pdf(stylesheets=[stylesheet], font_config=_font_config())


# -- storing and serving ---------------------------------------------------------------------
def _stored_language(report: SEOReport) -> str | None:
    """The language of the PDF in ``pdf_file`` (its name is ``<scan id>-<language>.pdf``)."""
    if not report.pdf_file:
        return None
    # The storage may have added a suffix ("12-en_a1B2c3d.pdf") when the name was taken.
    name = Path(report.pdf_file.name).name
    match = re.fullmatch(rf"{report.scan_id}-([a-z]{{2}})(?:_\w+)?\.pdf", name)
    return match.group(1) if match else None


def report_pdf_is_fresh(*, report: SEOReport, language: str) -> bool:
    """True when ``pdf_file`` holds a PDF in ``language`` made after the report last changed."""
    return (
        _stored_language(report) == language
        and report.pdf_generated_at is not None
        and report.pdf_generated_at >= report.modified
    )


def report_pdf_store(*, scan: SEOScan, language: str) -> SEOReport:
    """Render the PDF and keep it in ``SEOReport.pdf_file``, replacing the one there."""
    content = report_pdf_render(scan=scan, language=language)
    report = SEOReport.objects.get(scan=scan)
    if report.pdf_file:
        # Otherwise the storage keeps the old file and gives the new one a random suffix.
        report.pdf_file.delete(save=False)
    report.pdf_file.save(f"{scan.pk}-{language}.pdf", ContentFile(content), save=False)
    report.pdf_generated_at = timezone.now()
    # Not `modified`: the PDF stays fresh only while the report does not change after it.
    report.save(update_fields=["pdf_file", "pdf_generated_at"])
    return report


def _cache_key(report: SEOReport, language: str) -> str:
    return f"audits:report-pdf:{report.scan_id}:{language}:{report.modified.timestamp():.6f}"


def report_pdf_bytes(*, scan: SEOScan, language: str) -> bytes:
    """The PDF to send for a download: the stored one, the cached one, or a fresh render.

    A render for a language other than the stored one is cached, not stored.
    """
    report = SEOReport.objects.get(scan=scan)
    if report_pdf_is_fresh(report=report, language=language):
        try:
            with report.pdf_file.open("rb") as stored:
                return stored.read()
        except OSError:
            pass  # Lost from the storage: render it again below.
    key = _cache_key(report, language)
    content = cache.get(key)
    if content is None:
        content = report_pdf_render(scan=scan, language=language)
        cache.set(key, content, CACHE_SECONDS)
    return content


def report_pdf_warm_cache(*, scan: SEOScan, language: str) -> bool:
    """Render ``language`` into the cache unless it is there; True when it rendered."""
    report = SEOReport.objects.get(scan=scan)
    key = _cache_key(report, language)
    if cache.get(key) is not None:
        return False
    cache.set(key, report_pdf_render(scan=scan, language=language), CACHE_SECONDS)
    return True
