"""Comparing two audits: findings matched by check and page URL, score deltas, few queries."""

import pytest

from audits.models import PageResult, SEOScan, Website
from audits.selectors.comparison import FindingKey, PageOverlap, ScanDifference, scan_compare
from audits.selectors.reports import closest_comparable_scan, website_comparison

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

    # /new-page was crawled by the later audit only: its problem is not "new".
    assert keys(comparison.new_findings) == {("image-alt", "/about")}
    assert keys(comparison.fixed_findings) == {
        ("title-too-long", "/"),
        ("image-alt", "/blog"),
        ("robots-txt-missing", None),
    }
    assert keys(comparison.unchanged_findings) == {
        ("missing-h1", "/about"),
        ("sitemap-missing", None),
    }
    assert comparison.counts == {"new": 1, "fixed": 3, "unchanged": 2}
    assert comparison.pages == PageOverlap(compared=3, only_old=0, only_new=1)
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

    # Findings and report of each audit, and one count of the pages they share.
    with django_assert_max_num_queries(5):
        comparison = scan_compare(old=old, new=new)
        comparison.by_check()

    assert len(comparison.fixed_findings) == size // 2
    assert FindingKey("missing-h1", f"{SITE}/page-{size - 1}") in {
        FindingKey(item.check_id, item.url) for item in comparison.unchanged_findings
    }


def with_settings(scan: SEOScan, **fields) -> SEOScan:
    SEOScan.objects.filter(pk=scan.pk).update(**fields)
    scan.refresh_from_db()
    return scan


def test_a_smaller_audit_does_not_fix_the_pages_it_did_not_reach(make_scan):
    # 200-page limit, then 100: the pages beyond the lower limit were not "fixed".
    paths = [f"/p{i}" for i in range(6)]
    old = with_settings(
        make_scan(pages=paths, findings=[("missing-h1", path) for path in paths]), max_pages=200
    )
    new = with_settings(
        make_scan(pages=paths[:3], findings=[("missing-h1", path) for path in paths[:3]]),
        max_pages=100,
    )

    comparison = scan_compare(old=old, new=new)

    assert comparison.counts == {"new": 0, "fixed": 0, "unchanged": 3}
    assert comparison.pages == PageOverlap(compared=3, only_old=3, only_new=0)
    assert comparison.settings_differ
    assert comparison.differences == [
        ScanDifference("max_pages", 200, 100),
        ScanDifference("pages_crawled", 6, 3),
    ]


def test_a_page_that_timed_out_in_one_audit_is_neither_fixed_nor_new(make_scan):
    old = make_scan(pages=["/", "/slow"], findings=[("missing-h1", "/slow")])
    new = make_scan(pages=["/", "/slow"], findings=[("timeout", "/slow")])
    PageResult.objects.filter(scan=new, url=f"{SITE}/slow").update(
        status_code=None, indexable=False, error="timeout"
    )

    comparison = scan_compare(old=old, new=new)

    assert comparison.counts == {"new": 0, "fixed": 0, "unchanged": 0}
    assert comparison.pages == PageOverlap(compared=1, only_old=1, only_new=0)
    # Same settings, same number of rows: nothing to warn about.
    assert comparison.differences == [] and not comparison.settings_differ


def test_unlike_audits_offer_the_closest_audit_with_the_same_settings(make_scan):
    plain_early = with_settings(make_scan(pages=["/"]), render_js=False)
    plain_late = with_settings(make_scan(pages=["/"]), render_js=False)
    rendered = with_settings(make_scan(pages=["/"]), render_js=True)
    rendered_late = with_settings(make_scan(pages=["/", "/js"]), render_js=True)

    result = website_comparison(old=plain_late, new=rendered_late, language="en")

    assert [row["name"] for row in result.differences] == ["render_js", "pages_crawled"]
    assert result.differences[0] | {"label": ""} == {
        "name": "render_js",
        "label": "",
        "old": "Off",
        "new": "On",
    }
    assert result.closest == rendered
    assert closest_comparable_scan(website=plain_early.website, scan=plain_early) == plain_late
    # Like audits: nothing to offer.
    assert website_comparison(old=plain_early, new=plain_late, language="en").closest is None


def test_the_comparison_page_says_plainly_how_the_audits_differ(make_scan, client, customer):
    old = with_settings(make_scan(pages=["/", "/a", "/b"], score=50), max_pages=200)
    rendered = with_settings(make_scan(pages=["/"], score=55), max_pages=100)
    new = with_settings(make_scan(pages=["/", "/a"], score=60), max_pages=100)

    client.force_login(customer)
    response = client.get(f"/en/app/websites/{new.website_id}/compare/?old={old.pk}&new={new.pk}")

    html = response.content.decode()
    assert "These two audits had different settings" in html
    assert "Page limit: 200 in the earlier audit, 100 in the later one." in html
    assert "compared on the 2 pages both audits crawled successfully" in html
    assert "Left out: 1 crawled only by the earlier audit and 0 only by the later one" in html
    assert f'data-closest-comparable="{rendered.pk}"' in html
    assert f"?old={rendered.pk}&amp;new={new.pk}" in html
