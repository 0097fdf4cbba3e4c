import uuid
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from vivaseo_site.core.models import TimeStampedModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin, TimeStampedModel):
    """A person who signs in with an email address: a customer, or staff when is_staff."""

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        DUTCH = "nl", _("Dutch")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Staff can sign in to the admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    trial_used = models.BooleanField(_("trial used"), default=False)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self):
        return self.first_name or self.email


class ScanConfiguration(TimeStampedModel):
    """How and when a user's websites are audited automatically, and who hears about it."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        BI_WEEKLY = "bi_weekly", _("Every two weeks")
        MONTHLY = "monthly", _("Monthly")

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="scan_configuration", verbose_name=_("user")
    )
    scheduled_scans_enabled = models.BooleanField(_("scheduled audits"), default=False)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    time_of_day = models.TimeField(_("time of day"), default="06:00")
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    notification_email = models.EmailField(
        _("notification email"),
        blank=True,
        help_text=_("Where audit emails go once the address is confirmed."),
    )
    # The address its owner proved to be theirs (by a link, or as the account's own verified
    # address). Audit emails go to notification_email only while it equals this one, so an
    # address changed by any route (the admin, a shell) is pending again, never trusted.
    notification_email_verified = models.EmailField(_("confirmed notification email"), blank=True)
    # A fresh random value per pending address: a link carries it, confirming clears it, so a
    # link works once and only for the address it was sent to.
    notification_email_token = models.CharField(
        _("notification email token"), max_length=64, blank=True, editable=False
    )
    notification_email_link_sent_at = models.DateTimeField(
        _("confirmation link sent"), null=True, blank=True
    )
    email_notifications = models.BooleanField(_("email notifications"), default=True)

    class Meta:
        verbose_name = _("scan configuration")
        verbose_name_plural = _("scan configurations")

    def __str__(self):
        return f"{self.user}: {self.get_frequency_display()}"

    @property
    def notification_email_confirmed(self) -> bool:
        return bool(self.notification_email) and (
            self.notification_email.lower() == self.notification_email_verified.lower()
        )

    @property
    def notification_email_pending(self) -> bool:
        return bool(self.notification_email) and not self.notification_email_confirmed


# How long a deleted account's usage is remembered: the audits it used count in the period it
# was deleted in (a calendar month on the free tier), so older rows are of no use and pruned.
DELETED_ADDRESS_MEMORY = timedelta(days=62)


def email_digest(email: str) -> str:
    """A keyed hash of an address: equal for the same address however it is capitalised, and
    no use for finding out which address it was (a plain SHA-256 of an address can be guessed
    from a list of addresses). Keyed with SECRET_KEY: rotating it forgets every row, and a new
    account then starts with the usual free audits."""
    normalized = email.strip().lower()
    return salted_hmac(
        "vivaseo.accounts.deleted-address", normalized, algorithm="sha256"
    ).hexdigest()


class DeletedAddress(models.Model):
    """How many audits a deleted account had used in the month it was deleted, under the hash
    of each address it had verified: deleting an account and signing up again with the same
    address does not give a new month of free audits. Only the hash is kept, never the
    address."""

    email_digest = models.CharField(_("address hash"), max_length=64, unique=True)
    audits_used = models.PositiveIntegerField(_("audits used in the month deleted"))
    deleted_at = models.DateTimeField(_("deleted"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("deleted address")
        verbose_name_plural = _("deleted addresses")

    def __str__(self):
        return self.email_digest[:12]
