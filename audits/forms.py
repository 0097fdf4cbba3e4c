"""Forms of the customer dashboard for websites and audits.

Lengths come from the models (one source): a form refuses what the database would refuse.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from audits import crawl_settings
from audits.models import Website
from audits.services.websites import MAX_PAGES_CHOICES, page_limit
from audits.website_address import website_url_clean

NAME_MAX_LENGTH = Website._meta.get_field("name").max_length
NOTES_MAX_LENGTH = Website._meta.get_field("description").max_length
DEFAULT_PAGE_LIMIT = page_limit(crawl_settings.DEFAULT_MAX_PAGES)


class AuditSettingsForm(forms.Form):
    """How an audit crawls: asked when a website is added and for every later audit."""

    max_pages = forms.TypedChoiceField(
        label=_("Pages to audit"),
        choices=[(n, n) for n in MAX_PAGES_CHOICES],
        coerce=int,
        initial=DEFAULT_PAGE_LIMIT,
        # Not posted (a script, a page from before the field): today's default.
        required=False,
        empty_value=DEFAULT_PAGE_LIMIT,
        help_text=_("The audit stops after this many pages."),
    )
    render_js = forms.BooleanField(
        label=_("Render JavaScript"),
        required=False,
        help_text=_("For sites that build their pages in the browser. Slower."),
    )


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
