"""Writes for notifications: the in-app centre and every email the platform sends.

`email_send` is the one way an email leaves VivaSEO: it renders ``templates/emails/<name>.*``
in the recipient's language, sends through Django's email backend (anymail's Resend backend
when ``RESEND_API_KEY`` is set) and writes an `EmailLog` row. It never raises: a failed send is
logged and recorded, because an email must never break the audit or the request behind it.

`notification_deliver` delivers a `Message` another app wrote (audits announces finished
audits with it): the in-app notification and, when the message carries one, its email. This
app knows how to deliver, never what the other apps' rows mean.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from vivaseo_site.core.languages import language_supported, user_language

from .models import EmailLog, Notification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutgoingEmail:
    """An email of a message: ``emails/<template>.*`` rendered with ``context``. With a
    ``skip_reason`` it is only logged as skipped (a daily cap the sender applies)."""

    to: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    skip_reason: str = ""


@dataclass(frozen=True)
class Message:
    """What to tell a user, already written in ``language`` by the app it comes from."""

    kind: str  # Notification.Kind
    title: str
    text: str
    language: str
    action_url: str = ""  # a path on this site
    priority: str = Notification.Priority.MEDIUM
    metadata: dict[str, Any] = field(default_factory=dict)
    # Metadata keys that make it one of a kind: delivered once per user, kind and these values.
    once_per: tuple[str, ...] = ()
    email: OutgoingEmail | None = None


# --- In-app notifications -----------------------------------------------------------------


def notification_create(
    *,
    user,
    kind: str,
    title: str,
    message: str = "",
    action_url: str = "",
    priority: str = Notification.Priority.MEDIUM,
    metadata: dict | None = None,
    once_key: str = "",
) -> Notification:
    return Notification.objects.create(
        once_key=once_key,
        user=user,
        kind=kind,
        title=title[:200],
        message=message,
        action_url=action_url,
        priority=priority,
        metadata=metadata or {},
    )


def notification_mark_read(*, notification: Notification) -> Notification:
    if not notification.is_read:
        notification.is_read = True
        notification.save(update_fields=["is_read"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of ``user`` read; returns how many changed."""
    return Notification.objects.filter(user=user, is_read=False).update(is_read=True)


def notification_archive(*, notification: Notification) -> Notification:
    # Archiving also reads it: an archived item must not keep the header badge lit.
    notification.is_archived = True
    notification.is_read = True
    notification.save(update_fields=["is_archived", "is_read"])
    return notification


# --- Email --------------------------------------------------------------------------------


def email_send(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    user=None,
    language: str | None = None,
    skip_reason: str = "",
) -> EmailLog:
    """Render ``emails/<template>.{subject.txt,txt,html}`` in ``language`` and send it.

    ``language`` defaults to the user's preferred language. Never raises: the result is the
    `EmailLog` row, whose status says whether the backend accepted the message. With a
    ``skip_reason`` nothing is sent: the row records the email as skipped, and why.
    """
    language = language if language_supported(language) else user_language(user)
    context = {"user": user, "SITE_URL": settings.SITE_URL, "SITE_NAME": "VivaSEO", **context}
    log = EmailLog(user=user, to_email=to, template=template, subject=template)
    try:
        with translation.override(language):
            subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
            log.subject = subject[:255]
            if skip_reason:
                log.status = EmailLog.Status.SKIPPED
                log.error_message = skip_reason
            else:
                text_body = render_to_string(f"emails/{template}.txt", context)
                html_body = render_to_string(f"emails/{template}.html", context)
        if not skip_reason:
            message = EmailMultiAlternatives(
                subject=subject, body=text_body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
            )
            message.attach_alternative(html_body, "text/html")
            message.send()
            log.status = EmailLog.Status.SENT
            log.sent_at = timezone.now()
    except Exception as error:
        logger.exception("email %r to %s failed", template, to)
        log.status = EmailLog.Status.FAILED
        log.error_message = f"{type(error).__name__}: {error}"[:2000]
    log.save()
    return log


def notification_deliver(*, user, message: Message) -> Notification | None:
    """Show ``message`` in the user's notification centre, then send its email if it has one.

    With ``message.once_per`` it is delivered once: None when a notification of the same kind
    with the same values under those metadata keys was delivered before.
    """
    once_key = ""
    if message.once_per:
        values = ",".join(f"{key}={message.metadata.get(key)}" for key in message.once_per)
        once_key = f"{message.kind}:{values}"[:200]
        earlier = {f"metadata__{key}": message.metadata.get(key) for key in message.once_per}
        # Rows written before once_key existed are found by their metadata.
        if Notification.objects.filter(user=user, kind=message.kind, **earlier).exists():
            return None
    try:
        with transaction.atomic():
            notification = notification_create(
                user=user,
                kind=message.kind,
                title=message.title,
                message=message.text,
                action_url=message.action_url,
                priority=message.priority,
                metadata=message.metadata,
                once_key=once_key,
            )
    except IntegrityError:
        # Another worker delivered the same message a moment ago; its email went with it.
        return None
    if message.email is not None:
        email_send(
            to=message.email.to,
            template=message.email.template,
            context=message.email.context,
            user=user,
            language=message.language,
            skip_reason=message.email.skip_reason,
        )
    return notification
