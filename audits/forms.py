"""Forms of the customer dashboard for websites and audits.

Lengths come from the models (one source): a form refuses what the database would refuse.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.models import Website
from audits.services.scans import usual_page_limit
from audits.services.websites import MAX_PAGES_CHOICES, MAX_PAGES_LIMIT
from audits.website_address import website_url_clean

NAME_MAX_LENGTH = Website._meta.get_field("name").max_length
NOTES_MAX_LENGTH = Website._meta.get_field("description").max_length


def page_choices(limits) -> list[int]:
    """The page limits offered to a customer on a plan with ``limits`` (billing.PlanLimits):
    the usual steps up to the plan's own limit, which is offered too."""
    allowed = min(limits.pages_per_audit or MAX_PAGES_LIMIT, MAX_PAGES_LIMIT)
    choices = [n for n in MAX_PAGES_CHOICES if n <= allowed]
    return choices if allowed in choices else [*choices, allowed]


class AuditSettingsForm(forms.Form):
    """How an audit crawls: asked when a website is added and for every later audit, within
    what the customer's plan (``limits``, a billing.PlanLimits) allows."""

    max_pages = forms.TypedChoiceField(
        label=_("Pages to audit"),
        coerce=int,
        # Not posted (a script, a page from before the field): the usual page limit.
        required=False,
        help_text=_("The audit stops after this many pages."),
    )
    render_js = forms.BooleanField(
        label=_("Render JavaScript"),
        required=False,
        help_text=_("For sites that build their pages in the browser. Slower."),
    )

    def __init__(self, *args, limits, **kwargs):
        super().__init__(*args, **kwargs)
        choices = page_choices(limits)
        usual = usual_page_limit(limits)
        field = self.fields["max_pages"]
        field.choices = [(n, n) for n in choices]
        field.empty_value = usual
        self.initial.setdefault("max_pages", usual)
        if limits.pages_per_audit is not None:
            field.help_text = _(
                "The audit stops after this many pages. Your %(plan)s plan audits up to "
                "%(count)d pages."
            ) % {"plan": limits.display_name, "count": choices[-1]}
        if not limits.javascript_rendering:
            rendering = self.fields["render_js"]
            rendering.disabled = True
            rendering.help_text = _(
                "JavaScript rendering is not included in your %(plan)s plan."
            ) % {"plan": limits.display_name}


class WebsiteAddForm(AuditSettingsForm):
    url = forms.CharField(
        label=_("Website address"),
        max_length=Website._meta.get_field("url").max_length,
        widget=forms.TextInput(
            attrs={
                "placeholder": "https://example.com",
                "autocomplete": "url",
                "inputmode": "url",
                "autofocus": True,
            }
        ),
        help_text=_("The page the audit starts from, usually your home page."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("Optional. We use the domain name when you leave it empty."),
    )
    description = forms.CharField(
        label=_("Notes"),
        max_length=NOTES_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = ["url", "name", "description", "max_pages", "render_js"]

    def clean_url(self) -> str:
        # The check the audit's start makes too (audits.website_address): what passes here
        # can be crawled. DNS and duplicates are the service's part.
        return website_url_clean(self.cleaned_data["url"])


class WebsiteEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    description = forms.CharField(
        label=_("Notes"),
        max_length=NOTES_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ScanStartForm(AuditSettingsForm):
    pass
