from django.conf import settings


def site(request):
    return {
        "SITE_NAME": "VivaSEO",
        "SITE_URL": settings.SITE_URL,
        "SUPPORT_EMAIL": settings.VIVASEO_SUPPORT_EMAIL,
    }
