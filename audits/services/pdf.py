"""The PDF report of an audit, rendered with WeasyPrint in the customer's language.

Layout (templates/reports/pdf.html, static/css/report-pdf.css): a cover with the site, the
audit date and the overall score; a score summary with the category bars and the severity
donut; the top recommendations with why and how to fix; the findings grouped by category with
sample URLs; and an appendix of the crawled pages (the first ``APPENDIX_LIMIT``).

Where PDFs live:

* ``SEOReport.pdf_file`` holds one PDF, in the owner's preferred language, written through
  Django's default storage (Cloudinary or disk) by :func:`report_pdf_store`, normally from the
  Celery task ``audits.tasks.render_report_pdf`` (:func:`report_pdf_prepare`) when an audit
  completes.
* Any other language is rendered on demand by :func:`report_pdf_bytes` and kept in the cache,
  keyed by the report's last change, so a rewritten report never serves a stale PDF.

A PDF is fresh while ``pdf_generated_at`` is not older than ``SEOReport.modified``; storing a
PDF leaves ``modified`` alone for that reason.
"""

from __future__ import annotations

import functools
import logging
import re
import zoneinfo
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from audits.charts import category_bars_svg, score_band, score_gauge_svg, severity_donut_svg
from audits.models import PageResult, SEOReport, SEOScan
from audits.selectors.reports import (
    CheckGroup,
    category_rows,
    check_groups,
    report_recommendation_items,
    site_page_facts,
    urls_not_crawled,
)
from audits.vocabulary import Severity, categories_in_order, category_label
from vivaseo_site.core.timezones import zone_named

logger = logging.getLogger(__name__)

APPENDIX_LIMIT = 500
TOP_RECOMMENDATIONS = 10
SAMPLE_URLS = 10
CACHE_SECONDS = 7 * 24 * 3600
STYLESHEET = "css/report-pdf.css"
LOGO = "img/logo.svg"


# -- what the template shows ---------------------------------------------------------------
def _findings_by_category(
    scan: SEOScan, language: str, category_rows: list[dict]
) -> tuple[list[dict], dict[str, int]]:
    """[{key, label, score, band, checks: [CheckGroup]}] and the finding count per severity.

    Each category lists its checks in the one ranking (audits.selectors.ranking), as the
    dashboard does.
    """
    overview = check_groups(scan=scan, language=language, sample_limit=SAMPLE_URLS)
    severities = dict.fromkeys(Severity.values, 0)
    grouped: dict[str, list[CheckGroup]] = {}
    for group in overview.groups:
        severities[group.severity] = severities.get(group.severity, 0) + group.findings
        grouped.setdefault(group.category, []).append(group)
    rows = {row["key"]: row for row in category_rows}
    unscored = {"score": None, "band": ""}
    categories = [
        rows.get(key, {"key": key, "label": category_label(key)} | unscored)
        | {"checks": grouped[key]}
        for key in categories_in_order(grouped)
    ]
    return categories, severities


def _recommendations(report: SEOReport, language: str) -> list[dict]:
    """The stored recommendations (in the ranking's order), with three example URLs each."""
    return [
        item | {"sample_urls": list(dict.fromkeys(item.get("sample_urls") or []))[:3]}
        for item in report_recommendation_items(report, language=language)[:TOP_RECOMMENDATIONS]
    ]


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
    return zone_named(getattr(configuration, "timezone", None), default=settings.TIME_ZONE)


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


@functools.cache
def _logo_svg() -> str:
    path = finders.find(LOGO)
    return Path(path).read_text(encoding="utf-8") if path else ""


def report_pdf_context(
    *, scan: SEOScan, language: str, report: SEOReport | None = None
) -> dict[str, Any]:
    """Everything the PDF template shows (call inside ``override(language)``); ``report``
    is the audit's, read here unless the caller has it."""
    report = report or SEOReport.objects.get(scan=scan)
    website = scan.website
    scores = [row | {"band": score_band(row["score"])} for row in category_rows(report)]
    categories, severities = _findings_by_category(scan, language, scores)
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
        "category_rows": scores,
        "category_bars": category_bars_svg(rows=scores, width=330),
        "severity_donut": severity_donut_svg(counts=severities, size=124),
        "critical_findings": severities[Severity.CRITICAL],
        "findings_total": sum(severities.values()),
        "checks_failed": checks_failed,
        "pages_total": pages_total,
        "indexable_pages": summary.get("indexable_pages"),
        "urls_not_crawled": urls_not_crawled(report),
        "page_facts": site_page_facts(scan=scan),
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
    # WeasyPrint (pango, fontconfig) loads on the first render, not in every web process.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.lru_cache(maxsize=1)
