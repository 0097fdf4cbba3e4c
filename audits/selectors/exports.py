"""CSV exports of an audit's findings and pages, as CSV lines generated row by row.

A read: it yields text and knows nothing of HTTP (audits.views.report streams the lines).

The generators read the database in chunks (``.iterator(chunk_size=2000)``) and yield one CSV
line at a time, so a streamed response sends an audit of any size in constant memory.
The header row is plain UTF-8 without a byte-order mark.

Cells that start with ``= + - @`` (or a tab or carriage return) get a leading apostrophe:
page titles and URLs come from the audited site, and a spreadsheet would otherwise run them as
formulas (vivaseo_site.core.spreadsheets: the staff admin exports use the same rule).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Case, Count, When
from django.utils.translation import gettext as _
from django.utils.translation import override

from audits.details import details_render
from audits.models import Finding, PageResult, SEOScan
from audits.selectors.ranking import check_text, scan_failing_checks
from audits.vocabulary import Severity, category_label, severity_label
from vivaseo_site.core.spreadsheets import spreadsheet_cell

CHUNK_SIZE = 2000


class _Line:
    """A file-like object whose write() hands back the line csv.writer formatted."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Each row as one CSV line (RFC 4180 quoting, CRLF line ends)."""
    writer = csv.writer(_Line())
    for row in rows:
        yield writer.writerow([spreadsheet_cell(value) for value in row])


def check_title(check_id: str, language: str) -> str:
    """The check's failure title ("Page has no H1 heading") in the language, or its id."""
    return check_text(check_id, "failure_title", language)


def findings_csv(*, scan: SEOScan, language: str) -> Iterator[str]:
    """One line per finding: check id, check title, severity, category, URL, detail; checks
    in the one ranking (audits.selectors.ranking), as the dashboard and the PDF list them."""
    with override(language):
        header = [_("Check"), _("Issue"), _("Severity"), _("Category"), _("URL"), _("Detail")]
        site_wide = _("Whole site")
        severities = {key: severity_label(key) for key in Severity.values}
    titles: dict[str, str] = {}
    categories: dict[str, str] = {}

    def rows() -> Iterator[list[Any]]:
        yield header
        ranked = [item.check_id for item in scan_failing_checks(scan=scan)]
        findings = (
            Finding.objects.filter(scan=scan)
            .order_by(
                Case(
                    *(When(check_id=check_id, then=rank) for rank, check_id in enumerate(ranked)),
                    default=len(ranked),
                ),
                "page_id",
                "id",
            )
            .values_list("check_id", "severity", "category", "page__url", "detail_items")
            .iterator(chunk_size=CHUNK_SIZE)
        )
        for check_id, severity, category, url, items in findings:
            if check_id not in titles:
                titles[check_id] = check_title(check_id, language)
            if category not in categories:
                with override(language):
                    categories[category] = category_label(category)
            yield [
                check_id,
                titles[check_id],
                severities.get(severity, severity),
                categories[category],
                url or site_wide,
                details_render(items, language=language),
            ]

    return csv_lines(rows())


def pages_csv(*, scan: SEOScan, language: str = "en") -> Iterator[str]:
    """One line per crawled URL with its status (or fetch error) and headline facts."""
    with override(language):
        header = [
            _("URL"),
            _("Status"),
            _("Final URL"),
            _("Depth"),
            _("Title"),
            _("Meta description"),
            _("H1 count"),
            _("Words"),
            _("Indexable"),
            _("In sitemap"),
            _("Links in"),
            _("TTFB (ms)"),
            _("Findings"),
        ]
        yes, no = _("yes"), _("no")

    def rows() -> Iterator[list[Any]]:
        yield header
        pages = (
            PageResult.objects.filter(scan=scan)
            .annotate(findings_count=Count("findings"))
            .order_by("id")
            .values_list(
                "url",
                "status_code",
                "error",
                "final_url",
                "depth",
                "title",
                "meta_description",
                "h1",
                "word_count",
                "indexable",
                "in_sitemap",
                "inlinks",
                "ttfb_ms",
                "findings_count",
            )
            .iterator(chunk_size=CHUNK_SIZE)
        )
        for (
            url,
            status,
            error,
            final_url,
            depth,
            title,
            description,
            h1,
            words,
            indexable,
            in_sitemap,
            inlinks,
            ttfb_ms,
            findings_count,
        ) in pages:
            yield [
                url,
                error if status is None else status,
                final_url,
                "" if depth is None else depth,
                title or "",
                description or "",
                len(h1) if isinstance(h1, list) else 0,
                words,
                yes if indexable else no,
                yes if in_sitemap else no,
                inlinks,
                "" if ttfb_ms is None else ttfb_ms,
                findings_count,
            ]

    return csv_lines(rows())
