from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from audits.views import bot as bot_views
from vivaseo_site.accounts import views as account_views
from vivaseo_site.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # VivaSEOBot's user agent links here (no language prefix: the address is in every request).
    path("bot", bot_views.bot, name="bot"),
    # Staff sign in through allauth (rate limits, verification); Wagtail's own form is unused.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="admin_login_redirect",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # dj-stripe's webhook endpoint: /stripe/webhook/<uuid>/ (billing_bootstrap prints it);
    # every event's Stripe-Signature is checked against the endpoint's secret.
    path("stripe/", include("djstripe.urls", namespace="djstripe")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    # Before allauth's URLs: its confirm-email/<key>/ would take "resend" for a key.
    path(
        "accounts/confirm-email/resend/",
        account_views.email_verification_resend,
        name="account_email_verification_resend",
    ),
    path("accounts/", include("allauth.urls")),
    path("app/account/subscription/", include("billing.urls")),
    path("app/", include("vivaseo_site.app_urls")),
    # Wagtail's page serving stays last: it matches every remaining path.
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler404 = "vivaseo_site.core.views.page_not_found"
handler500 = "vivaseo_site.core.views.server_error"
# Not a Django handler: allauth's rate limits render it (allauth.core.internal.ratelimit).
handler429 = "vivaseo_site.core.views.too_many_requests"