def _stylesheet(path: str, mtime: float):
    from weasyprint import CSS  # loaded on first render, as in _font_config

    return CSS(filename=path, font_config=_font_config())


def _url_fetcher():
    """Only data: URLs: the report embeds what it shows and never fetches, whatever a page
    title or site name says (no requests to internal addresses from the worker).

    A new one per render: a fetcher keeps per-request state.
    """
    from weasyprint.urls import URLFetcher  # loaded on first render, as in _font_config

    return URLFetcher(allowed_protocols=("data",), allow_redirects=False)


def report_pdf_html(*, scan: SEOScan, language: str, report: SEOReport | None = None) -> str:
    with override(language), timezone.override(_user_timezone(scan)):
        return render_to_string(
            "reports/pdf.html", report_pdf_context(scan=scan, language=language, report=report)
        )


def report_pdf_render(*, scan: SEOScan, language: str, report: SEOReport | None = None) -> bytes:
    """The PDF report of a completed audit (it must have a report) in ``language``."""
    from weasyprint import HTML  # loaded on first render, as in _font_config

    html = report_pdf_html(scan=scan, language=language, report=report)
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


def report_pdf_store(*, scan: SEOScan, language: str, report: SEOReport | None = None) -> SEOReport:
    """Render the PDF and keep it in ``SEOReport.pdf_file``, replacing the one there
    (``report``: the audit's, read here unless the caller has it). Raises
    SEOReport.DoesNotExist when the audit was deleted while its PDF rendered."""
    report = report or SEOReport.objects.get(scan=scan)
    content = report_pdf_render(scan=scan, language=language, report=report)
    if report.pdf_file:
        # Otherwise the storage keeps the old file and gives the new one a random suffix.
        report.pdf_file.delete(save=False)
    name = report.pdf_file.field.generate_filename(report, f"{scan.pk}-{language}.pdf")
    # A file left under this audit's name (a restored database, a failed delete) is an orphan.
    report.pdf_file.storage.delete(name)
    report.pdf_file.save(name.rsplit("/", 1)[-1], ContentFile(content), save=False)
    report.pdf_generated_at = timezone.now()
    # Not `modified`: the PDF stays fresh only while the report does not change after it.
    # An update, not save(): the audit may have been deleted while the PDF rendered, and
    # then no row is left to update and the file just written is an orphan.
    stored = SEOReport.objects.filter(pk=report.pk).update(
        pdf_file=report.pdf_file.name, pdf_generated_at=report.pdf_generated_at
    )
    if not stored:
        report.pdf_file.delete(save=False)
        raise SEOReport.DoesNotExist(f"The report of audit {scan.pk} was deleted.")
    return report


def report_pdf_cache_key(report: SEOReport, language: str) -> str:
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
    key = report_pdf_cache_key(report, language)
    content = cache.get(key)
    if content is None:
        content = report_pdf_render(scan=scan, language=language, report=report)
        cache.set(key, content, CACHE_SECONDS)
    return content


def report_pdf_warm_cache(*, scan: SEOScan, language: str, report: SEOReport | None = None) -> bool:
    """Render ``language`` into the cache unless it is there; True when it rendered."""
    report = report or SEOReport.objects.get(scan=scan)
    key = report_pdf_cache_key(report, language)
    if cache.get(key) is not None:
        return False
    content = report_pdf_render(scan=scan, language=language, report=report)
    cache.set(key, content, CACHE_SECONDS)
    return True


def report_pdf_prepare(*, scan_id: int, language: str) -> str:
    """Make the PDF of audit ``scan_id`` in ``language`` ready for its downloads, once.

    The owner's language goes into ``SEOReport.pdf_file``; any other language is rendered
    into the cache (report_pdf_bytes renders it on demand otherwise). Running it twice does
    the work once: a language whose PDF is newer than the report is skipped. Returns what it
    did, for logs and tests.
    """
    scan = SEOScan.objects.select_related("user", "website").filter(pk=scan_id).first()
    report = SEOReport.objects.filter(scan_id=scan_id).first()
    if scan is None or report is None:
        logger.info("No report for audit %s: no PDF to render.", scan_id)
        return "no-report"
    try:
        if language == scan.user.preferred_language:
            if report_pdf_is_fresh(report=report, language=language):
                return "fresh"
            report_pdf_store(scan=scan, language=language, report=report)
            return "stored"
        warmed = report_pdf_warm_cache(scan=scan, language=language, report=report)
        return "cached" if warmed else "fresh"
    except SEOReport.DoesNotExist:
        # The audit or the account was deleted while the PDF rendered: nothing left to keep.
        logger.info("Audit %s was deleted while its PDF rendered.", scan_id)
        return "no-report"
