"""Forms of the customer dashboard for websites and audits."""

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.services.websites import MAX_PAGES_CHOICES


class WebsiteAddForm(forms.Form):
    url = forms.CharField(
        label=_("Website address"),
        max_length=500,
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
        max_length=200,
        required=False,
        help_text=_("Optional. We use the domain name when you leave it empty."),
    )
    description = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class WebsiteEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ScanStartForm(forms.Form):
    max_pages = forms.TypedChoiceField(
        label=_("Pages to audit"),
        choices=[(n, n) for n in MAX_PAGES_CHOICES],
        coerce=int,
        initial=MAX_PAGES_CHOICES[-1],
        help_text=_("The audit stops after this many pages."),
    )
    render_js = forms.BooleanField(
        label=_("Render JavaScript"),
        required=False,
        help_text=_("For sites that build their pages in the browser. Slower."),
    )
