"""Comparing two audits: findings matched by check and page URL, score deltas, few queries."""

import pytest

from audits.models import SEOScan, Website
from audits.selectors.comparison import FindingKey, scan_compare

from .conftest import SITE

pytestmark = pytest.mark.django_db


def keys(findings) -> set[tuple[str, str | None]]:
    return {(item.check_id, item.url and item.url.removeprefix(SITE)) for item in findings}


def test_scan_compare_sorts_findings_into_new_fixed_and_unchanged(make_scan):
    old = make_scan(
        pages=["/", "/about", "/blog"],
        findings=[
            ("missing-h1", "/about"),  # stays
            ("title-too-long", "/"),  # fixed
            ("image-alt", "/blog"),  # fixed on /blog, appears on /about
            ("sitemap-missing", None),  # site-wide, stays
            ("robots-txt-missing", None),  # site-wide, fixed
        ],
        score=60,
        categories={"onpage": 50, "technical": 70, "content": 80, "performance": None},
    )
    new = make_scan(
        pages=["/", "/about", "/blog", "/new-page"],
        findings=[
            ("missing-h1", "/about"),
            # The same problem reported twice on a page counts once.
            ("missing-h1", "/about", "second detail"),
            ("image-alt", "/about"),
            ("meta-description", "/new-page"),
            ("sitemap-missing", None),
        ],
        score=74,
        categories={"onpage": 65, "technical": 68, "content": 80, "performance": None},
    )

    comparison = scan_compare(old=old, new=new)

    assert keys(comparison.new_findings) == {
        ("image-alt", "/about"),
        ("meta-description", "/new-page"),
    }
    assert keys(comparison.fixed_findings) == {
        ("title-too-long", "/"),
        ("image-alt", "/blog"),
        ("robots-txt-missing", None),
    }
    assert keys(comparison.unchanged_findings) == {
        ("missing-h1", "/about"),
        ("sitemap-missing", None),
    }
    assert comparison.counts == {"new": 2, "fixed": 3, "unchanged": 2}
    assert (comparison.old_score, comparison.new_score, comparison.score_delta) == (60, 74, 14)
    assert comparison.category_deltas == {
        "onpage": 15,
        "technical": -2,
        "content": 0,
        "performance": None,
    }


def test_pages_are_matched_by_url_not_by_row(make_scan):
    old = make_scan(pages=["/a", "/b"], findings=[("missing-h1", "/a")])
    new = make_scan(pages=["/b", "/a"], findings=[("missing-h1", "/b")])

    comparison = scan_compare(old=old, new=new)

    assert keys(comparison.fixed_findings) == {("missing-h1", "/a")}
    assert keys(comparison.new_findings) == {("missing-h1", "/b")}
    assert not comparison.unchanged_findings


def test_by_check_summarises_changes_most_severe_first(make_scan):
    old = make_scan(
        pages=["/a", "/b", "/c"],
        findings=[("missing-h1", "/a"), ("missing-h1", "/b"), ("http-status-code", "/c")],
    )
    new = make_scan(
        pages=["/a", "/b", "/c"],
        findings=[("missing-h1", "/a"), ("missing-h1", "/c"), ("http-status-code", "/c")],
    )

    rows = scan_compare(old=old, new=new).by_check()

    assert [(r.check_id, r.new, r.fixed, r.unchanged) for r in rows] == [
        ("http-status-code", 0, 0, 1),
        ("missing-h1", 1, 1, 1),
    ]
    assert rows[0].severity == "critical"


def test_audits_without_reports_have_no_score_delta(make_scan):
    old = make_scan(pages=["/"], findings=[("missing-h1", "/")])
    new = make_scan(pages=["/"], findings=[], score=90, categories={"onpage": 90})

    comparison = scan_compare(old=old, new=new)

    assert comparison.old_score is None and comparison.new_score == 90
    assert comparison.score_delta is None
    assert comparison.category_deltas == {"onpage": None}
    assert keys(comparison.fixed_findings) == {("missing-h1", "/")}


def test_audits_of_two_websites_cannot_be_compared(make_scan, customer):
    old = make_scan(pages=["/"])
    other = Website.objects.create(user=customer, url="https://other.example/", name="Other")
    new = SEOScan.objects.create(website=other, user=customer, url=other.url)

    with pytest.raises(ValueError, match="same website"):
        scan_compare(old=old, new=new)


@pytest.mark.parametrize("size", [3, 60])
def test_query_count_does_not_grow_with_the_audits(make_scan, size, django_assert_max_num_queries):
    paths = [f"/page-{i}" for i in range(size)]
    findings = [("missing-h1", path) for path in paths] + [("image-alt", p) for p in paths[::2]]
    old = make_scan(pages=paths, findings=findings, score=50, categories={"onpage": 50})
    new = make_scan(
        pages=paths, findings=findings[size // 2 :], score=60, categories={"onpage": 60}
    )

    with django_assert_max_num_queries(4):
        comparison = scan_compare(old=old, new=new)
        comparison.by_check()

    assert len(comparison.fixed_findings) == size // 2
    assert FindingKey("missing-h1", f"{SITE}/page-{size - 1}") in {
        FindingKey(item.check_id, item.url) for item in comparison.unchanged_findings
    }
