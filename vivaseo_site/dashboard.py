"""Small helpers every customer dashboard view shares: sign-in, the user's time zone, lists
that paginate, and POST-only actions that still answer 404 for someone else's object."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

PAGE_SIZE = 25
TIMEZONE_SESSION_KEY = "dashboard_timezone"


def user_timezone_remember(request: HttpRequest, name: str) -> None:
    request.session[TIMEZONE_SESSION_KEY] = name


def _user_timezone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    name = request.session.get(TIMEZONE_SESSION_KEY)
    if name is None:
        # Once per session: later requests read it from the session, not the database.
        from vivaseo_site.accounts.models import ScanConfiguration

        name = (
            ScanConfiguration.objects.filter(user=request.user)
            .values_list("timezone", flat=True)
            .first()
        ) or ""
        user_timezone_remember(request, name)
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _unwrap(user):
    if isinstance(user, SimpleLazyObject):
        user.pk  # noqa: B018  (evaluates the lazy object)
        return user._wrapped
    return user


def customer_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; dates render in the user's time zone (ScanConfiguration.timezone)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Services get the User itself, not the lazy wrapper (type(user) must be User).
        request.user = _unwrap(request.user)
        zone = _user_timezone(request)
        if zone is None:
            return view(request, *args, **kwargs)
        with timezone.override(zone):
            response = view(request, *args, **kwargs)
            # TemplateResponse renders late; render it while the time zone is active.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response

    return wrapper


def post_only(request: HttpRequest) -> HttpResponse | None:
    """405 for anything but POST; call it after the owner's object was looked up, so another
    user's id is a 404 whatever the method."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def get_only(request: HttpRequest) -> HttpResponse | None:
    """405 for anything but GET and HEAD (pages and downloads); call it after the owner's
    object was looked up, like post_only."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return None


def paginate(request: HttpRequest, items, *, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


# Messages that carry this tag get a link to the plans (templates/dashboard/base.html).
UPGRADE_TAG = "upgrade"


def plan_limit_message(request: HttpRequest, refused) -> None:
    """Tell the customer what their plan refused (a billing LimitReached), with the link to
    upgrade."""
    messages.error(request, refused.decision.message, extra_tags=UPGRADE_TAG)
