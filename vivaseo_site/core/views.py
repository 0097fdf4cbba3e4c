from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from .selectors import platform_status


@never_cache
def healthz(request):
    status = platform_status()
    return JsonResponse(status, status=200 if status["ok"] else 503)


def bot(request):
    """What VivaSEOBot is: the page its user agent links to."""
    from audits.crawl_settings import bot_user_agent

    return render(request, "bot.html", {"user_agent": bot_user_agent()})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


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
