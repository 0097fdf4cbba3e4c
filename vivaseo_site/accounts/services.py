"""Writes for accounts."""

from dataclasses import dataclass

from django.db import transaction

from .models import ScanConfiguration, User


def scan_configuration_ensure(*, user: User) -> ScanConfiguration:
    """Every user has exactly one ScanConfiguration; create it if missing."""
    configuration, _created = ScanConfiguration.objects.get_or_create(user=user)
    return configuration


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


@transaction.atomic
def demo_users_ensure() -> tuple[DemoAccount, ...]:
    """The demo customer and staff user exist, can sign in, and have a verified email."""
    from allauth.account.models import EmailAddress

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
    "notification_email",
    "email_notifications",
)


def scan_configuration_update(*, user: User, **values) -> ScanConfiguration:
    """Set the schedule and notification settings; unknown names are a programming error."""
    unknown = set(values) - set(SCAN_CONFIGURATION_FIELDS)
    if unknown:
        raise TypeError(f"Not ScanConfiguration settings: {sorted(unknown)}")
    configuration = scan_configuration_ensure(user=user)
    for name, value in values.items():
        setattr(configuration, name, value)
    configuration.save(update_fields=[*values, "modified"])
    return configuration


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and everything it owns (websites, audits, reports and their PDF
    files, notifications, tickets, schedules); email log rows stay, without the user."""
    from audits.models import SEOReport
    from audits.websites import report_files_delete_on_commit

    report_files_delete_on_commit(reports=SEOReport.objects.filter(scan__user=user))
    user.delete()
