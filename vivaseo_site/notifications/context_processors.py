from django.utils.functional import SimpleLazyObject

from .selectors import notifications_unread_count


def notifications(request):
    """The header's unread badge: one COUNT query, only for signed-in users who render it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications_count": SimpleLazyObject(
            lambda: notifications_unread_count(user=user)
        )
    }
