import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import override_settings

from tests.plans import audits_left
from vivaseo_site.accounts.models import ScanConfiguration, User

pytestmark = pytest.mark.django_db


def test_user_has_uuid_email_login_and_defaults(make_user):
    user = make_user(email="Ana@Example.com")
    assert user.email == "ana@example.com"
    assert len(str(user.pk)) == 36
    assert audits_left(user) == 5  # the free plan, this month
    assert user.trial_used is False
    assert user.preferred_language == "en"


def test_every_user_gets_a_scan_configuration_however_created():
    user = User.objects.create_user(email="plain@example.com", password="x" * 12)
    assert ScanConfiguration.objects.filter(user=user).count() == 1
    superuser = User.objects.create_superuser(email="boss@example.com", password="x" * 12)
    assert superuser.scan_configuration.frequency == "weekly"


def test_signup_requires_email_verification_then_logs_in(client, site_tree):
    response = client.post(
        "/nl/accounts/signup/",
        {
            "email": "new@example.com",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.preferred_language == "nl"
    assert ScanConfiguration.objects.filter(user=user).exists()
    # Not signed in until the address is verified.
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", mail.outbox[0].body).group(0)
    path = re.sub(r"^https?://[^/]+", "", link)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new@example.com").verified
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_by_email_with_unverified_address_is_refused(client, site_tree):
    user = User.objects.create_user(email="waiting@example.com", password="a-long-passphrase-42")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client.post(
        "/en/accounts/login/", {"login": "waiting@example.com", "password": "a-long-passphrase-42"}
    )
    assert "_auth_user_id" not in client.session


def test_login_by_email_works_and_shows_no_username_field(client, site_tree, make_user):
    make_user(email="ok@example.com")
    page = client.get("/en/accounts/login/").content.decode()
    assert 'name="login"' in page and 'type="email"' in page
    assert "username" not in page.lower()
    response = client.post(
        "/en/accounts/login/", {"login": "ok@example.com", "password": "a-long-passphrase-42"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/m/ip"})
def test_failed_logins_are_rate_limited(client, site_tree, make_user):
    make_user(email="target@example.com")
    for _ in range(3):
        client.post("/en/accounts/login/", {"login": "target@example.com", "password": "wrong"})
    response = client.post(
        "/en/accounts/login/", {"login": "target@example.com", "password": "a-long-passphrase-42"}
    )
    # The right password is refused too while the limit holds.
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(client, site_tree, make_user):
    make_user(email="forgot@example.com")
    client.post("/en/accounts/password/reset/", {"email": "forgot@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+", mail.outbox[0].body)
    path = re.sub(r"^https?://[^/]+", "", link.group(0))
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_path,
        {"password1": "another-long-passphrase-7", "password2": "another-long-passphrase-7"},
    )
    assert response.status_code == 302
    assert User.objects.get(email="forgot@example.com").check_password("another-long-passphrase-7")


def test_bootstrap_demo_is_idempotent_and_demo_users_can_sign_in(client, site_tree):
    from django.core.management import call_command

    call_command("bootstrap_demo", "--quiet-credentials")
    call_command("bootstrap_demo", "--quiet-credentials")
    assert User.objects.filter(email__endswith="@vivaseo.local").count() == 2
    staff = User.objects.get(email="staff@vivaseo.local")
    assert staff.is_staff and staff.is_superuser
    response = client.post(
        "/en/accounts/login/", {"login": "staff@vivaseo.local", "password": "demo-staff-2026"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
