"""Rows for dashboard tests (factory_boy); users come from the `make_user` fixture."""

import factory
from django.utils import timezone

from audits.models import SEOReport, SEOScan, Website
from vivaseo_site.notifications.models import Notification
from vivaseo_site.support.models import SupportTicket, TicketReply


class WebsiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Website

    url = factory.Sequence(lambda n: f"https://site{n}.example.com/")
    name = factory.Sequence(lambda n: f"Site {n}")


class ScanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SEOScan

    website = factory.SubFactory(WebsiteFactory)
    user = factory.SelfAttribute("website.user")
    url = factory.SelfAttribute("website.url")
    status = SEOScan.Status.COMPLETED
    progress = 100
    pages_crawled = 12
    started_at = factory.LazyFunction(timezone.now)
    completed_at = factory.LazyFunction(timezone.now)


# As scoring.recommendations_build stores them: check ids and counts, the texts come from the
# registry in the reader's language.
RECOMMENDATIONS = [
    {"check": "missing-h1", "severity": "warning", "category": "onpage", "pages_affected": 7},
    {"check": "document-title", "severity": "critical", "category": "onpage", "pages_affected": 2},
    {"check": "image-alt", "severity": "notice", "category": "content", "pages_affected": 4},
    {"check": "open-graph-missing", "severity": "notice", "category": "social",
     "pages_affected": 12},
]  # fmt: skip


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SEOReport

    scan = factory.SubFactory(ScanFactory)
    overall_score = 72
    category_scores = factory.LazyFunction(
        lambda: {
            "onpage": 64,
            "technical": 91,
            "content": 70,
            "links": 100,
            "social": 40,
            "performance": None,
        }  # fmt: skip
    )
    summary = factory.LazyFunction(
        lambda: {
            "pages": 12,
            "indexable_pages": 10,
            "findings": 25,
            "by_severity": {"critical": 2, "warning": 7, "notice": 16},
        }  # fmt: skip
    )
    recommendations = factory.LazyFunction(lambda: RECOMMENDATIONS)
    has_ssl = True
    has_robots_txt = True


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    kind = Notification.Kind.SYSTEM
    title = factory.Sequence(lambda n: f"Notification {n}")
    message = "Something happened."


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportTicket

    subject = factory.Sequence(lambda n: f"Question {n}")
    message = "How do I read my report?"


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketReply

    ticket = factory.SubFactory(TicketFactory)
    author = factory.SelfAttribute("ticket.user")
    message = "A reply."
