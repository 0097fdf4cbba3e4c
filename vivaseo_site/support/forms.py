from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from audits.selectors.websites import scans_for_user

from .models import MESSAGE_MAX_LENGTH, SupportTicket


class TicketForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"), max_length=SupportTicket._meta.get_field("subject").max_length
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=SupportTicket.Category.choices,
        initial=SupportTicket.Category.TECHNICAL,
    )
    scan = forms.ModelChoiceField(
        label=_("About an audit"),
        queryset=None,
        required=False,
        empty_label=_("No audit"),
        help_text=_("Optional: link the audit your question is about."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("What happened, and what did you expect? Links help."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this user's audits can be chosen (and posted: the queryset validates the id).
        self.fields["scan"].queryset = scans_for_user(user=user)
        self.fields["scan"].label_from_instance = self._scan_label

    @staticmethod
    def _scan_label(scan) -> str:
        when = formats.date_format(timezone.localtime(scan.created), "SHORT_DATETIME_FORMAT")
        return f"{scan.website} · {when} · {scan.get_status_display()}"


class ReplyForm(forms.Form):
    message = forms.CharField(
        label=_("Your reply"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
