"""Writes for support tickets: customers open and answer them, staff reply."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from vivaseo_site.core.languages import user_language
from vivaseo_site.core.links import absolute_url
from vivaseo_site.core.queue import task_queue_on_commit
from vivaseo_site.notifications.models import EmailLog, Notification
from vivaseo_site.notifications.services import email_send, notification_create

from .models import SupportTicket, TicketReply

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
