"""The number of queries of the dashboard's lists does not grow with their rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.models import SEOScan

from .factories import (
    NotificationFactory,
    ReportFactory,
    ScanFactory,
    TicketFactory,
    WebsiteFactory,
)

pytestmark = pytest.mark.django_db

# The plan box in every page's sidebar (billing.selectors.usage_this_period): the plan
# (subscriptions, complimentary plans, the free tier) and the period's usage in one query.
PLAN_BOX_QUERIES = 4


def _add_rows(customer, n):
    for _ in range(n):
        website = WebsiteFactory(user=customer)
        ReportFactory(scan__website=website, overall_score=50)
        ReportFactory(scan__website=website, overall_score=70)
        ScanFactory(website=website, status=SEOScan.Status.PROCESSING, progress=30)
        NotificationFactory(user=customer)
        TicketFactory(user=customer)


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    ["/en/app/", "/en/app/websites/", "/en/app/notifications/", "/en/app/support/"],
)
def test_list_queries_do_not_grow_with_rows(customer_client, customer, url):
    customer_client.get(url)  # the session learns the time zone once
    _add_rows(customer, 2)
    few = _queries(customer_client, url)
    _add_rows(customer, 20)
    many = _queries(customer_client, url)
    assert many == few, f"{url}: {few} queries with 2 rows, {many} with 22"
    assert many <= 12 + PLAN_BOX_QUERIES


def test_website_page_queries_do_not_grow_with_audits(customer_client, customer):
    website = WebsiteFactory(user=customer)
    url = f"/en/app/websites/{website.pk}/"
    customer_client.get(url)
    for _ in range(2):
        ReportFactory(scan__website=website)
    few = _queries(customer_client, url)
    for _ in range(20):
        ReportFactory(scan__website=website)
    assert _queries(customer_client, url) == few


def test_dashboard_home_query_budget(customer_client, customer, django_assert_max_num_queries):
    _add_rows(customer, 10)
    customer_client.get("/en/app/")
    with django_assert_max_num_queries(10 + PLAN_BOX_QUERIES):
        customer_client.get("/en/app/")
