"""One running audit per website, held by the database (scan_one_running_per_website).

Two "start audit" clicks that arrive together both pass the dashboard's "is one running?"
check; only the partial unique index on pending/processing scans stops the second. The race
test parks both requests past that check (the first lock they meet is the customer row,
which the test holds), then lets them go: on PostgreSQL and SQLite alike.
"""

import importlib
import logging
import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from audits import crawl_settings
from audits.models import SEOScan, Website
from audits.services import scans as scans_service
from audits.services.scans import ScanAlreadyRunning, scan_start, scans_recover_stuck
from audits.services.scheduling import scheduled_scans_queue
from tests.conftest import thread_frames, wait_for
from tests.plans import audits_left, plan_give

AMS = ZoneInfo("Europe/Amsterdam")
ALREADY_RUNNING = "An audit of this website is already running."


@pytest.fixture
def customer(make_user):
    return make_user(email="owner@example.com")


@pytest.fixture
def website(customer):
    return Website.objects.create(user=customer, url="https://shop.example/", name="Shop")


@pytest.mark.django_db
def test_a_second_start_is_refused_while_one_runs_and_costs_nothing(customer, website):
    first = scan_start(user=customer, website=website)
    with pytest.raises(ScanAlreadyRunning) as refused:
        scan_start(user=customer, website=website, scan_type=SEOScan.ScanType.API)
    assert refused.value.code == "already_running"
    assert ALREADY_RUNNING in refused.value.messages[0]
    assert audits_left(customer) == 4  # the refused start spent nothing

    SEOScan.objects.filter(pk=first.pk).update(status=SEOScan.Status.PROCESSING)
    with pytest.raises(ScanAlreadyRunning):
        scan_start(user=customer, website=website)
    SEOScan.objects.filter(pk=first.pk).update(status=SEOScan.Status.COMPLETED)
    assert scan_start(user=customer, website=website).status == SEOScan.Status.PENDING


@pytest.mark.django_db
def test_start_while_an_audit_runs_shows_that_audit_and_says_so(client, customer, website):
    running = scan_start(user=customer, website=website)
    client.force_login(customer)
    response = client.post(f"/en/app/websites/{website.pk}/audits/start/", {"max_pages": "10"})
    assert response["Location"] == f"/en/app/audits/{running.pk}/"
    assert ALREADY_RUNNING in client.get(response["Location"]).content.decode()
    assert SEOScan.objects.filter(website=website).count() == 1


def _parked_in_scan_start(thread: threading.Thread) -> bool:
    """The thread waits for a lock inside audits.services.scans.scan_start, so it passed the
    dashboard's own check. On SQLite the wait is at the BEGIN IMMEDIATE of scan_start's atomic
    block."""
    names = thread_frames(thread)
    in_website_start = any(name == "website_scan_start" for name, _ in names)
    in_scan_start = any(
        name == "scan_start" and path == scans_service.__file__ for name, path in names
    ) or any(name == "__enter__" and path.endswith("db/transaction.py") for name, path in names)
    return in_website_start and in_scan_start


@pytest.mark.django_db(transaction=True)
def test_two_start_clicks_at_once_start_one_audit_and_say_already_running(customer, website):
    url = f"/en/app/websites/{website.pk}/audits/start/"
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(customer)
    pages: dict[int, str] = {}
    errors: list[BaseException] = []

    def click(number: int) -> None:
        try:
            response = clients[number].post(url, {"max_pages": "10"}, follow=True)
            pages[number] = response.content.decode()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(number,)) for number in (0, 1)]
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=customer.pk)
        for thread in threads:
            thread.start()

        def both_parked():
            """both requests passed the dashboard's check and wait inside scan_start"""
            return errors or all(_parked_in_scan_start(thread) for thread in threads)

        wait_for(both_parked, timeout=30, interval=0.05)
    for thread in threads:
        thread.join(60)
    assert not errors, errors

    scan = SEOScan.objects.get(website=website)  # exactly one audit
    assert scan.status == SEOScan.Status.PENDING
    started = [page for page in pages.values() if "The audit has started." in page]
    refused = [page for page in pages.values() if ALREADY_RUNNING in page]
    assert len(started) == 1 and len(refused) == 1
    assert f"/en/app/audits/{scan.pk}/status.json" in refused[0]  # shown on the running audit
    assert audits_left(customer) == 4


@pytest.mark.django_db
def test_a_stuck_audit_is_retried_in_place_and_still_blocks_a_new_start(
    customer, website, django_capture_on_commit_callbacks
):
    scan = scan_start(user=customer, website=website)
    stale = timezone.now() - timedelta(seconds=crawl_settings.STUCK_AFTER_SECONDS + 5)
    SEOScan.objects.filter(pk=scan.pk).update(
        status=SEOScan.Status.PROCESSING, heartbeat_at=stale, attempts=1
    )
    with django_capture_on_commit_callbacks():
        assert scans_recover_stuck() == {"retried": 1, "failed": 0, "requeued": 0}
    assert SEOScan.objects.filter(website=website).count() == 1  # the same row, re-queued
    with pytest.raises(ScanAlreadyRunning):
        scan_start(user=customer, website=website)


