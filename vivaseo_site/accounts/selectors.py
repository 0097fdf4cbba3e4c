"""Reads for accounts."""

from allauth.account.models import EmailAddress

from .models import DeletedAddress, ScanConfiguration, User, email_digest


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


def deleted_account_usage(*, email: str, start, end):
    """The audits a deleted account with ``email`` used, as a values queryset (a row per
    address hash, so at most one), when it was
    deleted in [start, end): they count for a new account with that address in that period."""
    return DeletedAddress.objects.filter(
        email_digest=email_digest(email), deleted_at__gte=start, deleted_at__lt=end
    ).values("audits_used")


def audits_used_before_deletion(*, email: str, start, end) -> int:
    row = deleted_account_usage(email=email, start=start, end=end).first()
    return row["audits_used"] if row else 0
