"""The one ranking of an audit's failing checks (audits.selectors.ranking) and the vocabulary
it speaks."""

import pytest

from audits.checks.registry import CATEGORIES, SEVERITIES, all_checks
from audits.models import Finding
from audits.scoring import recommendations_build
from audits.selectors.ranking import scan_failing_checks
from audits.vocabulary import (
    Category,
    Severity,
    categories_in_order,
    category_label,
    severity_label,
    worse_severity,
)

pytestmark = pytest.mark.django_db

PAGES = ["/", "/a", "/b", "/c", "/d"]


def ranked_ids(scan) -> list[str]:
    return [item.check_id for item in scan_failing_checks(scan=scan)]


def test_severity_comes_first_then_pages_affected(make_scan):
    scan = make_scan(
        pages=PAGES,
        findings=[("title-too-long", path) for path in PAGES]  # notice, every page
        + [("missing-h1", "/a"), ("missing-h1", "/b")]  # warning, two pages
        + [("meta-description", "/c")]  # warning, one page, heavier
        + [("http-status-code", "/d")],  # critical, one page
    )

    assert ranked_ids(scan) == [
        "http-status-code",
        "missing-h1",
        "meta-description",
        "title-too-long",
    ]


def test_a_problem_of_the_whole_site_counts_as_every_crawled_url(make_scan):
    scan = make_scan(
        pages=PAGES,
        findings=[("missing-h1", path) for path in PAGES[:4]] + [("sitemap-missing", None)],
    )

    first, second = scan_failing_checks(scan=scan)

    assert (first.check_id, first.site_wide, first.pages_affected) == ("sitemap-missing", True, 5)
    assert (second.check_id, second.pages_affected) == ("missing-h1", 4)


def test_weight_breaks_a_tie_on_pages_and_the_id_breaks_the_rest(make_scan):
    # Warnings on the same two pages: meta-description weighs 4, image-alt and missing-h1 3.
    scan = make_scan(
        pages=PAGES,
        findings=[
            (check, path)
            for check in ("missing-h1", "image-alt", "meta-description")
            for path in ("/a", "/b")
        ],
    )

    items = scan_failing_checks(scan=scan)

    assert [item.check_id for item in items] == ["meta-description", "image-alt", "missing-h1"]
    assert [item.priority for item in items] == [1, 2, 3]
    assert [item.weight for item in items] == [4, 3, 3]


def test_a_check_stored_with_two_severities_ranks_once_at_the_worse(make_scan):
    scan = make_scan(pages=PAGES, findings=[("missing-h1", "/a"), ("http-status-code", "/b")])
    page = scan.pages.get(url__endswith="/c")
    Finding.objects.create(
        scan=scan, page=page, check_id="missing-h1", category="onpage", severity="critical"
    )

    items = scan_failing_checks(scan=scan)

    assert [(item.check_id, item.severity) for item in items] == [
        ("missing-h1", "critical"),  # two pages beat one
        ("http-status-code", "critical"),
    ]
    assert (items[0].findings, items[0].pages) == (2, 2)


def test_a_removed_check_is_ranked_and_named_by_its_id(make_scan):
    scan = make_scan(pages=PAGES, findings=[("title-too-long", "/a")])
    scan.findings.create(check_id="retired-check", category="content", severity="notice")

    items = scan_failing_checks(scan=scan)

    assert [item.check_id for item in items] == ["retired-check", "title-too-long"]
    retired = items[0]
    assert retired.check is None and retired.weight == 0
    assert retired.text("failure_title", "nl") == "retired-check"
    assert retired.text("how_to_fix", "en") == ""


def test_the_ranking_reads_the_audit_in_one_query(make_scan, django_assert_num_queries):
    paths = [f"/p{i}" for i in range(30)]
    scan = make_scan(
        pages=paths, findings=[(check, p) for p in paths for check in ("missing-h1", "image-alt")]
    )

    with django_assert_num_queries(1):
        assert len(scan_failing_checks(scan=scan)) == 2


def test_recommendations_follow_the_ranking(make_scan):
    scan = make_scan(
        pages=PAGES,
        findings=[("title-too-long", path) for path in PAGES]
        + [("missing-h1", "/a"), ("sitemap-missing", None), ("http-status-code", "/d")],
    )

    items = recommendations_build(scan=scan)
    assert [item["check"] for item in items] == ranked_ids(scan)
    assert [item["priority"] for item in items] == [1, 2, 3, 4]


def test_the_registry_and_the_database_speak_the_vocabulary():
    assert tuple(Severity.values) == SEVERITIES
    assert tuple(Category.values) == CATEGORIES
    assert {check.severity for check in all_checks()} <= set(Severity.values)
    assert {check.category for check in all_checks()} <= set(Category.values)
    assert Finding._meta.get_field("severity").choices == Severity.choices


def test_labels_and_order_of_known_and_unknown_values():
    assert [severity_label(key) for key in Severity.values] == ["Critical", "Warning", "Notice"]
    assert severity_label("urgent") == "Urgent"
    assert category_label("onpage") == "On-page" and category_label("speed_index") == "Speed index"
    assert (
        worse_severity("notice", "critical") == worse_severity("critical", "notice") == "critical"
    )
    assert categories_in_order(["zeta", "social", "onpage", "alpha"]) == [
        "onpage",
        "social",
        "alpha",
        "zeta",
    ]
    assert categories_in_order(["zeta"], every_known=True) == [*Category.values, "zeta"]
