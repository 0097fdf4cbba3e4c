"""CSV exports of findings and pages: columns, languages, streaming, spreadsheet safety."""

import csv
import io

import pytest
from django.urls import reverse

from audits.selectors.exports import findings_csv, pages_csv

from .conftest import SITE

pytestmark = pytest.mark.django_db


def read(lines) -> list[list[str]]:
    text = "".join(lines)
    assert not text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_findings_csv_has_one_row_per_finding_with_the_check_title(make_scan):
    scan = make_scan(
        pages=["/", "/about"],
        findings=[("missing-h1", "/about", "no <h1>"), ("sitemap-missing", None, "none found")],
    )

    rows = read(findings_csv(scan=scan, language="en"))

    assert rows[0] == ["Check", "Issue", "Severity", "Category", "URL", "Detail"]
    # Both warnings; a problem of the whole site counts as every page, so it ranks first.
    assert rows[1:] == [
        [
            "sitemap-missing",
            "No XML sitemap found",
            "Warning",
            "Technical",
            "Whole site",
            "none found",
        ],
        ["missing-h1", "Page has no H1 heading", "Warning", "On-page", SITE + "/about", "no <h1>"],
    ]


def test_findings_csv_in_dutch_uses_the_dutch_check_titles(make_scan):
    scan = make_scan(pages=["/"], findings=[("missing-h1", "/")])

    rows = read(findings_csv(scan=scan, language="nl"))

    assert rows[1][:2] == ["missing-h1", "Pagina heeft geen H1-kop"]
    assert rows[1][2] == "Waarschuwing"  # the severity label the catalogue already has


def test_findings_csv_keeps_findings_of_a_removed_check(make_scan):
    scan = make_scan(pages=["/"])
    scan.findings.create(check_id="retired-check", category="content", severity="notice")

    rows = read(findings_csv(scan=scan, language="en"))

    assert rows[1][:4] == ["retired-check", "retired-check", "Notice", "Content"]


def test_pages_csv_lists_every_page_with_its_facts(make_scan):
    scan = make_scan(
        pages=["/", "/gone"],
        findings=[("missing-h1", "/"), ("title-too-long", "/"), ("http-status-code", "/gone")],
    )

    rows = read(pages_csv(scan=scan))

    assert rows[0] == [
        "URL",
        "Status",
        "Final URL",
        "Depth",
        "Title",
        "Meta description",
        "H1 count",
        "Words",
        "Indexable",
        "In sitemap",
        "Links in",
        "TTFB (ms)",
        "Findings",
    ]
    assert rows[1] == [
        SITE + "/",
        "200",
        SITE + "/",
        "0",
        "Title of /",
        "About /",
        "1",
        "100",
        "yes",
        "yes",
        "0",
        "120",
        "2",
    ]
    assert rows[2][0] == SITE + "/gone" and rows[2][1] == "404" and rows[2][-1] == "1"


def test_pages_csv_shows_the_fetch_error_when_there_is_no_status(make_scan):
    scan = make_scan(pages=["/"])
    scan.pages.update(status_code=None, error="timeout")

    assert read(pages_csv(scan=scan))[1][1] == "timeout"


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(make_scan):
    scan = make_scan(pages=["/"])
    scan.pages.update(title='=HYPERLINK("http://evil.example","click")', meta_description="@SUM(1)")

    row = read(pages_csv(scan=scan))[1]

    assert row[4] == '\'=HYPERLINK("http://evil.example","click")'
    assert row[5] == "'@SUM(1)"


def test_exports_read_in_a_fixed_number_of_queries_whatever_the_size(
    make_scan, django_assert_num_queries
):
    paths = [f"/p{i}" for i in range(40)]
    scan = make_scan(pages=paths, findings=[("missing-h1", path) for path in paths])

    with django_assert_num_queries(2):  # the ranking, then the findings in its order
        assert len(read(findings_csv(scan=scan, language="en"))) == 41
    with django_assert_num_queries(1):
        assert len(read(pages_csv(scan=scan))) == 41


def test_findings_csv_download_streams_through_the_view(client, customer, make_scan):
    """The selector yields lines; the view (audits.views.report) streams them as a download."""
    scan = make_scan(pages=["/"], findings=[("missing-h1", "/")], score=70)
    client.force_login(customer)

    response = client.get(reverse("dashboard:scan_findings_csv", args=[scan.pk]))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Content-Disposition"].endswith('.csv"')
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("Check,Issue,")
    assert body.endswith("\r\n")
