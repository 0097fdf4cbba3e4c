"""Audits with known rows for the report modules (charts, comparison, exports, PDF)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.translation import trans_real

from audits.models import Finding, PageResult, SEOReport, SEOScan, Website

NL_STRINGS = Path(__file__).with_name("nl_strings.json")
SITE = "https://shop.example.nl"


@pytest.fixture
def customer(make_user):
    return make_user(email="owner@example.com", first_name="Olivia", last_name="Jansen")


@pytest.fixture
def website(customer):
    return Website.objects.create(user=customer, url=SITE + "/", name="Example Shop")


@pytest.fixture
def make_scan(customer, website):
    """A completed audit: ``pages`` are URL paths, ``findings`` (check id, path or None)."""

    def _make_scan(*, pages=(), findings=(), score=None, categories=None, **report_fields):
        scan = SEOScan.objects.create(
            website=website,
            user=customer,
            url=SITE + "/",
            status=SEOScan.Status.COMPLETED,
            progress=100,
            pages_crawled=len(pages),
            started_at=timezone.now(),
            completed_at=timezone.now(),
        )
        rows = {}
        for depth, path in enumerate(pages):
            rows[path] = PageResult.objects.create(
                scan=scan,
                url=SITE + path,
                final_url=SITE + path,
                status_code=404 if "gone" in path else 200,
                depth=min(depth, 3),
                title=f"Title of {path}",
                meta_description=f"About {path}",
                h1=[f"Heading {path}"],
                word_count=100 + depth,
                indexable=True,
                in_sitemap=depth % 2 == 0,
                inlinks=depth,
                ttfb_ms=120,
            )
        from audits.checks.registry import get_check

        for check_id, path, *detail in findings:
            check = get_check(check_id)
            Finding.objects.create(
                scan=scan,
                page=rows[path] if path else None,
                check_id=check_id,
                category=check.category,
                severity=check.severity,
                detail=detail[0] if detail else f"{check_id} detail",
            )
        if score is not None:
            SEOReport.objects.create(
                scan=scan,
                overall_score=score,
                category_scores=categories or {},
                **report_fields,
            )
        return scan

    return _make_scan


def _recommendation(check_id: str, *, pages: int, urls: list[str]) -> dict:
    """A recommendation as scoring.recommendations_build stores it (no texts)."""
    from audits.checks.registry import get_check

    check = get_check(check_id)
    return {
        "check": check.id,
        "severity": check.severity,
        "category": check.category,
        "pages_affected": pages,
        "priority": 1,
        "sample_urls": urls,
    }


@pytest.fixture
def full_audit(make_scan):
    """A small audit with a report, as the pipeline leaves it: for the PDF tests."""
    pages = ["/", "/about", "/products/teak-table", "/blog/garden-care", "/gone"]
    findings = [
        ("missing-h1", "/about"),
        ("missing-h1", "/blog/garden-care"),
        ("meta-description", "/products/teak-table"),
        ("title-too-long", "/"),
        ("title-too-long", "/about"),
        ("image-alt", "/blog/garden-care"),
        ("http-status-code", "/gone"),
        ("sitemap-missing", None),
    ]
    recommendations = [
        _recommendation("http-status-code", pages=1, urls=[SITE + "/gone"]),
        _recommendation("missing-h1", pages=2, urls=[SITE + "/about", SITE + "/blog/garden-care"]),
        _recommendation("sitemap-missing", pages=5, urls=[]),
    ]
    return make_scan(
        pages=pages,
        findings=findings,
        score=72,
        categories={
            "onpage": 64,
            "technical": 81,
            "content": 93,
            "links": 100,
            "social": 45,
            "performance": None,
        },
        recommendations=recommendations,
        summary={"pages": len(pages), "indexable_pages": 4},
        has_ssl=True,
        has_robots_txt=True,
    )


@pytest.fixture
def dutch_strings():
    """The Dutch of tests/reports/nl_strings.json in the active catalogue for one test.

    The lead merges these into locale/nl; until then this lets the tests see the PDF in
    Dutch. Entries go in front of the compiled catalogue and are taken out afterwards.
    """
    entries = {}
    for msgid, value in json.loads(NL_STRINGS.read_text(encoding="utf-8")).items():
        if isinstance(value, dict):
            for index, form in enumerate(value["msgstr"]):
                entries[(msgid, index)] = form
        else:
            entries[msgid] = value
    catalog = trans_real.translation("nl")._catalog
    catalog._catalogs.insert(0, entries)
    catalog._plurals.insert(0, lambda n: int(n != 1))
    yield entries
    index = next(i for i, known in enumerate(catalog._catalogs) if known is entries)
    del catalog._catalogs[index]
    del catalog._plurals[index]
