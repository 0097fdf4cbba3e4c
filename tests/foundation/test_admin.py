"""Staff look after users, audits and support in the one Wagtail admin."""

import pytest
from django.urls import reverse

from audits.models import Finding, PageResult, SEOScan, Website
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
