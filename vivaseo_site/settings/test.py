"""Test settings: the same shape as dev, fast password hashing, a private folder per run.

The worker process that end-to-end tests start inherits ``VIVASEO_VAR_DIR`` from the test
process, so both share the SQLite file, the broker folder and the cache.
"""

import os
import tempfile

os.environ.setdefault("VIVASEO_VAR_DIR", tempfile.mkdtemp(prefix="vivaseo-test-"))
# The crawler refuses loopback addresses; tests serve their sites on 127.0.0.1.
os.environ.setdefault("VIVASEO_CRAWL_ALLOW_NETWORKS", "127.0.0.0/8")

from .dev import *  # noqa: E402, F403
from .dev import DATABASES, VAR_DIR, env  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Rate limits are tested on their own; most tests log in many times.
ACCOUNT_RATE_LIMITS = False

_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a Celery worker process can open the same test database.
    _db["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
if env.bool("VIVASEO_USE_TEST_DATABASE", default=False):
    # Set by the test fixtures for the worker they start: connect to the database the test
    # run created, not the development one.
    _db["NAME"] = _db.get("TEST", {}).get("NAME") or f"test_{_db['NAME']}"
