"""The block library of the marketing site: small, named blocks the page types share.

Organised the bakerydemo way: one block per idea, each with its own template under
``templates/cms/blocks/``, grouped into stream blocks: `ContentStreamBlock` (the body of a
text page), `BlogStreamBlock` (a blog post's: the same, plus embeds) and `SectionStreamBlock`
(the sections of the home and features pages). A section
block says ``full_width = True`` in its Meta: it is a band of its own, where the other blocks
sit in the page's text column (templates/cms/includes/stream.html).
"""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock as WagtailEmbedBlock
from wagtail.images.blocks import ImageChooserBlock

# Where a call to action leads. The URLs are resolved when the page renders, in the
# visitor's language and for who they are (a signed-in customer skips the sign-up).
CTA_SIGNUP = "signup"
CTA_FREE_AUDIT = "free_audit"
CTA_TARGETS = [
    (CTA_SIGNUP, _("Sign up")),
    (CTA_FREE_AUDIT, _("Run a free audit")),
]


def call_to_action_url(target: str, *, user=None) -> str:
    """The URL a call to action leads to for ``user`` (None or anonymous: a visitor)."""
    signed_in = user is not None and user.is_authenticated
    if target == CTA_FREE_AUDIT:
        add_website = reverse("dashboard:website_add")
        if signed_in:
            return add_website
        return f"{reverse('account_signup')}?{urlencode({'next': add_website})}"
    return reverse("dashboard:home") if signed_in else reverse("account_signup")


class CallToActionValue(blocks.StructValue):
    def url_for(self, user) -> str:
        return call_to_action_url(self.get("cta_target"), user=user)


class CallToActionFields(blocks.StructBlock):
    """The label and destination every call-to-action block shares."""

    cta_label = blocks.CharBlock(label=_("Button label"), max_length=60, required=False)
    cta_target = blocks.ChoiceBlock(
        label=_("Button leads to"), choices=CTA_TARGETS, default=CTA_FREE_AUDIT
    )

    class Meta:
        value_class = CallToActionValue


class HeroBlock(CallToActionFields):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False)

    class Meta:
        icon = "title"
        label = _("Hero")
        full_width = True
        template = "cms/blocks/hero_block.html"
        form_layout = ["title", "text", "cta_label", "cta_target"]


class FeatureBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=80)
    text = blocks.TextBlock(label=_("Text"))

    class Meta:
        icon = "tick-inverse"
        label = _("Feature")


class FeatureGridBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    intro = blocks.TextBlock(label=_("Introduction"), required=False)
    features = blocks.ListBlock(FeatureBlock(), label=_("Features"), min_num=1)

    class Meta:
        icon = "table"
        label = _("Feature grid")
        full_width = True
        template = "cms/blocks/feature_grid_block.html"


class TestimonialBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    name = blocks.CharBlock(label=_("Name"), max_length=80)
    role = blocks.CharBlock(label=_("Role or company"), max_length=120, required=False)

    class Meta:
        icon = "openquote"
        label = _("Testimonial")


class SocialProofBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120, required=False)
    testimonials = blocks.ListBlock(TestimonialBlock(), label=_("Testimonials"), min_num=1)

    class Meta:
        icon = "group"
        label = _("Social proof")
        full_width = True
        template = "cms/blocks/social_proof_block.html"


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=200)
    answer = blocks.RichTextBlock(
        label=_("Answer"), features=["bold", "italic", "link", "ol", "ul"]
    )

    class Meta:
        icon = "help"
        label = _("Question")
        template = "cms/blocks/faq_item_block.html"


class FAQListBlock(blocks.StructBlock):
    """A few questions with their answers (the FAQ teaser on the home page)."""

    heading = blocks.CharBlock(label=_("Heading"), max_length=120, required=False)
    items = blocks.ListBlock(FAQItemBlock(), label=_("Questions"), min_num=1)

    class Meta:
        icon = "help"
        label = _("Questions and answers")
        full_width = True
        template = "cms/blocks/faq_list_block.html"


class CallToActionBandBlock(CallToActionFields):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False)

    class Meta:
        icon = "pick"
        label = _("Call to action band")
        full_width = True
        template = "cms/blocks/cta_band_block.html"
        form_layout = ["title", "text", "cta_label", "cta_target"]


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it (and search engines)."),
    )
    caption = blocks.CharBlock(label=_("Caption"), max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image_block.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), max_length=120, required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote_block.html"


class CodeBlock(blocks.StructBlock):
    language = blocks.ChoiceBlock(
        label=_("Language"),
        choices=[
            ("text", _("Plain text")),
            ("html", "HTML"),
            ("http", "HTTP"),
            ("json", "JSON"),
            ("robots", "robots.txt"),
            ("xml", "XML"),
        ],
        default="text",
    )
    code = blocks.TextBlock(label=_("Code"))

    class Meta:
        icon = "code"
        label = _("Code")
        template = "cms/blocks/code_block.html"


class RichTextBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "cms/blocks/rich_text_block.html"


class ContentStreamBlock(blocks.StreamBlock):
    """The body of a text page: about, privacy, terms."""

    rich_text = RichTextBlock(features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr"])
    image = ImageBlock()
    quote = QuoteBlock()
    code = CodeBlock()


class EmbedBlock(WagtailEmbedBlock):
    """A video or post from YouTube, Vimeo and the like, by its address (oEmbed)."""

    class Meta:
        icon = "media"
        label = _("Embed")
        help_text = _("The address of a video or post, e.g. https://www.youtube.com/watch?v=…")
        template = "cms/blocks/embed_block.html"


class BlogStreamBlock(ContentStreamBlock):
    """The body of a blog post: the content blocks and embeds."""

    embed = EmbedBlock()


class SectionStreamBlock(ContentStreamBlock):
    """The full-width sections of the home and features pages, plus the content blocks."""

    hero = HeroBlock()
    feature_grid = FeatureGridBlock()
    social_proof = SocialProofBlock()
    faq = FAQListBlock()
    cta_band = CallToActionBandBlock()
