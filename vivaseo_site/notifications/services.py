"""Writes for notifications: the in-app centre and every email the platform sends.

`email_send` is the one way an email leaves VivaSEO: it renders ``templates/emails/<name>.*``
in the recipient's language, sends through Django's email backend (anymail's Resend backend
when ``RESEND_API_KEY`` is set) and writes an `EmailLog` row. It never raises: a failed send is
logged and recorded, because an email must never break the audit or the request behind it.

Audit emails go only to an address someone proved is theirs (`audit_email_recipient`), and at
most ``VIVASEO_AUDIT_EMAILS_PER_DAY`` a day per user: they carry the customer's website names.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vivaseo_site.accounts.selectors import audit_email_recipient

from .models import EmailLog, Notification
from .selectors import audit_emails_sent_today

logger = logging.getLogger(__name__)

LANGUAGES = {code for code, _name in settings.LANGUAGES}


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
) -> Notification:
    return Notification.objects.create(
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


def user_language(user) -> str:
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    return language if language in LANGUAGES else settings.LANGUAGE_CODE


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


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
    language = language if language in LANGUAGES else user_language(user)
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


def welcome_email_send(*, user_id) -> EmailLog | None:
    """The welcome email, once per user (confirming a second address later sends nothing)."""
    from vivaseo_site.accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    if EmailLog.objects.filter(user=user, template="welcome", status=EmailLog.Status.SENT).exists():
        return None
    with translation.override(user_language(user)):
        dashboard_url = absolute_url(reverse("dashboard:home"))
        add_website_url = absolute_url(reverse("dashboard:website_add"))
    return email_send(
        to=user.email,
        template="welcome",
        context={
            "dashboard_url": dashboard_url,
            "add_website_url": add_website_url,
            "free_audits": user.free_usage,
        },
        user=user,
    )


def _audit_email_skip_reason(user) -> str:
    limit = settings.VIVASEO_AUDIT_EMAILS_PER_DAY
    if audit_emails_sent_today(user=user) >= limit:
        # For staff reading the email log: in the site's language, whoever the email was for.
        with translation.override(settings.LANGUAGE_CODE):
            return _("Daily limit reached: %(limit)d audit emails per user in 24 hours.") % {
                "limit": limit
            }
    return ""


def notify_scan_finished(*, scan_id: int) -> Notification | None:
    """Tell the owner an audit completed or failed: in the dashboard, and by email if wanted.

    Idempotent: a scan is announced once, however often the pipeline calls this. Cancelled and
    unfinished scans are not announced.
    """
    from audits.models import SEOScan
    from audits.website_selectors import report_recommendations

    scan = (
        SEOScan.objects.select_related("website", "user", "user__scan_configuration")
        .filter(pk=scan_id)
        .first()
    )
    if scan is None or scan.status not in (SEOScan.Status.COMPLETED, SEOScan.Status.FAILED):
        return None
    user = scan.user
    kind = (
        Notification.Kind.SCAN_COMPLETE
        if scan.status == SEOScan.Status.COMPLETED
        else Notification.Kind.SCAN_FAILED
    )
    with transaction.atomic():
        if Notification.objects.filter(user=user, kind=kind, metadata__scan_id=scan.pk).exists():
            return None
        language = user_language(user)
        with translation.override(language):
            scan_path = reverse("dashboard:scan_detail", args=[scan.pk])
            website_path = reverse("dashboard:website_detail", args=[scan.website_id])
            site_name = str(scan.website)
            if kind == Notification.Kind.SCAN_COMPLETE:
                report = getattr(scan, "report", None)
                score = report.overall_score if report else None
                title = _("Audit of %(site)s complete") % {"site": site_name}
                message = (
                    _("Score %(score)s/100 across %(pages)s pages.")
                    % {"score": score, "pages": scan.pages_crawled}
                    if score is not None
                    else _("%(pages)s pages audited.") % {"pages": scan.pages_crawled}
                )
                template = "audit_complete"
                priority = Notification.Priority.MEDIUM
                context = {
                    "score": score,
                    "top_issues": report_recommendations(report, language=language, limit=3),
                }
            else:
                title = _("Audit of %(site)s failed") % {"site": site_name}
                message = scan.error_message or _("The audit could not be completed.")
                template = "audit_failed"
                priority = Notification.Priority.HIGH
                context = {"reason": message, "website_url": absolute_url(website_path)}
        notification = notification_create(
            user=user,
            kind=kind,
            title=title,
            message=message,
            action_url=scan_path,
            priority=priority,
            metadata={"scan_id": scan.pk, "website_id": scan.website_id},
        )
    address = audit_email_recipient(user=user)
    if address:
        email_send(
            to=address,
            template=template,
            context={
                **context,
                "scan": scan,
                "website": scan.website,
                "scan_url": absolute_url(scan_path),
            },
            user=user,
            language=language,
            skip_reason=_audit_email_skip_reason(user),
        )
    return notification
