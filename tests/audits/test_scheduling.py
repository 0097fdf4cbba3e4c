"""Scheduled audits: the right slot in the customer's time zone, queued once per website."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from audits.models import SEOScan, Website
from audits.services.scheduling import latest_slot, scheduled_scans_queue
from tests.plans import plan_give
from vivaseo_site.accounts.models import ScanConfiguration
from vivaseo_site.notifications.models import Notification

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def configuration_for(user, **fields) -> ScanConfiguration:
    configuration = user.scan_configuration
    for name, value in fields.items():
        setattr(configuration, name, value)
    configuration.save()
    # Pretend the schedule was set up long ago, so past slots count.
    ScanConfiguration.objects.filter(pk=configuration.pk).update(
        modified=datetime(2026, 1, 1, tzinfo=AMS)
    )
    configuration.refresh_from_db()
    return configuration


@pytest.mark.parametrize(
    ("frequency", "now", "expected"),
    [
        (
            "daily",
            datetime(2026, 11, 26, 7, 0, tzinfo=AMS),
            datetime(2026, 11, 26, 6, 0, tzinfo=AMS),
        ),
        (
            "daily",
            datetime(2026, 11, 26, 5, 0, tzinfo=AMS),
            datetime(2026, 11, 25, 6, 0, tzinfo=AMS),
        ),
        # 2026-11-26 is a Thursday: the weekly slot was Monday the 23rd.
        (
            "weekly",
            datetime(2026, 11, 26, 7, 0, tzinfo=AMS),
            datetime(2026, 11, 23, 6, 0, tzinfo=AMS),
        ),
        # ISO week 48 is even: Monday the 23rd; a week later (week 49) is skipped.
        (
            "bi_weekly",
            datetime(2026, 12, 2, 7, 0, tzinfo=AMS),
            datetime(2026, 11, 23, 6, 0, tzinfo=AMS),
        ),
        (
            "monthly",
            datetime(2026, 11, 26, 7, 0, tzinfo=AMS),
            datetime(2026, 11, 1, 6, 0, tzinfo=AMS),
        ),
    ],
)
def test_latest_slot_follows_frequency_and_time_zone(make_user, frequency, now, expected):
    configuration = configuration_for(
        make_user(), frequency=frequency, time_of_day=time(6, 0), timezone="Europe/Amsterdam"
    )
    assert latest_slot(configuration, now=now) == expected


def test_due_slot_is_queued_once_per_active_website_even_when_ticked_twice(
    make_user, django_capture_on_commit_callbacks
):
    user = make_user(email="scheduled@example.com")
    plan_give(user, "premium")  # daily schedules, several websites
    configuration_for(user, scheduled_scans_enabled=True, frequency="daily", time_of_day=time(6))
    Website.objects.create(user=user, url="https://a.example/", name="A")
    Website.objects.create(user=user, url="https://b.example/", name="B")
    Website.objects.create(user=user, url="https://off.example/", name="Off", is_active=False)
    now = datetime(2026, 11, 26, 7, 0, tzinfo=AMS)
    with django_capture_on_commit_callbacks() as callbacks:
        assert scheduled_scans_queue(now=now) == 2
        assert scheduled_scans_queue(now=now) == 0  # the second beat tick finds them queued
    assert len(callbacks) == 2
    scans = SEOScan.objects.filter(scan_type="scheduled")
    assert {scan.website.name for scan in scans} == {"A", "B"}
    assert {scan.scheduled_for for scan in scans} == {datetime(2026, 11, 26, 6, 0, tzinfo=AMS)}


def test_schedules_that_are_off_or_set_up_after_the_slot_queue_nothing(make_user):
    off = make_user(email="off@example.com")
    configuration_for(off, scheduled_scans_enabled=False)
    Website.objects.create(user=off, url="https://off.example/", name="Off")
    fresh = make_user(email="fresh@example.com")
    fresh.scan_configuration.scheduled_scans_enabled = True
    fresh.scan_configuration.save()  # modified = now: today's early slot is already past
    Website.objects.create(user=fresh, url="https://fresh.example/", name="Fresh")
    assert scheduled_scans_queue(now=datetime(2026, 11, 26, 7, 0, tzinfo=AMS)) == 0


def test_a_customer_out_of_audits_is_skipped_and_told_once(make_user):
    user = make_user(email="broke@example.com")
    plan_give(user, "premium", audits_per_period=2)
    configuration_for(user, scheduled_scans_enabled=True, frequency="daily", time_of_day=time(6))
    first = Website.objects.create(user=user, url="https://a.example/", name="A")
    Website.objects.create(user=user, url="https://b.example/", name="B")
    SEOScan.objects.create(website=first, user=user, url=first.url, status="completed")

    assert scheduled_scans_queue(now=datetime(2026, 11, 26, 7, 0, tzinfo=AMS)) == 1
    assert scheduled_scans_queue(now=datetime(2026, 11, 27, 7, 0, tzinfo=AMS)) == 0
    assert scheduled_scans_queue(now=datetime(2026, 11, 28, 7, 0, tzinfo=AMS)) == 0
    assert SEOScan.objects.filter(scan_type="scheduled").count() == 1
    (notice,) = Notification.objects.filter(user=user)  # once, however many ticks refuse
    assert notice.title == "A scheduled audit was not started"
    assert notice.message.startswith("You have used all 2 audits of your Premium plan this month.")
    assert notice.action_url == "/en/app/account/subscription/"
    assert [email.subject for email in mail.outbox] == ["A scheduled audit was not started"]


def test_a_schedule_the_plan_no_longer_allows_is_not_run_and_the_customer_told(make_user):
    """A customer who set up daily audits on Premium and is now on the free plan."""
    user = make_user(email="downgraded@example.com")
    configuration_for(user, scheduled_scans_enabled=True, frequency="daily", time_of_day=time(6))
    Website.objects.create(user=user, url="https://a.example/", name="A")
    assert scheduled_scans_queue(now=datetime(2026, 11, 26, 7, 0, tzinfo=AMS)) == 0
    assert scheduled_scans_queue(now=datetime(2026, 11, 27, 7, 0, tzinfo=AMS)) == 0
    assert not SEOScan.objects.exists()
    (notice,) = Notification.objects.filter(user=user)
    assert notice.message.startswith("Scheduled audits are not included in your Free plan.")

    plan_give(user, "standard")  # weekly at most: daily is still refused, with its reason
    Notification.objects.all().delete()
    assert scheduled_scans_queue(now=datetime(2026, 11, 26, 7, 0, tzinfo=AMS)) == 0
    (notice,) = Notification.objects.filter(user=user)
    assert notice.message.startswith("Your Standard plan schedules audits at most weekly.")


def test_scheduled_audits_crawl_the_usual_pages_within_the_plan(make_user):
    user = make_user(email="limits@example.com")
    plan_give(user, "standard", pages_per_audit=50)
    configuration_for(user, scheduled_scans_enabled=True, frequency="weekly", time_of_day=time(6))
    Website.objects.create(user=user, url="https://a.example/", name="A")
    assert scheduled_scans_queue(now=datetime(2026, 11, 30, 7, 0, tzinfo=AMS)) == 1  # a Monday
    assert SEOScan.objects.get().max_pages == 50
