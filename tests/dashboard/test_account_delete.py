"""Deleting an account asks for the password, stops its running audit, deletes its PDF reports
in both languages and takes its address out of the email log (issue 8)."""

import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psutil
import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from audits.models import PageResult, SEOReport, SEOScan, Website
from audits.services.pdf import report_pdf_cache_key
from audits.services.scans import scan_run, scan_start
from audits.tasks import render_report_pdf
from billing.selectors import calendar_month
from tests.conftest import wait_for
from tests.plans import audits_left
from tests.sites import Page, SiteServer, html
from vivaseo_site.accounts.models import DELETED_ADDRESS_MEMORY, DeletedAddress, User
from vivaseo_site.accounts.selectors import audits_used_before_deletion
from vivaseo_site.accounts.services import user_delete
from vivaseo_site.notifications.models import EmailLog

from .factories import ReportFactory, ScanFactory, WebsiteFactory

DELETE = "/en/app/account/delete/"


@dataclass
class Account:
    report: SEOReport
    pdf_en: Path  # the stored PDF (the owner's language), in MEDIA_ROOT
    pdf_nl_key: str  # the other language, in the cache
    running: SEOScan
    waiting: SEOScan
    intruder_log: EmailLog


def cached_file(key: str) -> Path | None:
    """Where the embedded shape's file cache keeps ``key`` (None for another cache)."""
    backend = caches["default"]
    if not isinstance(backend, FileBasedCache):
        return None
    return Path(backend._key_to_file(key))


@pytest.fixture
def account(customer, intruder) -> Account:
    """An account with a completed audit whose PDF exists in English (stored) and Dutch
    (cached), an audit running, one waiting, and email log rows."""
    report = ReportFactory(scan__website__user=customer, scan__website__name="Bakery")
    assert render_report_pdf(report.scan_id, "en") == "stored"
    assert render_report_pdf(report.scan_id, "nl") == "cached"
    report.refresh_from_db()
    pdf_en = Path(settings.MEDIA_ROOT) / report.pdf_file.name
    pdf_nl_key = report_pdf_cache_key(report, "nl")
    assert pdf_en.read_bytes().startswith(b"%PDF")
    assert cache.get(pdf_nl_key).startswith(b"%PDF")
    running = ScanFactory(
        website__user=customer, status=SEOScan.Status.PROCESSING, progress=40, completed_at=None
    )
    waiting = ScanFactory(website__user=customer, status=SEOScan.Status.PENDING, completed_at=None)
    configuration = customer.scan_configuration
    configuration.notification_email = configuration.notification_email_verified = "team@ex.com"
    configuration.save()
    EmailLog.objects.create(
        user=customer, to_email="team@ex.com", subject="Your audit of Bakery is ready",
        template="audit_complete", status="sent",
    )  # fmt: skip
    # Sent before the row knew its user (or by hand from the admin): matched by address.
    EmailLog.objects.create(user=None, to_email="Owner@Example.com", subject="Welcome")
    intruder_log = EmailLog.objects.create(
        user=intruder, to_email=intruder.email, subject="Welcome to VivaSEO"
    )
    return Account(report, pdf_en, pdf_nl_key, running, waiting, intruder_log)


