"""The downloads of an audit: findings and pages as CSV, the PDF report; owner only."""

import csv
import io

import pytest
from django.utils import timezone

from audits.models import Finding, PageResult, SEOReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def audited(shop, run_audit):
    return run_audit(shop)


def streamed_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


def test_findings_csv_has_a_row_per_finding(customer_client, audited):
    response = customer_client.get(f"/en/app/audits/{audited.pk}/findings.csv")
    day = timezone.localdate(audited.completed_at).isoformat()
    host = audited.url.split("//")[1].rstrip("/").replace(".", "-").replace(":", "-")
    assert response["Content-Disposition"] == f'attachment; filename="{host}-findings-{day}.csv"'
    rows = streamed_csv(response)
    assert rows[0] == ["Check", "Issue", "Severity", "Category", "URL", "Detail"]
    assert len(rows) == Finding.objects.filter(scan=audited).count() + 1
    image_rows = [row for row in rows if row[0] == "image-alt"]
    assert len(image_rows) == 4
    assert image_rows[0][2:4] == ["Warning", "Content"]
    assert [row[4] for row in rows if row[0] == "robots-txt"] == ["Whole site"]


def test_pages_csv_has_a_row_per_page_in_dutch(customer_client, audited):
    response = customer_client.get(f"/nl/app/audits/{audited.pk}/pages.csv")
    assert "-paginas-" in response["Content-Disposition"]
    rows = streamed_csv(response)
    assert rows[0][:3] == ["URL", "Status", "Eind-URL"]
    assert len(rows) == PageResult.objects.filter(scan=audited).count() + 1
    missing = next(row for row in rows if row[0].endswith("/missing"))
    assert missing[1] == "404"


def test_pdf_download_is_the_report_in_the_users_language_and_is_counted(customer_client, audited):
    response = customer_client.get(f"/en/app/audits/{audited.pk}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    day = timezone.localdate(audited.completed_at).isoformat()
    assert response["Content-Disposition"].endswith(f'-seo-report-{day}.pdf"')
    assert response.content.startswith(b"%PDF")
    dutch = customer_client.get(f"/nl/app/audits/{audited.pk}/report.pdf")
    assert dutch.content.startswith(b"%PDF") and dutch.content != response.content
    assert "-seo-rapport-" in dutch["Content-Disposition"]
    report = SEOReport.objects.get(scan=audited)
    assert report.pdf_download_count == 2
    # Counting never marks the stored PDF stale.
    assert report.modified == audited.report.modified


@pytest.mark.parametrize("suffix", ["findings.csv", "pages.csv", "report.pdf"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_download_is_a_404(client, intruder, audited, suffix, method):
    client.force_login(intruder)
    response = getattr(client, method)(f"/en/app/audits/{audited.pk}/{suffix}")
    assert response.status_code == 404
    assert SEOReport.objects.get(scan=audited).pdf_download_count == 0


@pytest.mark.parametrize("suffix", ["findings.csv", "pages.csv", "report.pdf"])
def test_downloads_answer_get_only(customer_client, audited, suffix):
    assert customer_client.post(f"/en/app/audits/{audited.pk}/{suffix}").status_code == 405
    assert SEOReport.objects.get(scan=audited).pdf_download_count == 0
