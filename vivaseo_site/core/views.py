from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from .selectors import platform_status


@never_cache
def healthz(request):
    """200 or 503 for anyone (load balancers, Docker's HEALTHCHECK); the details, which name
    hosts and carry error texts, only for staff and for the token in VIVASEO_HEALTHZ_TOKEN."""
    status = platform_status()
    code = 200 if status["ok"] else 503
    if not _health_details_allowed(request):
        status = {"ok": status["ok"]}
    return JsonResponse(status, status=code)


def _health_details_allowed(request: HttpRequest) -> bool:
    if request.user.is_authenticated and request.user.is_staff:
        return True
    token = settings.VIVASEO_HEALTHZ_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # An unset token never matches, not even an empty one.
    return bool(token) and scheme.lower() == "bearer" and constant_time_compare(given, token)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def too_many_requests(request, exception=None):
    """allauth's rate limits answer with this page (it looks up ``handler429`` in our urls)."""
    return render(request, "429.html", status=429)


def set_language(request):
    """Django's language switch, which also remembers the choice for a signed-in user
    (their emails and PDFs follow it)."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and request.user.preferred_language != language
    ):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return response