@pytest.mark.django_db
def test_the_scheduler_skips_a_website_with_a_running_audit_quietly(customer, website, caplog):
    plan_give(customer, "premium", audits_per_period=50)  # daily schedules, several websites
    configuration = customer.scan_configuration
    configuration.scheduled_scans_enabled = True
    configuration.frequency = "daily"
    configuration.time_of_day = time(6)
    configuration.save()
    configuration.__class__.objects.filter(pk=configuration.pk).update(
        modified=datetime(2026, 1, 1, tzinfo=AMS)
    )
    other = Website.objects.create(user=customer, url="https://other.example/", name="Other")
    manual = scan_start(user=customer, website=website)
    now = datetime(2026, 11, 26, 7, 0, tzinfo=AMS)

    with caplog.at_level(logging.INFO, logger="audits"):
        assert scheduled_scans_queue(now=now) == 1  # only the other website
    assert not caplog.records
    assert list(SEOScan.objects.filter(website=website)) == [manual]
    assert SEOScan.objects.filter(website=other, scan_type="scheduled").count() == 1
    assert audits_left(customer) == 48

    # Once the manual audit is over, the next tick queues the slot it held back.
    SEOScan.objects.filter(pk=manual.pk).update(status=SEOScan.Status.COMPLETED)
    assert scheduled_scans_queue(now=now) == 1
    assert SEOScan.objects.filter(website=website, scan_type="scheduled").count() == 1


@pytest.mark.django_db
def test_the_index_is_in_the_database_whoever_writes(customer, website):
    """Not only scan_start: any insert or update that makes a second running audit fails."""
    SEOScan.objects.create(website=website, user=customer, url=website.url)
    done = SEOScan.objects.create(
        website=website, user=customer, url=website.url, status=SEOScan.Status.FAILED
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SEOScan.objects.filter(pk=done.pk).update(status=SEOScan.Status.PROCESSING)
    with pytest.raises(IntegrityError), transaction.atomic():
        SEOScan.objects.create(website=website, user=customer, url=website.url)


@pytest.mark.django_db
def test_the_migration_fails_older_duplicates_before_it_builds_the_index(make_user):
    """Rows from before the index: two running audits of one website must not break it."""
    migration = importlib.import_module("audits.migrations.0003_one_running_scan_per_website")
    constraint = next(
        c for c in SEOScan._meta.constraints if c.name == "scan_one_running_per_website"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {constraint.name}")  # back to the schema before 0003
    dutch = make_user(email="nl@example.com", preferred_language="nl")
    english = make_user(email="en@example.com")

    def running(user, name, status, minutes_ago):
        website, _ = Website.objects.get_or_create(
            user=user, url=f"https://{name}.example/", defaults={"name": name}
        )
        scan = SEOScan.objects.create(website=website, user=user, url=website.url, status=status)
        created = timezone.now() - timedelta(minutes=minutes_ago)
        SEOScan.objects.filter(pk=scan.pk).update(created=created)
        return scan.pk

    really_running = running(dutch, "a", SEOScan.Status.PROCESSING, minutes_ago=30)
    newer_but_waiting = running(dutch, "a", SEOScan.Status.PENDING, minutes_ago=1)
    older = running(english, "b", SEOScan.Status.PENDING, minutes_ago=20)
    newest = running(english, "b", SEOScan.Status.PENDING, minutes_ago=2)
    alone = running(english, "c", SEOScan.Status.PENDING, minutes_ago=5)

    migration.fail_duplicate_running_scans(django_apps, connection.schema_editor())

    status = dict(SEOScan.objects.values_list("pk", "status"))
    assert (status[really_running], status[newest], status[alone]) == (
        "processing",
        "pending",
        "pending",
    )
    assert status[newer_but_waiting] == status[older] == "failed"
    failed = SEOScan.objects.get(pk=newer_but_waiting)
    assert failed.failure == SEOScan.Failure.INTERNAL
    assert "twee keer" in failed.error_message  # in its owner's language
    assert "started twice" in SEOScan.objects.get(pk=older).error_message
    # Our failure: not counted against the plan.
    assert SEOScan.objects.get(pk=newer_but_waiting).refunded
    assert SEOScan.objects.get(pk=older).refunded
    assert not SEOScan.objects.get(pk=alone).refunded

    with connection.cursor() as cursor:
        cursor.execute(str(constraint.create_sql(SEOScan, connection.schema_editor())))
