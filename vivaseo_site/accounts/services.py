"""Writes for accounts."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vivaseo_site.core.languages import user_language
from vivaseo_site.core.links import absolute_url
from vivaseo_site.notifications.models import EmailLog
from vivaseo_site.notifications.services import email_send

from .models import DELETED_ADDRESS_MEMORY, DeletedAddress, ScanConfiguration, User, email_digest
from .selectors import (
    user_owns_verified_email,
    verified_account_email,
)


def scan_configuration_ensure(*, user: User) -> ScanConfiguration:
    """Every user has exactly one ScanConfiguration; create it if missing."""
    configuration, _created = ScanConfiguration.objects.get_or_create(user=user)
    return configuration


def user_locked(*, user: User) -> User:
    """``user``'s row read fresh and locked until the transaction ends (call inside
    ``transaction.atomic``): what the plan allows is decided one request at a time
    (PostgreSQL; SQLite's IMMEDIATE transactions take turns anyway)."""
    return User.objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    preferred_language: str = User.Language.ENGLISH,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    user = User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        preferred_language=preferred_language,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    scan_configuration_ensure(user=user)
    return user


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str


DEMO_ACCOUNTS = (
    DemoAccount(role="customer", email="demo@vivaseo.local", password="demo-customer-2026"),
    DemoAccount(role="staff", email="staff@vivaseo.local", password="demo-staff-2026"),
)


class DemoAccountsRefused(Exception):
    """The settings in use do not allow accounts whose passwords are published."""


def demo_accounts_allowed() -> bool:
    """Only settings/dev.py (and test, built on it) allow the demo accounts: production, and
    any settings module added later, refuse them unless it opts in."""
    return getattr(settings, "VIVASEO_DEMO_ACCOUNTS_ALLOWED", False)


@transaction.atomic
def demo_users_ensure() -> tuple[DemoAccount, ...]:
    """The demo customer and staff user exist, can sign in, and have a verified email.

    Their passwords are in the README, so a deployment that has them has a public superuser.
    """
    from allauth.account.models import EmailAddress

    if not demo_accounts_allowed():
        raise DemoAccountsRefused(
            f"Demo accounts have published passwords; {settings.SETTINGS_MODULE} does not allow "
            "them. Create the first staff account with `manage.py createsuperuser` instead."
        )
    for account in DEMO_ACCOUNTS:
        is_staff = account.role == "staff"
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = user_create(
                email=account.email,
                password=account.password,
                first_name="Demo",
                last_name="Staff" if is_staff else "Customer",
                is_staff=is_staff,
                is_superuser=is_staff,
            )
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
    return DEMO_ACCOUNTS


@transaction.atomic
def demo_users_lock_out() -> list[str]:
    """Lock out demo accounts that still have their published password (older deployments
    created them on every start); returns their emails. An account whose password was
    changed belongs to whoever changed it and is left alone."""
    locked = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email, is_active=True).first()
        if user is not None and user.check_password(account.password):
            # A new password hash also ends every session signed in with the old one.
            user.set_unusable_password()
            user.is_active = False
            user.save(update_fields=["password", "is_active", "modified"])
            locked.append(account.email)
    return locked


@transaction.atomic
def profile_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    preferred_language: str,
    timezone: str,
) -> User:
    """Name and language on the user; the time zone lives on its ScanConfiguration (the
    schedule and the dashboard's dates both use it)."""
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.preferred_language = preferred_language
    user.save(update_fields=["first_name", "last_name", "preferred_language", "modified"])
    configuration = scan_configuration_ensure(user=user)
    configuration.timezone = timezone
    configuration.save(update_fields=["timezone", "modified"])
    return user


SCAN_CONFIGURATION_FIELDS = (
    "scheduled_scans_enabled",
    "frequency",
    "time_of_day",
    "timezone",
    "email_notifications",
)


