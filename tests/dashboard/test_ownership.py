"""Every dashboard URL that names an object answers 404 to anyone but its owner, for GET and
POST alike, and changes nothing."""

import pytest
from django.urls import reverse

from audits.models import SEOScan, Website
from vivaseo_site.app_urls import urlpatterns
from vivaseo_site.notifications.models import Notification
from vivaseo_site.support.models import SupportTicket

from .factories import NotificationFactory, ReportFactory, TicketFactory

pytestmark = pytest.mark.django_db

# Which object each URL's pk names, by the URL's first path segment.
OBJECT_BY_PREFIX = {
    "websites": "website",
    "audits": "scan",
    "notifications": "notification",
    "support": "ticket",
}
OBJECT_URL_NAMES = sorted(
    pattern.name for pattern in urlpatterns if "<int:pk>" in str(pattern.pattern)
)


def test_every_object_url_is_covered():
    assert len(OBJECT_URL_NAMES) >= 12
    for pattern in urlpatterns:
        if "<int:pk>" in str(pattern.pattern):
            assert str(pattern.pattern).split("/")[0] in OBJECT_BY_PREFIX, pattern


@pytest.fixture
def owned(customer):
    report = ReportFactory(scan__website__user=customer, scan__status=SEOScan.Status.COMPLETED)
    return {
        "website": report.scan.website,
        "scan": report.scan,
        "notification": NotificationFactory(user=customer, action_url="/en/app/"),
        "ticket": TicketFactory(user=customer),
    }


def _url(name, owned, language="en"):
    route = next(p for p in urlpatterns if p.name == name)
    kind = OBJECT_BY_PREFIX[str(route.pattern).split("/")[0]]
    from django.utils import translation

    with translation.override(language):
        return reverse(f"dashboard:{name}", args=[owned[kind].pk])


def _state(customer):
    return (
        list(Website.objects.filter(user=customer).values_list("name", "is_active")),
        list(SEOScan.objects.filter(user=customer).values_list("status", "cancel_requested")),
        list(Notification.objects.filter(user=customer).values_list("is_read", "is_archived")),
        list(SupportTicket.objects.filter(user=customer).values_list("status", "subject")),
        SupportTicket.objects.filter(user=customer).values_list("replies", flat=True).count(),
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