@pytest.mark.django_db
def test_a_wrong_password_deletes_nothing(customer_client, customer, account):
    response = customer_client.post(DELETE, {"password": "a-guess"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "That is not your current password, so nothing was deleted." in page
    assert User.objects.filter(pk=customer.pk).exists()
    assert account.pdf_en.exists() and cache.get(account.pdf_nl_key) is not None
    running = SEOScan.objects.get(pk=account.running.pk)
    assert (running.status, running.cancel_requested) == (SEOScan.Status.PROCESSING, False)
    assert SEOScan.objects.get(pk=account.waiting.pk).status == SEOScan.Status.PENDING
    assert EmailLog.objects.filter(to_email="team@ex.com", user=customer).exists()
    assert EmailLog.objects.filter(to_email="Owner@Example.com").exists()


@pytest.mark.django_db
def test_the_password_is_not_asked_for_endlessly(customer_client, customer):
    """Each try is a password guess: allauth's reauthentication limit applies per user."""
    with override_settings(ACCOUNT_RATE_LIMITS={"reauthenticate": "2/m/user"}):
        for _ in range(2):
            customer_client.post(DELETE, {"password": "a-guess"})
        response = customer_client.post(DELETE, {"password": customer.raw_password}, follow=True)
    assert "Too many attempts. Wait a minute, then try again." in response.content.decode()
    assert User.objects.filter(pk=customer.pk).exists()


@pytest.mark.django_db
def test_deleting_removes_pdfs_in_both_languages_audits_and_email_addresses(
    customer_client, customer, intruder, account, django_capture_on_commit_callbacks
):
    nl_file = cached_file(account.pdf_nl_key)
    assert nl_file is None or nl_file.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(DELETE, {"password": customer.raw_password})
    assert response["Location"] == "/en/"
    assert not User.objects.filter(pk=customer.pk).exists()

    assert not account.pdf_en.exists()
    assert cache.get(account.pdf_nl_key) is None
    assert nl_file is None or not nl_file.exists()

    assert not SEOScan.objects.exists() and not Website.objects.exists()
    # The waiting audit's queued task finds nothing to run.
    assert scan_run(scan_id=account.waiting.pk) is None

    customer_rows = EmailLog.objects.exclude(pk=account.intruder_log.pk)
    assert customer_rows.count() == 2
    assert set(customer_rows.values_list("user", "to_email", "subject")) == {(None, "", "")}
    assert set(customer_rows.values_list("template", flat=True)) == {"audit_complete", ""}
    intruder_log = EmailLog.objects.get(pk=account.intruder_log.pk)
    assert (intruder_log.user, intruder_log.to_email) == (intruder, intruder.email)


@pytest.mark.django_db
def test_a_failed_deletion_keeps_the_files(customer, account, monkeypatch):
    """Files go only once the rows are gone for good: a rollback keeps both PDFs."""
    from django.db import transaction

    from vivaseo_site.accounts.services import user_delete

    class Refused(Exception):
        pass

    def refuse(*args, **kwargs):
        raise Refused

    monkeypatch.setattr(User, "delete", refuse)  # the last step fails
    with pytest.raises(Refused), transaction.atomic():
        user_delete(user=customer)
    assert account.pdf_en.exists() and cache.get(account.pdf_nl_key) is not None
    assert EmailLog.objects.filter(to_email="team@ex.com").exists()


@pytest.mark.django_db(transaction=True)
def test_deleting_the_account_stops_its_running_audit(customer, client):
    """A real crawl of a slow site runs in its own thread (and forked crawl process); the
    customer deletes the account mid-crawl; the audit stops instead of crawling on."""
    pages = 120
    site = {"/": Page(html("Home", body="".join(f'<a href="/p{i}">p</a>' for i in range(pages))))}
    site |= {f"/p{i}": Page(html(f"Slow {i}"), delay=0.25) for i in range(pages)}
    children_before = {child.pid for child in psutil.Process().children(recursive=True)}
    with SiteServer(site) as server:
        website = Website.objects.create(user=customer, url=server.url + "/", name="Slow")
        scan = SEOScan.objects.create(
            website=website, user=customer, url=website.url, crawl_options={"concurrency": 2}
        )
        outcome = {}

        def crawl():
            try:
                outcome["scan"] = scan_run(scan_id=scan.pk)
            finally:
                connection.close()

        thread = threading.Thread(target=crawl)
        thread.start()

        def crawling():
            """the crawl stored a few pages"""
            return PageResult.objects.filter(scan=scan).count() >= 2

        wait_for(crawling, timeout=60, interval=0.2)
        client.force_login(customer)
        response = client.post(DELETE, {"password": customer.raw_password})
        assert response.status_code == 302
        thread.join(timeout=90)
        assert not thread.is_alive(), "the audit kept running after the account was deleted"
        fetched = len([path for path in server.requests if path.startswith("/p")])
    assert outcome["scan"] is None  # the pipeline saw its audit gone and gave up quietly
    # A full crawl fetches all 120 slow pages (~15 s at concurrency 2); it stopped early.
    assert fetched < pages * 3 // 4, fetched
    assert not SEOScan.objects.exists() and not PageResult.objects.exists()
    alive = [
        child
        for child in psutil.Process().children(recursive=True)
        if child.pid not in children_before and child.status() != psutil.STATUS_ZOMBIE
    ]
    assert alive == [], "the forked crawl process outlived its audit"


# --- Deleting and signing up again does not give new free audits (issue 10) -----------------


def _sign_up(client, email: str) -> User:
    passphrase = "another-long-passphrase-77"
    response = client.post(
        "/en/accounts/signup/", {"email": email, "password1": passphrase, "password2": passphrase}
    )
    assert response.status_code == 302, response.content.decode()
    return User.objects.get(email__iexact=email)


def _audits_used(user, count: int) -> None:
    website = Website.objects.filter(user=user).first() or WebsiteFactory(user=user)
    ScanFactory.create_batch(count, website=website)


@pytest.mark.django_db
def test_signing_up_again_after_deleting_keeps_the_audits_used_this_month(
    customer_client, customer, site_tree
):
    _audits_used(customer, 3)
    # An audit still waiting when the account goes crawled nothing: it is not counted.
    waiting = scan_start(user=customer, website=Website.objects.get(user=customer))
    assert waiting.status == SEOScan.Status.PENDING
    assert audits_left(customer) == 1
    response = customer_client.post(DELETE, {"password": customer.raw_password})
    assert response.status_code == 302 and not User.objects.filter(pk=customer.pk).exists()

    remembered = DeletedAddress.objects.get()
    assert remembered.audits_used == 3
    assert customer.email not in remembered.email_digest  # a hash, not the address

    customer_client.logout()
    again = _sign_up(customer_client, "OWNER@example.com")
    assert audits_left(again) == 2
    someone_else = _sign_up(customer_client, "someone.else@example.com")
    assert audits_left(someone_else) == 5


@pytest.mark.django_db
def test_a_deleted_account_counts_only_in_the_month_it_was_deleted(customer, client, site_tree):
    _audits_used(customer, 5)
    user_delete(user=customer)
    month_start, _ = calendar_month()
    assert (
        audits_used_before_deletion(
            email="owner@example.com", start=month_start, end=timezone.now() + timedelta(days=1)
        )
        == 5
    )
    DeletedAddress.objects.update(deleted_at=month_start - timedelta(days=1))
    assert audits_left(_sign_up(client, "owner@example.com")) == 5  # a new month, afresh

    # The next deletion prunes rows older than the memory period.
    DeletedAddress.objects.update(
        deleted_at=timezone.now() - DELETED_ADDRESS_MEMORY - timedelta(days=1)
    )
    other = User.objects.create_user(email="other@example.com", password="x" * 12)
    EmailAddress.objects.create(user=other, email=other.email, verified=True, primary=True)
    user_delete(user=other)
    assert DeletedAddress.objects.count() == 1


@pytest.mark.django_db
def test_an_unverified_address_does_not_carry_the_usage(customer, client, site_tree):
    """Anyone can add someone else's address unverified; deleting must not spend that
    person's free audits."""
    EmailAddress.objects.create(user=customer, email="victim@example.com", verified=False)
    _audits_used(customer, 5)
    user_delete(user=customer)
    assert audits_left(_sign_up(client, "victim@example.com")) == 5
    assert audits_left(_sign_up(client, "owner@example.com")) == 0
