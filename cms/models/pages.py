"""The marketing site's pages: home, features, pricing, FAQ and the standard text pages.

The tree: a HomePage per language under the root; under it the features, pricing and FAQ
pages, standard pages (about, privacy, terms), which may nest, the blog (cms.models.blog) and
the contact page (cms.models.contact).
Every type inherits Wagtail's SEO title and search description (the Promote tab), which the
base template reads.
"""

from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from billing.selectors import plans_for_display, user_plan
from cms.blocks import ContentStreamBlock, FAQItemBlock, SectionStreamBlock


class HomePage(Page):
    hero_title = models.CharField(_("hero title"), max_length=200, blank=True)
    hero_text = models.TextField(_("hero text"), blank=True)
    hero_cta_label = models.CharField(_("button label"), max_length=60, blank=True)
    body = RichTextField(_("body"), blank=True)
    sections = StreamField(
        SectionStreamBlock(),
        verbose_name=_("sections"),
        blank=True,
        help_text=_("Shown below the hero: features, social proof, questions, calls to action."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("hero_cta_label"),
        FieldPanel("body"),
        FieldPanel("sections"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.StandardPage",
        "cms.FeaturesPage",
        "cms.FAQPage",
        "cms.PricingPage",
        "cms.BlogIndexPage",
        "cms.ContactPage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")


class StandardPage(Page):
    """A page of text: about, privacy, terms, the cookie notice."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(ContentStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class FeaturesPage(Page):
    intro = models.TextField(_("introduction"), blank=True)
    sections = StreamField(SectionStreamBlock(), verbose_name=_("sections"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("sections")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("features page")


class FAQPage(Page):
    """Questions and answers, also given to search engines as FAQPage structured data."""

    intro = models.TextField(_("introduction"), blank=True)
    questions = StreamField([("question", FAQItemBlock())], verbose_name=_("questions"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("questions")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("FAQ page")

    def structured_data(self) -> dict:
        """schema.org FAQPage (https://schema.org/FAQPage) for the page's head."""
        return {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": block.value["question"],
                    "acceptedAnswer": {
                        "@type": "Answer",
                        "text": strip_tags(str(block.value["answer"])).strip(),
                    },
                }
                for block in self.questions
            ],
        }


class PricingPage(Page):
    """The plans and what they cost, read from billing (its plans selector)."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(
        SectionStreamBlock(),
        verbose_name=_("below the plans"),
        blank=True,
        help_text=_("Shown below the plans: questions about paying, a call to action."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("pricing page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        user = getattr(request, "user", None)
        context["plans"] = plans_for_display()
        context["current_plan"] = (
            user_plan(user).limits if user is not None and user.is_authenticated else None
        )
        return context
