"""Forms of the customer dashboard's account pages."""

import zoneinfo
from functools import cache

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ScanConfiguration, User
from .services import SCAN_CONFIGURATION_FIELDS


@cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    )
    return [("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names)]


class ProfileForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=User._meta.get_field("first_name").max_length,
        required=False,
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=User._meta.get_field("last_name").max_length,
        required=False,
    )
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=User.Language.choices,
        help_text=_("The dashboard, your emails and your reports use this language."),
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        help_text=_("Dates are shown, and scheduled audits run, in this time zone."),
    )


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = ScanConfiguration
        # The address is set through its own service (it has to be confirmed first).
        fields = [*SCAN_CONFIGURATION_FIELDS, "notification_email"]
        labels = {
            "scheduled_scans_enabled": _("Audit my active websites automatically"),
            "email_notifications": _("Email me when an audit completes or fails"),
        }
        help_texts = {
            "time_of_day": _("In your time zone, for example 06:00."),
            "notification_email": _(
                "Leave empty to use your account's email address. We send a new address a "
                "link to confirm it before any audit email goes there."
            ),
        }
        widgets = {"time_of_day": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"] = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _(
                    "That is not your current password, so nothing was deleted. Type the "
                    "password you sign in with."
                ),
                code="incorrect_password",
            )
        return password
