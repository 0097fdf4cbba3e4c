"""Account: profile (name, language, time zone), scheduled audits, deleting everything."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress

from audits.models import SEOScan, Website
from tests.plans import plan_give
from vivaseo_site.accounts.models import ScanConfiguration, User
from vivaseo_site.notifications.models import EmailLog, Notification
from vivaseo_site.support.models import SupportTicket

from .factories import NotificationFactory, ReportFactory, TicketFactory

pytestmark = pytest.mark.django_db


def test_login_lands_on_the_dashboard_in_the_users_language(client, site_tree, make_user):
    make_user(email="ana@example.com")
    response = client.post(
        "/nl/accounts/login/", {"login": "ana@example.com", "password": "a-long-passphrase-42"}
    )
    assert response["Location"] == "/nl/app/"


def test_dashboard_needs_sign_in(client):
    response = client.get("/en/app/websites/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=/en/app/websites/")


def test_profile_saves_name_language_and_time_zone_and_switches_language(customer_client, customer):
    response = customer_client.post(
        "/en/app/account/",
        {"first_name": "Ana", "last_name": "de Vries", "preferred_language": "nl",
         "timezone": "America/New_York"},
    )  # fmt: skip
    assert response["Location"] == "/nl/app/account/"
    assert response.cookies["django_language"].value == "nl"
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name, customer.preferred_language) == (
        "Ana", "de Vries", "nl",
    )  # fmt: skip
    assert customer.scan_configuration.timezone == "America/New_York"
    page = customer_client.get("/nl/app/account/").content.decode()
    assert '<html lang="nl">' in page


def test_dates_are_shown_in_the_users_time_zone(customer_client, customer):
    customer.scan_configuration.timezone = "Asia/Tokyo"
    customer.scan_configuration.save()
    report = ReportFactory(scan__website__user=customer)
    moment = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
    SEOScan.objects.filter(pk=report.scan_id).update(started_at=moment, created=moment)
    page = customer_client.get(f"/en/app/websites/{report.scan.website_id}/").content.decode()
    assert "1 March 2026, 21:00" in page  # 21:00 in Tokyo


def test_profile_refuses_an_unknown_time_zone(customer_client):
    response = customer_client.post(
        "/en/app/account/",
        {"preferred_language": "en", "timezone": "Mars/Olympus_Mons"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_schedule_form_saves_the_scan_configuration(customer_client, customer):
    plan_give(customer)  # the free plan has no schedules (tests/billing/test_quotas.py)
    response = customer_client.post(
        "/en/app/account/schedule/",
        {"scheduled_scans_enabled": "on", "frequency": "weekly", "time_of_day": "07:30",
         "timezone": "Europe/Amsterdam", "notification_email": "team@example.com"},
    )  # fmt: skip
    assert response["Location"] == "/en/app/account/schedule/"
    configuration = ScanConfiguration.objects.get(user=customer)
    assert configuration.scheduled_scans_enabled is True
    assert configuration.frequency == "weekly"
    assert configuration.time_of_day == datetime.time(7, 30)
    assert configuration.notification_email == "team@example.com"
    assert configuration.notification_email_pending  # until the link is followed
    assert configuration.email_notifications is False  # unticked


def test_account_page_links_to_email_and_password_changes(customer_client):
    page = customer_client.get("/en/app/account/").content.decode()
    assert 'href="/en/accounts/email/"' in page
    assert 'href="/en/accounts/password/change/"' in page


def test_delete_account_needs_the_current_password(customer_client, customer):
    response = customer_client.post("/en/app/account/delete/", {"password": "not-my-password"})
    assert response.status_code == 200
    assert "That is not your current password, so nothing was deleted." in response.content.decode()
    assert User.objects.filter(pk=customer.pk).exists()
    assert customer_client.get("/en/app/").status_code == 200  # still signed in


def test_delete_account_removes_every_row_and_signs_out(customer_client, customer, intruder):
    ReportFactory(scan__website__user=customer)
    NotificationFactory(user=customer)
    TicketFactory(user=customer)
    EmailLog.objects.create(user=customer, to_email=customer.email, subject="Hi")
    ReportFactory(scan__website__user=intruder)
    response = customer_client.post("/en/app/account/delete/", {"password": customer.raw_password})
    assert response["Location"] == "/en/"
    assert not User.objects.filter(pk=customer.pk).exists()
    assert not EmailAddress.objects.filter(email=customer.email).exists()
    assert Website.objects.get().user == intruder
    assert SEOScan.objects.get().user == intruder
    assert not Notification.objects.exists() and not SupportTicket.objects.exists()
    log = EmailLog.objects.get()
    assert (log.user, log.to_email, log.subject) == (None, "", "")
    assert customer_client.get("/en/app/").status_code == 302  # signed out


@pytest.mark.parametrize(
    ("path", "tab"), [("email/", "Email address"), ("password/change/", "Password")]
)
def test_allauths_account_pages_keep_the_dashboard_around_them(customer_client, path, tab):
    page = customer_client.get(f"/en/accounts/{path}").content.decode()
    assert 'class="dash-nav"' in page  # the dashboard's navigation
    assert 'href="/en/app/account/" class="dash-nav-link is-current"' in page
    assert f'class="tab is-current" aria-current="page">{tab}</a>' in page
    assert page.count("<h1") == 1 and "<h1>Account</h1>" in page


def test_removing_an_email_address_looks_destructive(customer_client):
    page = customer_client.get("/en/accounts/email/").content.decode()
    remove = re.search(r'<button class="([^"]*)"[^>]*name="action_remove"', page)
    assert remove and "button-danger-outline" in remove.group(1).split()
