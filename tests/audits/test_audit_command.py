"""manage.py audit stores its pages in an ownerless command-line scan: no throwaway account."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, transaction

from audits.models import Finding, SEOReport, SEOScan, Website
from tests.audits.test_pipeline import defect_site
from tests.sites import SiteServer

pytestmark = pytest.mark.django_db


def test_audit_command_creates_no_account_and_no_website_yet_runs_site_checks(tmp_path):
    with SiteServer(defect_site()) as site:
        call_command("audit", site.url + "/", "--keep", "--json", str(tmp_path / "r.json"))

    assert not get_user_model().objects.exists()
    assert not Website.objects.exists()
    scan = SEOScan.objects.get()
    assert (scan.user, scan.website, scan.scan_type) == (None, None, SEOScan.ScanType.COMMAND_LINE)
    assert scan.status == SEOScan.Status.COMPLETED
    assert SEOReport.objects.filter(scan=scan).exists()
    # A page check and a site check (SQL over the stored pages: /moved is linked to).
    found = set(Finding.objects.filter(scan=scan).values_list("check_id", flat=True))
    assert {"document-title", "redirecting-internal-links"} <= found


def test_only_a_command_line_scan_may_have_no_owner():
    with pytest.raises(IntegrityError), transaction.atomic():
        SEOScan.objects.create(url="https://example.com/", scan_type=SEOScan.ScanType.MANUAL)
    SEOScan.objects.create(url="https://example.com/", scan_type=SEOScan.ScanType.COMMAND_LINE)
