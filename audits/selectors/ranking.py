"""The one answer to "which checks failed in this audit, most important first".

Scoring's recommendations (and so the overview and the email, which show them), the findings
tab, the pages filter, the PDF and the findings CSV all take their order from
:func:`scan_failing_checks`. The rule, explained in docs/scoring.md ("Ranking"), is:

1. severity, critical first (the order of :class:`audits.vocabulary.Severity`);
2. pages affected, most first; a finding about the whole site counts as every crawled URL;
3. the check's weight, highest first;
4. the check id, so that a tie never depends on the language a title is read in.

No texts here: each item carries its :class:`~audits.checks.registry.Check`, and the reader's
language picks the title, "why" and "how to fix" when the item is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import Count, Max, Min, Q, Subquery

from audits.checks.registry import Check, get_check
from audits.models import Finding, PageResult, SEOScan
from audits.vocabulary import Labelled, Severity, severity_rank, severity_rank_expression


@dataclass(frozen=True, slots=True)
class FailingCheck(Labelled):
    """One check with findings in an audit, and the numbers it is ranked by."""

    check_id: str
    # None when the check was removed from the registry after the audit ran.
    check: Check | None
    severity: str
    category: str
    findings: int
    pages: int
    site_wide: bool
    pages_affected: int
    priority: int = 0

    @property
    def weight(self) -> int:
        return self.check.weight if self.check else 0

    @property
    def lighthouse(self) -> bool:
        return bool(self.check and self.check.lighthouse)

    def text(self, name: str, language: str) -> str:
        return _text_of(self.check, self.check_id, name, language)


def _check_or_none(check_id: str) -> Check | None:
    try:
        return get_check(check_id)
    except KeyError:
        return None


def _text_of(check: Check | None, check_id: str, name: str, language: str) -> str:
    if check is None:
        # Removed since the audit ran: its findings keep their id, which names it.
        return check_id if name in ("title", "failure_title") else ""
    return check.text(name, language)


def check_text(check_id: str, name: str, language: str) -> str:
    """A text of a check (see Check.text) in ``language``, for a check that may have been
    removed from the registry since the audit ran."""
    return _text_of(_check_or_none(check_id), check_id, name, language)


def _rank(item: FailingCheck) -> tuple:
    return (severity_rank(item.severity), -item.pages_affected, -item.weight, item.check_id)


def scan_failing_checks(*, scan: SEOScan) -> list[FailingCheck]:
    """Every check with findings in ``scan``, ranked, ``priority`` counting from 1. One query.

    A check stored with two severities is listed once, at the worse one.
    """
    # Every crawled URL, for problems of the whole site; a subquery keeps this one query.
    crawled = (
        PageResult.objects.filter(scan_id=scan.pk)
        .order_by()
        .values("scan_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = (
        Finding.objects.filter(scan=scan)
        .order_by()
        .values("check_id")
        .annotate(
            findings=Count("id"),
            pages=Count("page", distinct=True),
            site_wide=Count("id", filter=Q(page__isnull=True)),
            worst=Min(severity_rank_expression()),
            stored_severity=Max("severity"),
            category=Max("category"),
            crawled=Subquery(crawled),
        )
    )
    known = len(Severity.values)
    items = [
        FailingCheck(
            check_id=row["check_id"],
            check=_check_or_none(row["check_id"]),
            severity=Severity.values[row["worst"]]
            if row["worst"] < known
            else row["stored_severity"],
            category=row["category"],
            findings=row["findings"],
            pages=row["pages"],
            site_wide=bool(row["site_wide"]),
            pages_affected=(row["crawled"] or 0) if row["site_wide"] else row["pages"],
        )
        for row in rows
    ]
    items.sort(key=_rank)
    return [replace(item, priority=priority) for priority, item in enumerate(items, start=1)]
