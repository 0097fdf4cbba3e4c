"""Reads for notifications."""

from django.db.models import QuerySet

from .models import Notification

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
