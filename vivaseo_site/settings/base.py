"""Settings shared by every environment.

Every value that varies between machines is read from the environment here, in one place.
Defaults are the embedded shape (SQLite, a file-system broker, local media, console email) so
a laptop needs no server; ``DATABASE_URL`` and ``REDIS_URL`` switch to the production shape.
Base is secure by default: dev and test relax only what they must.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

# Everything the embedded shape writes (SQLite, broker folders, media, cache) lives here.
VAR_DIR = Path(env.str("VIVASEO_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Public address of the site, used in emails, the crawler's user agent and absolute links.
SITE_URL = env.str("VIVASEO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Project apps first so their templates override third-party ones.
    "vivaseo_site.core",
    "vivaseo_site.accounts",
    "vivaseo_site.notifications",
    "vivaseo_site.support",
    "audits",
    "billing",
    "cms",
    # Wagtail and wagtail-localize
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # allauth
    "allauth",
    "allauth.account",
    # Celery beat's database scheduler
    "django_celery_beat",
    # Stripe objects mirrored in our database, and the webhook endpoint (billing/)
    "djstripe",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    # wagtailsearch's IndexEntry uses SearchVectorField/GinIndex on PostgreSQL (postgres.E005).
    "django.contrib.postgres",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Authentication before LocaleMiddleware so a signed-in user's language can be used.
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vivaseo_site.core.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "vivaseo_site.urls"
WSGI_APPLICATION = "vivaseo_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "vivaseo_site.core.context_processors.site",
                "vivaseo_site.notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a worker writes; IMMEDIATE transactions take the
    # write lock up front, so concurrent writers wait (timeout) instead of failing mid-way.
    # https://docs.djangoproject.com/en/6.0/ref/databases/#sqlite-init-command
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Fail in seconds when PostgreSQL is unreachable instead of waiting out TCP (minutes): a
    # request, and /healthz, then says so. ?connect_timeout= in DATABASE_URL takes precedence.
    # https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-CONNECT-TIMEOUT
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, shared by web and worker processes ---------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Auth and allauth ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# https://docs.allauth.org/en/latest/account/configuration.html
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "vivaseo_site.accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[VivaSEO] "
# Rate limits are on by default in allauth and are stored in the cache above.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
LOGIN_URL = "account_login"
# A URL name, so customers land on the dashboard in their language (/en/app/, /nl/app/).
LOGIN_REDIRECT_URL = "dashboard:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"

# --- Rate limits and the proxy in front (hardening: web tier) --------------------------------
# How many proxies of ours append to X-Forwarded-For: allauth's per-IP limits take the client's
# address that many entries from the right. 0 (no proxy) by default; 1 behind the TLS proxy of
# docs/deploy.md. Never more than you run: entries further left are the client's to forge.
# https://docs.allauth.org/en/latest/common/configuration.html
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# Our own write actions, per signed-in user (the contact page: per client address, as above),
# counted in the cache above (django-ratelimit; rates read "20/h", "5/10m").
# https://django-ratelimit.readthedocs.io/en/stable/rates.html
RATELIMIT_USE_CACHE = "default"
VIVASEO_RATE_LIMITS = {
    "website_add": env.str("VIVASEO_RATE_LIMIT_WEBSITE_ADD", default="20/h"),
    "scan_start": env.str("VIVASEO_RATE_LIMIT_SCAN_START", default="30/h"),
    "ticket_create": env.str("VIVASEO_RATE_LIMIT_TICKET_CREATE", default="5/h"),
    "notification_email_change": env.str("VIVASEO_RATE_LIMIT_NOTIFICATION_EMAIL", default="5/h"),
    "contact_form": env.str("VIVASEO_RATE_LIMIT_CONTACT_FORM", default="5/h"),
}

# --- Health and DNS (hardening: web tier) ----------------------------------------------------
# /healthz gives everyone ok / not ok; staff, and callers sending "Authorization: Bearer
# <token>", also get each component's detail. Empty: no token is accepted.
VIVASEO_HEALTHZ_TOKEN = env.str("VIVASEO_HEALTHZ_TOKEN", default="")
# Beat saves its schedule after every send, so /healthz sees beat's last send within a minute
# (django-celery-beat's last_run_at; Celery's default saves every 3 minutes).
CELERY_BEAT_SYNC_EVERY = 1
# Adding a website looks its host up with this deadline in seconds, whatever DNS does.
VIVASEO_DNS_TIMEOUT = env.float("VIVASEO_DNS_TIMEOUT", default=2.0)
# Name servers for that lookup ("9.9.9.9", "[2620:fe::fe]:53", "127.0.0.1:5353");
# empty: the system's (/etc/resolv.conf).
VIVASEO_DNS_NAMESERVERS = env.list("VIVASEO_DNS_NAMESERVERS", default=[])

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
# One readable date format per language (2 December 2026 / 2 december 2026, 24-hour time).
# https://docs.djangoproject.com/en/6.0/ref/settings/#format-module-path
FORMAT_MODULE_PATH = ["vivaseo_site.formats"]
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- Static and media files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Files (PDF reports) go to Cloudinary when CLOUDINARY_URL is set (the cloudinary package reads
# it), to MEDIA_ROOT otherwise. https://cloudinary.com/documentation/django_integration
CLOUDINARY_URL = env.str("CLOUDINARY_URL", default="")
STORAGES = {
    "default": {
        "BACKEND": (
            "vivaseo_site.core.storage.CloudinaryStorage"
            if CLOUDINARY_URL
            else "django.core.files.storage.FileSystemStorage"
        )
    },
    # https://whitenoise.readthedocs.io/en/stable/django.html#add-compression-and-caching-support
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Email ------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="VivaSEO <noreply@vivaseo.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people write to us: the contact link on the "check your inbox" page and in the emails
# about signing in (support tickets in the dashboard need an account).
VIVASEO_SUPPORT_EMAIL = env.str("VIVASEO_SUPPORT_EMAIL", default="support@vivaseo.local")
RESEND_API_KEY = env.str("RESEND_API_KEY", default="")
if RESEND_API_KEY:
    # https://anymail.dev/en/stable/esps/resend/
    EMAIL_BACKEND = "anymail.backends.resend.EmailBackend"
    ANYMAIL = {"RESEND_API_KEY": RESEND_API_KEY}
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Audit emails (hardening: email relay) -------------------------------------------------
# At most this many audit emails (complete / failed) per user in any 24 hours; the rest are
# logged as skipped and still shown in the dashboard. Keeps a customer's website names from
# being relayed in bulk, even to addresses they confirmed.
VIVASEO_AUDIT_EMAILS_PER_DAY = env.int("VIVASEO_AUDIT_EMAILS_PER_DAY", default=20)
# How long the link that confirms a new notification address works.
VIVASEO_NOTIFICATION_EMAIL_LINK_HOURS = env.int("VIVASEO_NOTIFICATION_EMAIL_LINK_HOURS", default=72)

# --- Stripe (billing/, through dj-stripe) ---------------------------------------------------
# Without STRIPE_SECRET_KEY the site runs without payments: plans and limits still show, and
# upgrading says payments are not configured. https://dj-stripe.dev/docs/2.11/installation/
STRIPE_LIVE_MODE = env.bool("STRIPE_LIVE_MODE", default=False)
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLIC_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
# The signing secret (whsec_...) of the endpoint Stripe posts events to; billing_bootstrap
# stores it on dj-stripe's endpoint row, which checks every event's Stripe-Signature with it.
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Another address for the Stripe API (a local fake in tests); empty: Stripe's own. Not
# dj-stripe's STRIPE_API_HOST, which warns outside DEBUG (billing/apps.py applies this one).
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# https://dj-stripe.dev/docs/2.11/reference/settings/
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
DJSTRIPE_WEBHOOK_VALIDATION = "verify_signature"

# --- Wagtail ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "VivaSEO"
WAGTAILADMIN_BASE_URL = SITE_URL
# Staff sign in through allauth, so its rate limits and verification apply to the admin too.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

# --- Celery -------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# Without REDIS_URL the broker is a folder on disk (see vivaseo_site/broker.py for why this
# transport and not SQLAlchemy): worker, beat and web still run as separate processes.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = REDIS_URL or "vivafs://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": 3 * 3600}
    if REDIS_URL
    else {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "polling_interval": 0.05,
    }
)
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only when done, and put back if its worker dies, so nothing is lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=20 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=25 * 60)
# (layers) Every task runs under the two limits above (an audit stops crawling at the soft one
# and still writes its report). Rendering one PDF is much shorter, so a stuck render is cut
# sooner. https://docs.celeryq.dev/en/stable/userguide/workers.html#time-limits
VIVASEO_PDF_SOFT_TIME_LIMIT = env.int("VIVASEO_PDF_SOFT_TIME_LIMIT", default=5 * 60)
VIVASEO_PDF_TIME_LIMIT = env.int("VIVASEO_PDF_TIME_LIMIT", default=6 * 60)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# An audit's fetching and parsing run in a forked process of their own, beside the database
# writes (audits/engine/crawl_process.py); False keeps them in a thread of the same process.
VIVASEO_CRAWL_IN_PROCESS = env.bool("VIVASEO_CRAWL_IN_PROCESS", default=True)
# (hardening: chromium) Audits that render JavaScript go to this queue when it is set, for
# render workers of their own (docs/deploy.md); empty: the default queue, like every task.
# https://docs.celeryq.dev/en/stable/userguide/routing.html#routers
VIVASEO_RENDER_QUEUE = env.str("VIVASEO_RENDER_QUEUE", default="")
CELERY_TASK_ROUTES = ["audits.routing.scan_task_route"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Security (secure by default; dev and test relax) ---------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview shows pages in a same-origin iframe, so DENY would break editing;
# the deploy check's W019 asks for DENY, hence it is silenced for this reason only.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Health checks come over plain HTTP from the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d: %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
