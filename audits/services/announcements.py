"""Telling a customer their audit finished: audits writes the message, notifications delivers it.

The title, text, links and email of an "audit complete" or "audit failed" announcement are
written here, from audits' own rows, in the owner's language; vivaseo_site.notifications only
shows and sends the `Message` (it knows nothing of scans). Audit emails go only to an address
someone proved is theirs (`audit_email_recipient`), and at most
``VIVASEO_AUDIT_EMAILS_PER_DAY`` a day per user: they carry the customer's website names.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from audits.models import SEOScan
from audits.selectors.websites import report_recommendations
from vivaseo_site.accounts.selectors import audit_email_recipient
from vivaseo_site.core.languages import user_language
from vivaseo_site.core.links import absolute_url
from vivaseo_site.notifications.models import Notification
from vivaseo_site.notifications.selectors import emails_sent_today
from vivaseo_site.notifications.services import Message, OutgoingEmail, notification_deliver

# The emails the daily cap (settings.VIVASEO_AUDIT_EMAILS_PER_DAY) counts.
AUDIT_EMAIL_TEMPLATES = ("audit_complete", "audit_failed")
TOP_ISSUES = 3


def _audit_email_skip_reason(user) -> str:
    limit = settings.VIVASEO_AUDIT_EMAILS_PER_DAY
    if emails_sent_today(user=user, templates=AUDIT_EMAIL_TEMPLATES) >= limit:
        # For staff reading the email log: in the site's language, whoever the email was for.
        with translation.override(settings.LANGUAGE_CODE):
            return _("Daily limit reached: %(limit)d audit emails per user in 24 hours.") % {
                "limit": limit
            }
    return ""


def scan_finished_message(*, scan: SEOScan) -> Message:
    """The announcement of a completed or failed ``scan``, in its owner's language."""
    user = scan.user
    language = user_language(user)
    with translation.override(language):
        scan_path = reverse("dashboard:scan_detail", args=[scan.pk])
        website_path = reverse("dashboard:website_detail", args=[scan.website_id])
        site_name = str(scan.website)
        if scan.status == SEOScan.Status.COMPLETED:
            report = getattr(scan, "report", None)
            score = report.overall_score if report else None
            kind = Notification.Kind.SCAN_COMPLETE
            title = _("Audit of %(site)s complete") % {"site": site_name}
            text = (
                _("Score %(score)s/100 across %(pages)s pages.")
                % {"score": score, "pages": scan.pages_crawled}
                if score is not None
                else _("%(pages)s pages audited.") % {"pages": scan.pages_crawled}
            )
            template = "audit_complete"
            priority = Notification.Priority.MEDIUM
            context = {
                "score": score,
                "top_issues": report_recommendations(report, language=language, limit=TOP_ISSUES),
            }
        else:
            kind = Notification.Kind.SCAN_FAILED
            title = _("Audit of %(site)s failed") % {"site": site_name}
            text = scan.error_message or _("The audit could not be completed.")
            template = "audit_failed"
            priority = Notification.Priority.HIGH
            context = {"reason": text, "website_url": absolute_url(website_path)}
    address = audit_email_recipient(user=user)
    email = None
    if address:
        email = OutgoingEmail(
            to=address,
            template=template,
            context={
                **context,
                "scan": scan,
                "website": scan.website,
                "scan_url": absolute_url(scan_path),
            },
            skip_reason=_audit_email_skip_reason(user),
        )
    return Message(
        kind=kind,
        title=title,
        text=text,
        language=language,
        action_url=scan_path,
        priority=priority,
        metadata={"scan_id": scan.pk, "website_id": scan.website_id},
        once_per=("scan_id",),
        email=email,
    )


def scan_finished_announce(*, scan_id: int) -> Notification | None:
    """Tell the owner an audit completed or failed: in the dashboard, and by email if wanted.

    Idempotent: a scan is announced once, however often the pipeline calls this. Cancelled and
    unfinished scans are not announced.
    """
    scan = (
        SEOScan.objects.select_related("website", "user", "user__scan_configuration")
        .filter(pk=scan_id, status__in=(SEOScan.Status.COMPLETED, SEOScan.Status.FAILED))
        .first()
    )
    if scan is None:
        return None
    return notification_deliver(user=scan.user, message=scan_finished_message(scan=scan))
