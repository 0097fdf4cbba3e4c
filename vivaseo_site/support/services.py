"""Writes for support tickets: customers open and answer them, visitors write through the
contact page, staff reply."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from vivaseo_site.core.languages import user_language
from vivaseo_site.core.links import absolute_url
from vivaseo_site.core.queue import task_queue_on_commit
from vivaseo_site.notifications.models import EmailLog, Notification
from vivaseo_site.notifications.services import email_send, notification_create

from .models import MESSAGE_MAX_LENGTH, SupportTicket, TicketReply

REOPENING_STATUSES = (SupportTicket.Status.RESOLVED, SupportTicket.Status.CLOSED)
# support/tasks.py's task: it kept the name it had in the notifications app, as queued
# messages carry it.
REPLY_EMAIL_TASK = "notifications.send_support_reply_email"


@transaction.atomic
def ticket_create(
    *,
    user,
    subject: str,
    message: str,
    category: str = SupportTicket.Category.TECHNICAL,
    scan=None,
) -> SupportTicket:
    if scan is not None and scan.user_id != user.pk:
        raise ValidationError(_("You can only link one of your own audits."))
    return SupportTicket.objects.create(
        user=user, subject=subject.strip(), message=message.strip(), category=category, scan=scan
    )


def contact_message_compose(*, message: str, extra_answers: Sequence[tuple[str, str]] = ()) -> str:
    """The ticket's message from a contact form: what the person wrote, then each answer to a
    field the marketers added, as "Label: answer" lines (empty answers left out)."""
    lines = [f"{label}: {answer}" for label, answer in extra_answers if str(answer).strip()]
    return "\n\n".join(part for part in (message.strip(), "\n".join(lines)) if part)


@transaction.atomic
def ticket_create_from_contact_form(
    *,
    name: str,
    email: str,
    subject: str,
    message: str,
    extra_answers: Sequence[tuple[str, str]] = (),
    user=None,
) -> SupportTicket:
    """Open a ticket from the website's contact page.

    A signed-in customer's ticket is theirs (it shows in their dashboard); a visitor's has no
    user, and the name and address they typed are how staff answer. Both keep what was typed.
    Raises ValidationError (on "message") when the message with the extra answers is longer
    than a ticket holds.
    """
    body = contact_message_compose(message=message, extra_answers=extra_answers)
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                "message": _(
                    "Your message is too long: keep it under %(limit)s characters, "
                    "answers included."
                )
                % {"limit": number_format(MESSAGE_MAX_LENGTH, force_grouping=True)}
            }
        )
    return SupportTicket.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        contact_name=name.strip(),
        contact_email=email.strip(),
        subject=subject.strip(),
        message=body,
        category=SupportTicket.Category.OTHER,
    )


@transaction.atomic
def ticket_reply_add(
    *, ticket: SupportTicket, author, message: str, from_staff: bool | None = None
) -> TicketReply:
    """Add a reply. A customer's reply reopens a resolved ticket; a staff reply tells the
    customer in the dashboard and (after commit) by email."""
    if from_staff is None:
        from_staff = bool(author.is_staff) and author.pk != ticket.user_id
    if not from_staff and author.pk != ticket.user_id:
        raise ValidationError(_("Only the customer or staff can reply to this ticket."))
    if from_staff and ticket.user_id is None:
        # A visitor has no dashboard and no language on file to be told in; answering them
        # belongs to the staff desk (issue 12's follow-up). Until then staff write by email.
        raise ValidationError(
            _("This question came from the contact page: answer %(email)s by email.")
            % {"email": ticket.contact_email}
        )
    reply = TicketReply.objects.create(
        ticket=ticket, author=author, message=message.strip(), from_staff=from_staff
    )
    if from_staff and ticket.status == SupportTicket.Status.OPEN:
        ticket.status = SupportTicket.Status.IN_PROGRESS
    elif not from_staff and ticket.status in REOPENING_STATUSES:
        ticket.status = SupportTicket.Status.OPEN
        ticket.resolved_at = None
    # Saving touches `modified`, which orders the customer's ticket list.
    ticket.save(update_fields=["status", "resolved_at", "modified"])
    if from_staff:
        customer = ticket.user
        with translation.override(user_language(customer)):
            notification_create(
                user=customer,
                kind=Notification.Kind.SUPPORT_REPLY,
                title=_("New reply to “%(subject)s”") % {"subject": ticket.subject},
                message=reply.message[:300],
                action_url=reverse("dashboard:ticket_detail", args=[ticket.pk]),
                metadata={"ticket_id": ticket.pk, "reply_id": reply.pk},
            )
        task_queue_on_commit(REPLY_EMAIL_TASK, reply.pk)
    return reply


def ticket_reply_email_send(*, reply_id: int) -> EmailLog | None:
    reply = (
        TicketReply.objects.select_related("ticket", "ticket__user")
        .filter(pk=reply_id, from_staff=True)
        .first()
    )
    if reply is None:
        return None
    customer = reply.ticket.user
    with translation.override(user_language(customer)):
        ticket_url = absolute_url(reverse("dashboard:ticket_detail", args=[reply.ticket_id]))
    return email_send(
        to=customer.email,
        template="support_reply",
        context={"ticket": reply.ticket, "reply": reply, "ticket_url": ticket_url},
        user=customer,
    )
