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
