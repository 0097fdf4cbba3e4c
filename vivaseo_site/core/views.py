from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .selectors import platform_status


@never_cache
def healthz(request):
    status = platform_status()
    return JsonResponse(status, status=200 if status["ok"] else 503)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
