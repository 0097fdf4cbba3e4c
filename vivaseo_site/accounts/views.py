"""Customer dashboard: profile, scheduled audits and deleting the account."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from vivaseo_site.dashboard import customer_view, user_timezone_remember

from . import services
from .forms import AccountDeleteForm, ProfileForm, ScheduleForm


@customer_view
def account_profile(request):
    user = request.user
    configuration = services.scan_configuration_ensure(user=user)
    form = ProfileForm(
        request.POST or None,
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
            "timezone": configuration.timezone,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=user, **form.cleaned_data)
        user_timezone_remember(request, form.cleaned_data["timezone"])
        language = form.cleaned_data["preferred_language"]
        # Speak the new language from this very response on: the message, the URL prefix
        # and the cookie the language switcher also sets.
        with translation.override(language):
            messages.success(request, _("Your profile was saved."))
            response = redirect(reverse("dashboard:account"))
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
    return render(request, "dashboard/account/profile.html", {"form": form, "nav": "account"})


@customer_view
def account_schedule(request):
    configuration = services.scan_configuration_ensure(user=request.user)
    form = ScheduleForm(request.POST or None, instance=configuration)
    if request.method == "POST" and form.is_valid():
        services.scan_configuration_update(user=request.user, **form.cleaned_data)
        user_timezone_remember(request, form.cleaned_data["timezone"])
        messages.success(request, _("Your audit schedule was saved."))
        return redirect("dashboard:account_schedule")
    return render(
        request,
        "dashboard/account/schedule.html",
        {"form": form, "nav": "account", "account_tab": "schedule"},
    )


@customer_view
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.user_delete(user=user)
        messages.success(request, _("Your account and all its data were deleted."))
        return redirect(f"/{translation.get_language()}/")
    return render(
        request,
        "dashboard/account/delete.html",
        {"form": form, "nav": "account", "account_tab": "delete"},
    )
