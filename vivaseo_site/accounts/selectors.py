"""Reads for accounts."""

from allauth.account.models import EmailAddress
from django.utils import timezone

from .models import DELETED_ADDRESS_MEMORY, DeletedAddress, ScanConfiguration, User, email_digest


def verified_account_email(*, user: User) -> str | None:
    """The account's own address as allauth verified it (the primary one first), or None."""
    addresses = EmailAddress.objects.filter(user=user, verified=True).order_by("-primary", "pk")
    return addresses.values_list("email", flat=True).first()


def user_owns_verified_email(*, user: User, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True, email__iexact=email).exists()


def audit_email_recipient(*, user: User) -> str | None:
    """Where audit emails for ``user`` go, or None when nowhere.

    The notification address once its owner confirmed it; until then the account's own
    verified address. Never an address nobody proved to be theirs: audit emails carry the
    customer's website names, so an unconfirmed address would make us a relay.
    """
    # The reverse one-to-one raises a subclass of AttributeError when the row is missing; a
    # caller that select_related() it pays no query here.
    configuration: ScanConfiguration | None = getattr(user, "scan_configuration", None)
    if configuration is not None:
        if not configuration.email_notifications:
            return None
        if configuration.notification_email_confirmed:
            return configuration.notification_email
    return verified_account_email(user=user)


def free_audits_for_new_account(*, email: str) -> int:
    """The free audits an account made for ``email`` starts with: the usual number, or what a
    deleted account with that address had left if it was deleted within the memory period."""
    usual = User._meta.get_field("free_usage").get_default()
    remembered = (
        DeletedAddress.objects.filter(
            email_digest=email_digest(email),
            deleted_at__gte=timezone.now() - DELETED_ADDRESS_MEMORY,
        )
        .values_list("free_usage", flat=True)
        .first()
    )
    return usual if remembered is None else min(usual, remembered)
