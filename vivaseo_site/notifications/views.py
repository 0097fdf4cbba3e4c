"""Customer dashboard: the notification centre."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from vivaseo_site.dashboard import customer_view, paginate, post_only

from . import services
from .models import Notification
from .selectors import FILTERS, notifications_for_user


def _notification_or_404(request, pk: int) -> Notification:
    return get_object_or_404(Notification, user=request.user, pk=pk)


def _back(request):
    """Back to the list the action was taken from (its filter and page), never elsewhere."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("dashboard:notification_list")


def _in_current_language(path: str) -> str:
    """The same page in the language the user reads now (links are stored in the language
    the notification was written in)."""
    current = get_language()
    written_in = translation.get_language_from_path(path)
    if not written_in or written_in == current:
        return path
    with translation.override(written_in):
        return translate_url(path, current)


@customer_view
def notification_list(request):
    show = request.GET.get("show", "all")
    if show not in FILTERS:
        show = "all"
    page = paginate(request, notifications_for_user(user=request.user, show=show))
    return render(
        request,
        "dashboard/notifications/list.html",
        {
            "page_obj": page,
            "notifications": page.object_list,
            "show": show,
            "filters": [
                ("all", _("Inbox")),
                ("unread", _("Unread")),
                ("archived", _("Archived")),
            ],
            "nav": "notifications",
        },
    )


@customer_view
def notification_open(request, pk: int):
    """Follow a notification's link (in the current language) and mark it read."""
    notification = _notification_or_404(request, pk)
    if refused := post_only(request):
        return refused
    services.notification_mark_read(notification=notification)
    target = notification.action_url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(_in_current_language(target))
    return redirect("dashboard:notification_list")


@customer_view
def notification_read(request, pk: int):
    notification = _notification_or_404(request, pk)
    if refused := post_only(request):
        return refused
    services.notification_mark_read(notification=notification)
    return _back(request)


@customer_view
def notification_archive(request, pk: int):
    notification = _notification_or_404(request, pk)
    if refused := post_only(request):
        return refused
    services.notification_archive(notification=notification)
    messages.success(request, _("Notification archived."))
    return _back(request)


@customer_view
def notifications_read_all(request):
    if refused := post_only(request):
        return refused
    changed = services.notifications_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            changed,
        )
        % {"count": changed},
    )
    return (
        _back(request)
        if request.POST.get("next")
        else redirect(reverse("dashboard:notification_list"))
    )
