from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from vivaseo_site.core.models import TimeStampedModel

# A long question with a pasted error log fits; a 240 KB paste does not (it was accepted once).
MESSAGE_MAX_LENGTH = 10_000


def _message_field(verbose_name, **kwargs) -> models.TextField:
    """A TextField held to MESSAGE_MAX_LENGTH: the validator for forms and the admin, the
    model's check constraint (_max_length_constraint) for every other write."""
    return models.TextField(
        verbose_name,
        max_length=MESSAGE_MAX_LENGTH,
        validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)],
        **kwargs,
    )


def _max_length_constraint(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), MESSAGE_MAX_LENGTH), name=name
    )


class SupportTicket(TimeStampedModel):
    """A customer's question to staff; the conversation is its replies."""

    class Category(models.TextChoices):
        TECHNICAL = "technical", _("Technical")
        BILLING = "billing", _("Billing")
        FEATURE_REQUEST = "feature_request", _("Feature request")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="support_tickets",
        verbose_name=_("customer"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    message = _message_field(_("message"))
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.TECHNICAL
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="open")
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM
    )
    scan = models.ForeignKey(
        "audits.SEOScan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_tickets",
        verbose_name=_("audit"),
    )
    admin_notes = _message_field(_("staff notes"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("support ticket")
        verbose_name_plural = _("support tickets")
        ordering = ["-modified"]
        constraints = [
            _max_length_constraint("message", "supportticket_message_max_length"),
            _max_length_constraint("admin_notes", "supportticket_admin_notes_max_length"),
        ]

    def __str__(self):
        return self.subject


class TicketReply(models.Model):
    ticket = models.ForeignKey(
        SupportTicket, on_delete=models.CASCADE, related_name="replies", verbose_name=_("ticket")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="ticket_replies",
        verbose_name=_("author"),
    )
    message = _message_field(_("message"))
    from_staff = models.BooleanField(_("from staff"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created"]
        constraints = [_max_length_constraint("message", "ticketreply_message_max_length")]

    def __str__(self):
        return f"{self.ticket}: {self.created:%Y-%m-%d %H:%M}"
