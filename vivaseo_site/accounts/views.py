"""Customer dashboard: profile, scheduled audits and their emails, deleting the account."""

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from billing.selectors import LimitReached, may
from vivaseo_site.core.ratelimits import action_rate_limit
from vivaseo_site.dashboard import customer_view, post_only, user_timezone_remember

from . import services
from .forms import AccountDeleteForm, ProfileForm, ScheduleForm
from .selectors import audit_email_recipient, verified_account_email


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
    # Read before the form is bound: a bound ModelForm writes its input into the instance.
    email_status = _notification_email_status(request.user, configuration)
    previous_email = configuration.notification_email
    form = ScheduleForm(request.POST or None, instance=configuration)
    context = {"form": form, "nav": "account", "account_tab": "schedule"} | email_status
    # The plan's word on schedules, shown above the form (with the link to the plans).
    context["schedule_refused"] = may(request.user, "schedule_audits").message
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        email = values.pop("notification_email")
        if email.strip().lower() != previous_email.lower() and (
            limited := action_rate_limit(request=request, action="notification_email_change")
        ):
            # Nothing is saved; the form comes back as it was typed, with the reason.
            messages.error(request, limited)
            return render(request, "dashboard/account/schedule.html", context, status=429)
        try:
            services.scan_configuration_update(user=request.user, **values)
        except LimitReached as refused:
            # Nothing is saved; the form comes back as it was typed, with the plan's reason.
            form.add_error(None, refused.decision.message)
            return render(request, "dashboard/account/schedule.html", context)
        user_timezone_remember(request, values["timezone"])
        messages.success(request, _("Your audit schedule was saved."))
        _notification_email_change(request, email)
        return redirect("dashboard:account_schedule")
    return render(request, "dashboard/account/schedule.html", context)


def _notification_email_status(user, configuration) -> dict:
    return {
        "pending_email": (
            configuration.notification_email if configuration.notification_email_pending else ""
        ),
        "link_sent_at": configuration.notification_email_link_sent_at,
        "audit_emails_to": audit_email_recipient(user=user),
    }


def _notification_email_change(request, email: str) -> None:
    user = request.user
    try:
        result = services.notification_email_change(user=user, email=email)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return
    if result == services.NotificationEmailChange.LINK_SENT:
        messages.info(
            request,
            _(
                "We sent a link to %(email)s. Audit emails go there once you follow it; until "
                "then they go to %(account)s."
            )
            % {"email": email, "account": verified_account_email(user=user) or user.email},
        )
    elif result == services.NotificationEmailChange.CONFIRMED:
        messages.info(request, _("Audit emails now go to %(email)s.") % {"email": email})
    elif result == services.NotificationEmailChange.CLEARED:
        messages.info(
            request,
            _("Audit emails go to your account's address, %(email)s.")
            % {"email": verified_account_email(user=user) or user.email},
        )


@customer_view
def notification_email_resend(request):
    if refused := post_only(request):
        return refused
    try:
        services.notification_email_link_request(user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        configuration = services.scan_configuration_ensure(user=request.user)
        messages.info(
            request,
            _("We sent a new link to %(email)s.") % {"email": configuration.notification_email},
        )
    return redirect("dashboard:account_schedule")


@customer_view
def notification_email_cancel(request):
    if refused := post_only(request):
        return refused
    services.notification_email_cancel(user=request.user)
    messages.info(
        request,
        _("The new address was dropped. Audit emails go to %(email)s.")
        % {"email": audit_email_recipient(user=request.user) or request.user.email},
    )
    return redirect("dashboard:account_schedule")


def notification_email_confirm(request, token: str):
    """The link in the confirmation email. Works signed out (the address may be a colleague's);
    GET only shows what will happen, so a mail scanner that opens links confirms nothing."""
    context = {"confirmed": False, "error": ""}
    try:
        if request.method == "POST":
            configuration = services.notification_email_confirm(token=token)
            context["confirmed"] = True
        else:
            configuration = services.notification_email_link_check(token=token)
        context["address"] = configuration.notification_email
    except ValidationError as error:
        context["error"] = error.messages[0]
        context["already_confirmed"] = error.code == "used"
    return render(
        request,
        "dashboard/account/notification_email_confirm.html",
        context,
        status=400 if context["error"] and not context.get("already_confirmed") else 200,
    )


@customer_view
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    # Each try is a password guess: allauth's reauthentication limit (per user) applies.
    if request.method == "POST" and not ratelimit.consume(
        request, action="reauthenticate", user=request.user
    ):
        messages.error(request, _("Too many attempts. Wait a minute, then try again."))
        return redirect("dashboard:account_delete")
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


def email_verification_resend(request):
    """The "Send the email again" form of allauth's check-your-inbox page, signed in or not.

    The answer is the same whether or not the address has an account, and each try counts
    against allauth's signup limit per IP address (the button is part of signing up).
    """
    if refused := post_only(request):
        return refused
    if ratelimit.consume(request, action="signup"):
        services.email_verification_resend(request=request, email=request.POST.get("email", ""))
    messages.info(
        request,
        _(
            "If this address is waiting to be confirmed, a new link is on its way. It can take "
            "a few minutes; check your spam folder too."
        ),
    )
    return redirect("account_email_verification_sent")