def scan_configuration_update(*, user: User, **values) -> ScanConfiguration:
    """Set the schedule and notification settings; unknown names are a programming error.
    Turning schedules on, or making them more frequent, asks the plan first (raises
    billing's LimitReached).

    The notification address is not one of them: `notification_email_change` sets it, so
    that a new address is always confirmed before anything is sent to it."""
    unknown = set(values) - set(SCAN_CONFIGURATION_FIELDS)
    if unknown:
        raise TypeError(f"Not ScanConfiguration settings: {sorted(unknown)}")
    configuration = scan_configuration_ensure(user=user)
    scheduled = values.get("scheduled_scans_enabled", configuration.scheduled_scans_enabled)
    frequency = values.get("frequency", configuration.frequency)
    turned_on = scheduled and not configuration.scheduled_scans_enabled
    if turned_on or (scheduled and frequency != configuration.frequency):
        # Raises billing's LimitReached: no schedules on the plan, or not this often.
        from billing.selectors import may

        may(user, "schedule_audits", frequency=frequency).raise_if_refused()
    for name, value in values.items():
        setattr(configuration, name, value)
    configuration.save(update_fields=[*values, "modified"])
    return configuration


# --- The notification address: confirmed by a link before anything is sent to it ----------

NOTIFICATION_EMAIL_TEMPLATE = "notification_email_confirm"
NOTIFICATION_EMAIL_SALT = "vivaseo.accounts.notification-email"
# The link's email goes to an address nobody has confirmed yet: asking for it again waits a
# minute, and an account gets this many a day.
NOTIFICATION_EMAIL_RESEND_AFTER = timedelta(seconds=60)
NOTIFICATION_EMAIL_LINKS_PER_DAY = 5


class NotificationEmailChange(StrEnum):
    UNCHANGED = "unchanged"
    CLEARED = "cleared"  # audit emails go to the account's own address
    CONFIRMED = "confirmed"  # one of the account's own verified addresses: nothing to confirm
    LINK_SENT = "link_sent"  # pending until its owner follows the link


def notification_email_change(*, user: User, email: str) -> NotificationEmailChange:
    """Ask for audit emails at ``email`` ("" for the account's own address).

    A new address is stored as pending and a confirmation link goes to it (raises
    ValidationError, the address still pending, when too many links were asked for); audit
    emails go to the account's verified address until the link is followed.
    """
    email = email.strip()
    configuration = scan_configuration_ensure(user=user)
    if email.lower() == configuration.notification_email.lower():
        return NotificationEmailChange.UNCHANGED
    configuration.notification_email = email
    configuration.notification_email_token = ""
    configuration.notification_email_link_sent_at = None
    if not email:
        result = NotificationEmailChange.CLEARED
    elif user_owns_verified_email(user=user, email=email):
        configuration.notification_email_verified = email
        result = NotificationEmailChange.CONFIRMED
    else:
        configuration.notification_email_token = secrets.token_urlsafe(32)
        result = NotificationEmailChange.LINK_SENT
    configuration.save(
        update_fields=[
            "notification_email",
            "notification_email_verified",
            "notification_email_token",
            "notification_email_link_sent_at",
            "modified",
        ]
    )
    if result == NotificationEmailChange.LINK_SENT:
        notification_email_link_request(user=user)
    return result


@transaction.atomic
def notification_email_link_request(*, user: User) -> None:
    """Queue the confirmation link for the pending address (again).

    Raises ValidationError when nothing is pending, when a link went out a moment ago, or
    when the day's links are used up.
    """
    from .tasks import send_notification_email_link

    configuration = ScanConfiguration.objects.select_for_update().get(user=user)
    if not configuration.notification_email_pending:
        raise ValidationError(
            _("There is no address waiting for confirmation."), code="nothing_pending"
        )
    now = timezone.now()
    sent_at = configuration.notification_email_link_sent_at
    if sent_at and now - sent_at < NOTIFICATION_EMAIL_RESEND_AFTER:
        raise ValidationError(
            _("We sent a link a moment ago. Wait a minute before asking for another one."),
            code="too_soon",
        )
    links_today = EmailLog.objects.filter(
        user=user, template=NOTIFICATION_EMAIL_TEMPLATE, created__gte=now - timedelta(days=1)
    ).count()
    if links_today >= NOTIFICATION_EMAIL_LINKS_PER_DAY:
        raise ValidationError(
            _(
                "We sent %(count)d confirmation links today already. Look for them in the spam "
                "folder of %(email)s, or try again tomorrow."
            )
            % {"count": links_today, "email": configuration.notification_email},
            code="too_many",
        )
    if not configuration.notification_email_token:
        # Pending since before confirmation links existed (accounts migration 0002).
        configuration.notification_email_token = secrets.token_urlsafe(32)
    configuration.notification_email_link_sent_at = now
    configuration.save(
        update_fields=["notification_email_token", "notification_email_link_sent_at"]
    )
    user_id = str(user.pk)
    transaction.on_commit(lambda: send_notification_email_link.delay(user_id))


