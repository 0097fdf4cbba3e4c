"""Emails: rendering in the user's language, the EmailLog, and when each one is sent."""

import re
import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from audits.models import SEOScan
from audits.services.announcements import scan_finished_announce
from tests.conftest import thread_frames, wait_for
from vivaseo_site.notifications.models import EmailLog, Notification
from vivaseo_site.notifications.services import email_send

from .factories import ReportFactory, ScanFactory

pytestmark = pytest.mark.django_db


def test_email_send_renders_text_and_html_and_logs_it(customer):
    log = email_send(
        to="someone@example.com",
        template="welcome",
        context={"dashboard_url": "https://x/app/", "add_website_url": "https://x/add/",
                 "free_audits": 5},
        user=customer,
    )  # fmt: skip
    assert log.status == EmailLog.Status.SENT and log.sent_at is not None
    assert (log.to_email, log.template, log.user) == ("someone@example.com", "welcome", customer)
    message = mail.outbox[0]
    assert message.subject == log.subject == "Welcome to VivaSEO"
    assert message.to == ["someone@example.com"]
    assert (
        "Hi Olivia," in message.body and "Your free plan includes 5 audits a month." in message.body
    )
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and 'href="https://x/add/"' in html


def test_email_send_uses_the_users_language_or_the_one_asked_for(make_user):
    dutch = make_user(email="nl@example.com", preferred_language="nl")
    context = {"dashboard_url": "u", "add_website_url": "u", "free_audits": 1}
    email_send(to=dutch.email, template="welcome", context=context, user=dutch)
    email_send(to=dutch.email, template="welcome", context=context, user=dutch, language="en")
    assert [m.subject for m in mail.outbox] == ["Welkom bij VivaSEO", "Welcome to VivaSEO"]
    assert "Je gratis abonnement bevat 1 audit per maand." in mail.outbox[0].body


def test_email_send_never_raises_and_logs_the_failure(customer, monkeypatch):
    def broken(self, *args, **kwargs):
        raise ConnectionError("SMTP is down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    log = email_send(
        to=customer.email, template="welcome",
        context={"dashboard_url": "u", "add_website_url": "u", "free_audits": 5}, user=customer,
    )  # fmt: skip
    assert log.status == EmailLog.Status.FAILED
    assert "SMTP is down" in log.error_message
    assert EmailLog.objects.get().status == "failed"


def test_email_send_with_a_missing_template_is_logged_not_raised(customer):
    log = email_send(to=customer.email, template="no_such_email", context={}, user=customer)
    assert log.status == EmailLog.Status.FAILED
    assert "TemplateDoesNotExist" in log.error_message
    assert mail.outbox == []


def test_welcome_email_is_sent_once_when_the_address_is_confirmed(
    client, site_tree, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/nl/accounts/signup/",
            {"email": "new@example.com", "password1": "a-long-passphrase-42",
             "password2": "a-long-passphrase-42"},
        )  # fmt: skip
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", mail.outbox[0].body)
    path = re.sub(r"^https?://[^/]+", "", link.group(0))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response["Location"] == "/nl/app/"
    welcome = mail.outbox[-1]
    assert welcome.subject == "Welkom bij VivaSEO"
    assert welcome.to == ["new@example.com"]
    assert "/nl/app/websites/add/" in welcome.body
    log = EmailLog.objects.get(template="welcome")
    assert log.status == "sent" and log.user.email == "new@example.com"

    from vivaseo_site.accounts.services import welcome_email_send

    assert welcome_email_send(user_id=log.user_id) is None  # never twice


def _completed(customer, **report):
    return ReportFactory(scan__website__user=customer, scan__website__name="Bakery", **report).scan


def test_audit_complete_notifies_in_app_and_by_email_with_top_3_issues(customer):
    scan = _completed(customer, overall_score=72)
    notification = scan_finished_announce(scan_id=scan.pk)
    assert notification.kind == Notification.Kind.SCAN_COMPLETE
    assert notification.title == "Audit of Bakery complete"
    assert notification.action_url == f"/en/app/audits/{scan.pk}/"
    assert notification.metadata == {"scan_id": scan.pk, "website_id": scan.website_id}
    message = mail.outbox[0]
    assert message.subject == "Your audit of Bakery is ready: 72/100"
    assert message.to == [customer.email]
    assert "1. Page has no H1 heading (7 pages)" in message.body
    assert "3. Image elements do not have [alt] attributes (4 pages)" in message.body
    assert "Page is missing Open Graph tags" not in message.body  # only the top 3
    assert f"http://127.0.0.1:8000/en/app/audits/{scan.pk}/" in message.body
    assert EmailLog.objects.get().template == "audit_complete"


def test_audit_complete_in_dutch(make_user):
    dutch = make_user(email="nl@example.com", preferred_language="nl")
    scan = _completed(dutch, overall_score=88)
    notification = scan_finished_announce(scan_id=scan.pk)
    assert notification.title == "Audit van Bakery voltooid"
    assert notification.action_url == f"/nl/app/audits/{scan.pk}/"
    assert mail.outbox[0].subject == "Je audit van Bakery is klaar: 88/100"
    assert "Pagina heeft geen H1-kop" in mail.outbox[0].body


def test_audit_failed_notifies_with_the_reason_and_a_retry_link(customer):
    scan = ScanFactory(
        website__user=customer, website__name="Bakery", status=SEOScan.Status.FAILED,
        error_message="We could not load https://bakery.example/: timeout",
    )  # fmt: skip
    notification = scan_finished_announce(scan_id=scan.pk)
    assert notification.kind == Notification.Kind.SCAN_FAILED
    assert notification.priority == "high"
    message = mail.outbox[0]
    assert message.subject == "Your audit of Bakery failed"
    assert "timeout" in message.body
    assert f"/en/app/audits/{scan.pk}/" in message.body


