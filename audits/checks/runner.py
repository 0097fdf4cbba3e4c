"""Run the registered checks: page checks as each page is stored, site checks at the end.

``page_checks_run(page)`` runs every page check on a :class:`~audits.checks.page.CheckedPage`
(the facts of one page, no database) and returns one :class:`FindingResult` per failing check:
the crawl, the command line and the editor's preview all call it.

``run_page_checks(row, checked=...)`` turns those into unsaved :class:`~audits.models.Finding`
rows whose ``page`` is the (still unsaved) page object: bulk-create the pages first, then the
findings, and Django fills ``page_id`` from the page's new primary key. A finding's
``detail_items`` list what was found (at most :data:`MAX_DETAIL_ITEMS`), as message ids and
parameters that the reader's language renders (audits.details).

``run_site_checks(scan=..., site=...)`` runs every site check's queries, bulk-creates their
findings in batches and returns how many it created. It first drops the document findings of
a redirecting URL whose target was stored as a page of its own, so a page reached through a
redirect is not counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from django.db.models import Exists, OuterRef

from audits.checks.page import CheckedPage
from audits.checks.registry import Check, page_checks, site_checks
from audits.details import detail_item
from audits.models import Finding, PageResult, SEOScan

MAX_DETAIL_ITEMS: Final = 10
BATCH_SIZE: Final = 1000


@dataclass(frozen=True, slots=True)
class FindingResult:
    """One page check the page fails, and what was found (one item per problem)."""

    check: Check
    details: list[Any]  # str (a crawled value) or audits.details.Message/Parts

    @property
    def check_id(self) -> str:
        return self.check.id


def page_applicability(page: CheckedPage) -> dict[str, bool]:
    """Which ``applies_to`` groups a page belongs to (see ``registry.APPLIES_TO``)."""
    responded = page.status_code is not None
    # A page the parser gave up on has no facts to judge (page-too-complex says so).
    readable = responded and page.is_html and not page.facts.get("parse_error")
    return {"any": True, "response": responded, "indexable": readable and page.indexable}


@cache
def _page_checks() -> tuple[Check, ...]:
    return tuple(page_checks())


def page_checks_run(page: CheckedPage) -> list[FindingResult]:
    """Every page check ``page`` fails, in registry order. Needs no database."""
    applicable = page_applicability(page)
    results = []
    for check in _page_checks():
        if not applicable[check.applies_to]:
            continue
        details = check.evaluate(page)
        if details:
            results.append(FindingResult(check=check, details=details))
    return results


def run_page_checks(page: PageResult, *, checked: CheckedPage | None = None) -> list[Finding]:
    """Unsaved findings of ``page`` (a row) for every page check it fails.

    ``checked`` is the page the row was built from (storage.checked_page_build); without it the
    row's own values are checked.
    """
    if checked is None:
        checked = CheckedPage.from_row(page)
    return [
        _finding(result.check, scan_id=page.scan_id, page=page, details=result.details)
        for result in page_checks_run(checked)
    ]


def _finding(check: Check, *, scan_id: int, page: Any, details: list[Any]) -> Finding:
    # Message ids and parameters, not text: rendered in the reader's language (audits.details).
    items = [detail_item(detail) for detail in details[:MAX_DETAIL_ITEMS]]
    if len(details) > MAX_DETAIL_ITEMS:
        items.append({"text": f"(+{len(details) - MAX_DETAIL_ITEMS})"})
    finding = Finding(
        scan_id=scan_id,
        check_id=check.id,
        category=check.category,
        severity=check.severity,
        detail_items=items,
    )
    if isinstance(page, PageResult):
        finding.page = page
    else:
        finding.page_id = page
    return finding


def run_site_checks(*, scan: SEOScan, site: dict[str, Any]) -> int:
    """Run every site check over the stored rows; returns the number of findings created."""
    drop_redirect_duplicates(scan=scan)
    created = 0
    for check in site_checks():
        batch: list[Finding] = []
        for page_id, details in _grouped_by_page(check.evaluate(scan, site)):
            batch.append(_finding(check, scan_id=scan.pk, page=page_id, details=details))
            if len(batch) >= BATCH_SIZE:
                created += len(Finding.objects.bulk_create(batch))
                batch = []
        if batch:
            created += len(Finding.objects.bulk_create(batch))
    return created


def _grouped_by_page(
    rows: Iterable[tuple[int | None, Any]],
) -> Iterator[tuple[int | None, list[Any]]]:
    """Consecutive rows about the same page become one finding (queries order by page)."""
    current: int | None = None
    details: list[str] = []
    started = False
    for page_id, detail in rows:
        if started and page_id != current:
            yield current, details
            details = []
        current, started = page_id, True
        details.append(detail)
    if started:
        yield current, details


def drop_redirect_duplicates(*, scan: SEOScan) -> int:
    """Delete document findings of redirecting URLs whose target has a row of its own.

    A redirecting URL's row describes the document it led to; when that document's URL was
    crawled too, its findings are already on that row. Findings about the redirect itself
    (checks with ``per_url``) stay.
    """
    document_check_ids = [check.id for check in _page_checks() if not check.per_url]
    target_rows = PageResult.objects.filter(scan=scan, url_hash=OuterRef("page__final_url_hash"))
    deleted, _ = (
        Finding.objects.filter(
            scan=scan, page__redirect_count__gt=0, check_id__in=document_check_ids
        )
        .filter(Exists(target_rows))
        .delete()
    )
    return deleted