def _notification_email_signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=NOTIFICATION_EMAIL_SALT)


def notification_email_link_send(*, user_id) -> EmailLog | None:
    """Email the confirmation link to the pending address, in the owner's language.

    It carries no text the customer typed (no website or first name): it goes to an address
    nobody has confirmed, so it must be good for nothing but confirming.
    """
    configuration = (
        ScanConfiguration.objects.select_related("user")
        .filter(user_id=user_id, user__is_active=True)
        .first()
    )
    if configuration is None or not configuration.notification_email_pending:
        return None
    if not configuration.notification_email_token:
        return None
    user = configuration.user
    token = _notification_email_signer().sign_object(
        {
            "u": str(user.pk),
            "e": configuration.notification_email.lower(),
            "t": configuration.notification_email_token,
        }
    )
    with translation.override(user_language(user)):
        confirm_url = absolute_url(reverse("dashboard:notification_email_confirm", args=[token]))
    return email_send(
        to=configuration.notification_email,
        template=NOTIFICATION_EMAIL_TEMPLATE,
        context={
            "confirm_url": confirm_url,
            "account_email": verified_account_email(user=user) or user.email,
            "address": configuration.notification_email,
            "hours": settings.VIVASEO_NOTIFICATION_EMAIL_LINK_HOURS,
        },
        user=user,
    )


def notification_email_link_check(*, token: str, lock: bool = False) -> ScanConfiguration:
    """The configuration whose pending address ``token`` confirms.

    Raises ValidationError with code "expired", "used" (that address is confirmed already)
    or "invalid" (tampered with, or replaced by a newer address).
    """
    max_age = timedelta(hours=settings.VIVASEO_NOTIFICATION_EMAIL_LINK_HOURS)
    try:
        payload = _notification_email_signer().unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationError(
            _("This link has expired. Ask for a new one on your Scheduled audits page."),
            code="expired",
        ) from None
    except signing.BadSignature:
        payload = None
    configuration = None
    if isinstance(payload, dict) and isinstance(payload.get("u"), str):
        configurations = ScanConfiguration.objects.select_related("user")
        if lock:
            configurations = configurations.select_for_update(of=("self",))
        configuration = configurations.filter(user_id=payload["u"], user__is_active=True).first()
    if configuration is not None:
        if payload.get("e") != configuration.notification_email.lower():
            configuration = None
        elif configuration.notification_email_confirmed:
            raise ValidationError(_("This address is confirmed already."), code="used")
        elif not configuration.notification_email_token or not secrets.compare_digest(
            str(payload.get("t", "")), configuration.notification_email_token
        ):
            configuration = None
    if configuration is None:
        raise ValidationError(
            _(
                "This link no longer works. Use the newest link we sent, or ask for a new one "
                "on your Scheduled audits page."
            ),
            code="invalid",
        )
    return configuration


@transaction.atomic
def notification_email_confirm(*, token: str) -> ScanConfiguration:
    """Follow a confirmation link: its address receives audit emails from now on. Once."""
    configuration = notification_email_link_check(token=token, lock=True)
    configuration.notification_email_verified = configuration.notification_email
    configuration.notification_email_token = ""
    configuration.save(
        update_fields=["notification_email_verified", "notification_email_token", "modified"]
    )
    return configuration


def notification_email_cancel(*, user: User) -> ScanConfiguration:
    """Forget the pending address; the last confirmed one (if any) is used again."""
    configuration = scan_configuration_ensure(user=user)
    if configuration.notification_email_pending:
        configuration.notification_email = configuration.notification_email_verified
        configuration.notification_email_token = ""
        configuration.notification_email_link_sent_at = None
        configuration.save(
            update_fields=[
                "notification_email",
                "notification_email_token",
                "notification_email_link_sent_at",
                "modified",
            ]
        )
    return configuration


# --- Welcome ------------------------------------------------------------------------------


