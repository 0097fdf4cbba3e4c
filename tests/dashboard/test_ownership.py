"""Every dashboard URL that names an object answers 404 to anyone but its owner, for GET and
POST alike, and changes nothing."""

import pytest
from django.urls import reverse

from audits.models import PageResult, SEOReport, SEOScan, Website
from vivaseo_site.app_urls import urlpatterns
from vivaseo_site.notifications.models import Notification
from vivaseo_site.support.models import SupportTicket

from .factories import NotificationFactory, ReportFactory, TicketFactory

pytestmark = pytest.mark.django_db

# Which object each URL's pk names, by the URL's first path segment. Under "audits" are the
# audit page and its report: findings, pages, one page, site facts, findings.csv, pages.csv
# and report.pdf; under "websites" the comparison of two audits too.
OBJECT_BY_PREFIX = {
    "websites": "website",
    "audits": "scan",
    "notifications": "notification",
    "support": "ticket",
}
# Other ids a URL names, and the owned object each one is.
OBJECT_BY_KWARG = {"page_pk": "page"}
OBJECT_URL_NAMES = sorted(
    pattern.name for pattern in urlpatterns if "<int:pk>" in str(pattern.pattern)
)


def test_every_object_url_is_covered():
    assert len(OBJECT_URL_NAMES) >= 20
    for pattern in urlpatterns:
        if "<int:pk>" in str(pattern.pattern):
            assert str(pattern.pattern).split("/")[0] in OBJECT_BY_PREFIX, pattern
            for converter in str(pattern.pattern).split("<")[2:]:
                assert converter.split(":")[1].split(">")[0] in OBJECT_BY_KWARG, pattern


@pytest.fixture
def owned(customer):
    report = ReportFactory(scan__website__user=customer, scan__status=SEOScan.Status.COMPLETED)
    page = PageResult.objects.create(scan=report.scan, url=report.scan.url, status_code=200)
    return {
        "website": report.scan.website,
        "scan": report.scan,
        "page": page,
        "notification": NotificationFactory(user=customer, action_url="/en/app/"),
        "ticket": TicketFactory(user=customer),
    }


def _url(name, owned, language="en"):
    route = next(p for p in urlpatterns if p.name == name)
    kind = OBJECT_BY_PREFIX[str(route.pattern).split("/")[0]]
    from django.utils import translation

    kwargs = {"pk": owned[kind].pk} | {
        name: owned[other].pk
        for name, other in OBJECT_BY_KWARG.items()
        if f"<int:{name}>" in str(route.pattern)
    }
    with translation.override(language):
        return reverse(f"dashboard:{name}", kwargs=kwargs)


def _state(customer):
    return (
        list(Website.objects.filter(user=customer).values_list("name", "is_active")),
        list(SEOScan.objects.filter(user=customer).values_list("status", "cancel_requested")),
        list(Notification.objects.filter(user=customer).values_list("is_read", "is_archived")),
        list(SupportTicket.objects.filter(user=customer).values_list("status", "subject")),
        SupportTicket.objects.filter(user=customer).values_list("replies", flat=True).count(),
        list(SEOReport.objects.filter(scan__user=customer).values_list("pdf_download_count")),
    )


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", OBJECT_URL_NAMES)
def test_another_user_gets_404(client, customer, intruder, owned, name, method):
    client.force_login(intruder)
    before = _state(customer)
    data = {"name": "Hacked", "description": "x", "active": "0", "message": "Hi",
            "max_pages": "10", "email": intruder.email}  # fmt: skip
    response = getattr(client, method)(_url(name, owned), data if method == "post" else None)
    assert response.status_code == 404
    assert _state(customer) == before
    assert not SEOScan.objects.filter(user=intruder).exists()


@pytest.mark.parametrize("name", OBJECT_URL_NAMES)
def test_the_owner_is_not_refused(customer_client, owned, name):
    response = customer_client.get(_url(name, owned, language="nl"))
    assert response.status_code in (200, 302, 405)


@pytest.mark.parametrize("name", OBJECT_URL_NAMES)
def test_visitors_are_sent_to_sign_in(client, owned, name):
    response = client.get(_url(name, owned))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
