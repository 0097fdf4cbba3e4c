from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message in a user's in-app notification centre."""

    class Kind(models.TextChoices):
        SCAN_COMPLETE = "scan_complete", _("Audit complete")
        SCAN_FAILED = "scan_failed", _("Audit failed")
        SUPPORT_REPLY = "support_reply", _("Support reply")
        SUBSCRIPTION = "subscription", _("Subscription")
        SYSTEM = "system", _("System")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(_("message"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM
    )
    is_read = models.BooleanField(_("read"), default=False)
    is_archived = models.BooleanField(_("archived"), default=False)
    action_url = models.CharField(_("link"), max_length=500, blank=True)
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # Set for messages delivered once (an audit's announcement): the unique constraint below
    # makes "once" hold when two workers deliver the same message at the same moment.
    once_key = models.CharField(_("delivered once as"), max_length=200, blank=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "is_archived", "is_read"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "once_key"],
                condition=~models.Q(once_key=""),
                name="notification_delivered_once",
            )
        ]

    def __str__(self):
        return self.title


class EmailLog(models.Model):
    """Every email the platform sent or tried to send, for support and audit."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Deliberately not sent (a daily limit); error_message says why.
        SKIPPED = "skipped", _("Skipped")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="email_logs",
        verbose_name=_("user"),
    )
    # Blank once the account is deleted: the row stays for counts, the address goes.
    to_email = models.EmailField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    template = models.CharField(_("template"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    error_message = models.TextField(_("error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("email log entry")
        verbose_name_plural = _("email log")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.to_email}: {self.subject}"
