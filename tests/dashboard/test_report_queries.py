"""The report pages cost the same number of queries for a small and a ten times larger audit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.models import Finding, PageResult
from tests.sites import SiteServer

from .report_site import shop_site

pytestmark = pytest.mark.django_db

# The report's own queries, plus the plan box every dashboard page shows in its sidebar: the
# plan (subscriptions, complimentary plans, the free tier) and the period's usage in one query.
PLAN_BOX_QUERIES = 4
QUERY_BUDGET = 12 + PLAN_BOX_QUERIES


def report_urls(scan) -> dict[str, str]:
    product = PageResult.objects.filter(scan=scan, url__contains="/products/teak-").first()
    base = f"/en/app/audits/{scan.pk}/"
    return {
        "overview": base,
        "findings": base + "findings/",
        "findings filtered": base + "findings/?severity=warning&category=content",
        "pages": base + "pages/",
        "pages of a check": base + "pages/?check=image-alt&q=teak",
        "page detail": f"{base}pages/{product.pk}/",
        "site facts": base + "site/",
        "website": f"/en/app/websites/{scan.website_id}/",
        "comparison": f"/en/app/websites/{scan.website_id}/compare/",
    }


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def audit_twice(run_audit, user, products: int):
    """Two audits of a shop with ``products`` product pages (the comparison needs two)."""
    with SiteServer({}) as server:
        server.pages.update(shop_site(server.url, products=products))
        run_audit(server, user=user)
        return run_audit(server, user=user)


def test_report_queries_do_not_grow_with_pages_and_findings(
    customer_client, customer, make_user, run_audit, django_assert_max_num_queries
):
    small = audit_twice(run_audit, customer, products=3)
    other = make_user(email="big@example.com")
    large = audit_twice(run_audit, other, products=40)
    assert PageResult.objects.filter(scan=large).count() >= 40
    findings = Finding.objects.filter
    assert findings(scan=large).count() > 2 * findings(scan=small).count()

    customer_client.get("/en/app/")  # the session learns the time zone once
    counts_small = {}
    for name, url in report_urls(small).items():
        with django_assert_max_num_queries(QUERY_BUDGET):
            counts_small[name] = queries(customer_client, url)

    customer_client.force_login(other)
    customer_client.get("/en/app/")
    for name, url in report_urls(large).items():
        with django_assert_max_num_queries(QUERY_BUDGET):
            assert queries(customer_client, url) == counts_small[name], name
