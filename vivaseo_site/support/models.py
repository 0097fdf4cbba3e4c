from django.conf import settings
from django.contrib import admin
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
    """A question to staff; the conversation is its replies.

    A customer asks from the dashboard (``user`` is set). A visitor who is not signed in asks
    through the website's contact page (cms.ContactPage): ``user`` is empty and the name and
    address they typed are the only way to answer them. A signed-in customer's contact form
    keeps both. Every ticket has someone to answer (the constraint below).
    """

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
        null=True,
        blank=True,
        related_name="support_tickets",
        verbose_name=_("customer"),
        help_text=_("Empty when a visitor wrote through the contact page."),
    )
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_email = models.EmailField(
        _("email address"), blank=True, help_text=_("Where the contact form's writer is answered.")
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
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(contact_email=""),
                name="supportticket_has_someone_to_answer",
                violation_error_message=_(
                    "Choose a customer, or give the email address of the person who wrote."
                ),
            ),
        ]

    def __str__(self):
        return self.subject

    @admin.display(description=_("from"))
    def requester(self) -> str:
        """The admin's column: the customer, or the visitor's name and address."""
        if self.user is not None:
            return str(self.user)
        if self.contact_name:
            return f"{self.contact_name} <{self.contact_email}>"
        return self.contact_email


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
