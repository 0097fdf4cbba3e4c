"""Reads for support tickets."""

from django.db.models import Count, Max, Q, QuerySet

from .models import SupportTicket


def tickets_for_user(*, user) -> QuerySet[SupportTicket]:
    """The user's tickets with ``reply_count``, ``staff_reply_count`` and ``last_reply_at``."""
    return (
        SupportTicket.objects.filter(user=user)
        .select_related("scan", "scan__website")
        .annotate(
            reply_count=Count("replies"),
            staff_reply_count=Count("replies", filter=Q(replies__from_staff=True)),
            last_reply_at=Max("replies__created"),
        )
        .order_by("-modified", "-pk")
    )