def test_scan_finished_is_announced_once(customer):
    scan = _completed(customer)
    assert scan_finished_announce(scan_id=scan.pk) is not None
    assert scan_finished_announce(scan_id=scan.pk) is None
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_cancelled_and_running_scans_are_not_announced(customer):
    for status in (SEOScan.Status.CANCELLED, SEOScan.Status.PROCESSING):
        scan = ScanFactory(website__user=customer, status=status)
        assert scan_finished_announce(scan_id=scan.pk) is None
    assert not Notification.objects.exists() and mail.outbox == []


def test_no_audit_emails_when_the_user_turned_them_off(customer):
    customer.scan_configuration.email_notifications = False
    customer.scan_configuration.save()
    scan = _completed(customer)
    assert scan_finished_announce(scan_id=scan.pk) is not None  # still in the dashboard
    assert mail.outbox == [] and not EmailLog.objects.exists()


def test_audit_emails_go_to_the_notification_address_once_confirmed(customer):
    configuration = customer.scan_configuration
    configuration.notification_email = "seo-team@example.com"
    configuration.notification_email_verified = "SEO-team@example.com"
    configuration.save()
    scan_finished_announce(scan_id=_completed(customer).pk)
    assert mail.outbox[0].to == ["seo-team@example.com"]


def test_audit_emails_never_go_to_an_unconfirmed_notification_address(customer):
    """The relay: anyone could type a stranger's address and have our emails, with their
    website's name in the subject, sent there. Set directly, as the admin or a shell would."""
    configuration = customer.scan_configuration
    configuration.notification_email = "victim@example.com"
    configuration.notification_email_verified = "old-team@example.com"  # a different address
    configuration.save()
    scan_finished_announce(scan_id=_completed(customer).pk)
    assert [message.to for message in mail.outbox] == [[customer.email]]
    assert not EmailLog.objects.filter(to_email="victim@example.com").exists()


def test_no_audit_email_without_a_verified_account_address(make_user):
    from allauth.account.models import EmailAddress

    user = make_user(email="unverified@example.com")
    EmailAddress.objects.filter(user=user).update(verified=False)
    assert scan_finished_announce(scan_id=_completed(user).pk) is not None  # in the dashboard
    assert mail.outbox == [] and not EmailLog.objects.exists()


def test_audit_emails_are_capped_per_user_per_day(customer, intruder, eager_tasks, settings):
    """Over the cap nothing is sent, the log says why, and the dashboard still tells."""
    from datetime import timedelta

    from django.utils import timezone

    from audits.tasks import announce_scan_finished as task

    settings.VIVASEO_AUDIT_EMAILS_PER_DAY = 2
    for _ in range(3):
        task.delay(_completed(customer).pk)
    task.delay(_completed(intruder).pk)  # a cap per user, not for everyone
    assert Notification.objects.filter(user=customer).count() == 3
    assert [message.to for message in mail.outbox] == [[customer.email]] * 2 + [[intruder.email]]
    sent, skipped = (
        EmailLog.objects.filter(user=customer, status=status)
        for status in (EmailLog.Status.SENT, EmailLog.Status.SKIPPED)
    )
    assert sent.count() == 2
    log = skipped.get()
    assert (log.template, log.to_email) == ("audit_complete", customer.email)
    assert log.subject == "Your audit of Bakery is ready: 72/100"
    assert log.error_message == "Daily limit reached: 2 audit emails per user in 24 hours."
    assert log.sent_at is None

    # A day later the cap has room again: only the last 24 hours count.
    sent.update(created=timezone.now() - timedelta(hours=25))
    task.delay(_completed(customer).pk)
    assert len(mail.outbox) == 4 and mail.outbox[-1].to == [customer.email]


def test_notify_task_takes_an_id(customer, eager_tasks):
    from audits.tasks import announce_scan_finished as task

    task.delay(_completed(customer).pk)
    assert Notification.objects.filter(user=customer).count() == 1


def _waiting_to_write_in_notification_deliver(thread: threading.Thread) -> bool:
    """The thread passed notification_deliver's "delivered before?" read and waits for the
    database to let it write (PostgreSQL: on the unique index; SQLite: at BEGIN IMMEDIATE)."""
    names = thread_frames(thread)
    in_deliver = any(name == "notification_deliver" for name, _ in names)
    writing = any(name == "notification_create" for name, _ in names) or any(
        name == "__enter__" and path.endswith("db/transaction.py") for name, path in names
    )
    return in_deliver and writing


class _RolledBack(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_two_workers_announcing_one_scan_at_once_deliver_it_once(customer):
    """The pipeline's last step and a retried task can announce the same audit together: both
    pass the "delivered before?" read, and the database lets only one of them write."""
    scan = _completed(customer)
    results: list = []
    errors: list[BaseException] = []

    def announce() -> None:
        try:
            results.append(scan_finished_announce(scan_id=scan.pk))
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=announce) for _ in range(2)]
    # An uncommitted announcement holds the write: both threads read "not delivered" and wait.
    with pytest.raises(_RolledBack), transaction.atomic():
        assert scan_finished_announce(scan_id=scan.pk) is not None
        for thread in threads:
            thread.start()
        wait_for(
            lambda: (
                errors
                or all(
                    not t.is_alive() or _waiting_to_write_in_notification_deliver(t)
                    for t in threads
                )
            ),
            timeout=30,
            interval=0.05,
        )
        raise _RolledBack
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert Notification.objects.filter(user=customer).count() == 1
    assert sorted(result is None for result in results) == [False, True]
    # One email from the rolled-back attempt (mail.outbox keeps it) and one delivered.
    assert EmailLog.objects.filter(template="audit_complete").count() == 1
