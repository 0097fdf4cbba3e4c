from django.conf import settings


class UserLanguageMiddleware:
    """Signed-in users see the interface in their preferred language outside /en/ and /nl/.

    Placed between authentication and LocaleMiddleware: it only fills in the language cookie
    when the browser sent none, so a URL prefix (i18n_patterns) still wins on the public site.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            request.COOKIES.setdefault(settings.LANGUAGE_COOKIE_NAME, user.preferred_language)
        return self.get_response(request)
