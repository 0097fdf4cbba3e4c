"""Which language to speak to a user when there is no request to ask (emails, workers, PDFs)."""

from django.conf import settings

LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


def language_supported(language: str | None) -> bool:
    return language in LANGUAGES


def user_language(user) -> str:
    """The user's preferred language when we speak it, the site's language otherwise."""
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    return language if language in LANGUAGES else settings.LANGUAGE_CODE