def welcome_email_send(*, user_id) -> EmailLog | None:
    """The welcome email, once per user (confirming a second address later sends nothing)."""
    from billing.selectors import free_limits

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    if EmailLog.objects.filter(user=user, template="welcome", status=EmailLog.Status.SENT).exists():
        return None
    with translation.override(user_language(user)):
        dashboard_url = absolute_url(reverse("dashboard:home"))
        add_website_url = absolute_url(reverse("dashboard:website_add"))
    return email_send(
        to=user.email,
        template="welcome",
        context={
            "dashboard_url": dashboard_url,
            "add_website_url": add_website_url,
            # A new account is on the free plan: what it includes each month.
            "free_audits": free_limits().audits_per_period,
        },
        user=user,
    )


# --- Deleting an account ------------------------------------------------------------------


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and everything it owns: websites, audits (a running one is cancelled
    first), reports with their PDF files in every language, notifications, tickets and
    schedules. Email log rows stay for the counts, without user, address or subject."""
    # accounts sits below audits and billing (they import accounts.models); deleting an
    # account is the one place where it reaches up, so these imports stay here.
    from audits.models import SEOReport, SEOScan
    from audits.services.report_files import report_pdfs_delete_on_commit
    from audits.services.scans import scan_cancel

    # Locked first: a worker writing pages for one of these audits waits for us, then finds
    # its audit gone and stops; no page can slip in between collecting the rows and deleting.
    scans = SEOScan.objects.select_for_update().filter(user=user).order_by("pk")
    for scan in scans:
        if scan.status in SEOScan.ACTIVE_STATUSES:
            scan_cancel(scan=scan, user=user)
    report_pdfs_delete_on_commit(reports=SEOReport.objects.filter(scan__user=user))
    # After the cancels above: an audit cancelled before it crawled is not counted.
    deleted_addresses_remember(user=user)
    addresses = {user.email, *user.emailaddress_set.values_list("email", flat=True)}
    configuration = ScanConfiguration.objects.filter(user=user).first()
    if configuration is not None:
        addresses |= {configuration.notification_email, configuration.notification_email_verified}
    sent_to_user = Q(user=user)
    for address in addresses - {""}:
        sent_to_user |= Q(to_email__iexact=address)
    # The subject names the customer's website or ticket: it goes with the address.
    EmailLog.objects.filter(sent_to_user).update(user=None, to_email="", subject="")
    user.delete()


def deleted_addresses_remember(*, user: User) -> None:
    """Keep the hash of each address the account verified with the audits it used this
    calendar month, for DELETED_ADDRESS_MEMORY; older rows go. Unverified addresses are left
    out: anyone can type someone else's address, and must not spend that person's audits by
    deleting."""
    from billing.selectors import audits_used_this_month

    now = timezone.now()
    DeletedAddress.objects.filter(deleted_at__lt=now - DELETED_ADDRESS_MEMORY).delete()
    used = audits_used_this_month(user=user)
    verified = user.emailaddress_set.filter(verified=True).values_list("email", flat=True)
    for digest in {email_digest(address) for address in verified}:
        DeletedAddress.objects.update_or_create(
            email_digest=digest, defaults={"audits_used": used, "deleted_at": now}
        )


def email_verification_resend(*, request, email: str) -> bool:
    """Send the confirmation link again when an active account waits for ``email`` to be
    confirmed ("Send the email again" on allauth's check-your-inbox page).

    allauth's own limit for these emails applies (ACCOUNT_RATE_LIMITS "confirm_email", per
    address). True when an email went out: for tests and logs only, since the page says the
    same either way and so cannot tell anyone which addresses have an account.
    """
    # Where it is used, like demo_users_ensure's: the only functions here that touch allauth.
    from allauth.account.models import EmailAddress
    from allauth.core import ratelimit

    address = (
        EmailAddress.objects.filter(email__iexact=email.strip(), verified=False)
        .filter(user__is_active=True)
        .select_related("user")
        .first()
    )
    if address is None:
        return False
    if not ratelimit.consume(request, action="confirm_email", key=address.email.lower()):
        return False
    # Until one of its addresses is confirmed, the account is still signing up.
    signing_up = not EmailAddress.objects.filter(user=address.user, verified=True).exists()
    address.send_confirmation(request, signup=signing_up)
    return True
