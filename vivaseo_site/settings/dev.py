"""Laptop settings: the embedded shape, plain HTTP and an insecure secret key.

Nothing falls back to these: `scripts/start.sh` names them (scripts/start.env, with debug off so
the product looks as users see it), and so do the test settings built on them.
"""

from .base import *  # noqa: F403
from .base import STORAGES, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# bootstrap_demo may create the demo accounts (their passwords are in the README) only under
# settings that say so; production does not (vivaseo_site/accounts/services.py).
VIVASEO_DEMO_ACCOUNTS_ALLOWED = True

# Plain HTTP on a laptop.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0

# Static files with debug off and no collectstatic: WhiteNoise finds them in the app folders
# and picks up edits; plain names, since the hashed ones need collectstatic's manifest.
# https://whitenoise.readthedocs.io/en/stable/django.html#WHITENOISE_USE_FINDERS
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
