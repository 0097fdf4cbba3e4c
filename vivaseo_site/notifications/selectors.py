"""Reads for notifications."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .models import EmailLog, Notification

FILTERS = ("all", "unread", "archived")


def notifications_unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, is_read=False, is_archived=False).count()


def notifications_for_user(*, user, show: str = "all") -> QuerySet[Notification]:
    """``show``: "all" (the inbox: not archived), "unread" or "archived"."""
    notifications = Notification.objects.filter(user=user)
    if show == "archived":
        return notifications.filter(is_archived=True)
    notifications = notifications.filter(is_archived=False)
    if show == "unread":
        notifications = notifications.filter(is_read=False)
    return notifications


def notifications_recent(*, user, limit: int = 5) -> list[Notification]:
    return list(Notification.objects.filter(user=user, is_archived=False)[:limit])


def emails_sent_today(*, user, templates: tuple[str, ...]) -> int:
    """Emails of ``templates`` sent to ``user`` in the last 24 hours (for a daily cap)."""
    return EmailLog.objects.filter(
        user=user,
        template__in=templates,
        status=EmailLog.Status.SENT,
        created__gte=timezone.now() - timedelta(days=1),
    ).count()
