"""The blog: an index per language with its posts, tags, an author snippet and a feed."""

import datetime
import math

from django.core.exceptions import ValidationError
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count
from django.http import Http404
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, PageQuerySet, TranslatableMixin
from wagtail.search import index

from cms.blocks import BlogStreamBlock
from cms.feeds import BlogFeed

# How fast people read a web page, in words per minute (a common, conservative figure).
READING_WORDS_PER_MINUTE = 200
BLOG_POSTS_PER_PAGE = 10
BLOG_FEED_LENGTH = 20
RELATED_POSTS = 3


class Author(TranslatableMixin, models.Model):
    """Who wrote a blog post: a snippet, so a name and photo are kept once and translated."""

    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=120, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("photo")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BlogPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.BlogPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class BlogIndexPage(RoutablePageMixin, Page):
    """The blog of one language: its posts newest first, ten a page, by tag, and as RSS."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.BlogPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("blog index page")

    def posts(self) -> PageQuerySet:
        """The published posts under this index (so in its language), newest first."""
        return (
            BlogPage.objects.child_of(self)
            .live()
            .public()
            .select_related("author", "cover_image", "locale")
            .prefetch_related("tagged_items__tag")
            .order_by("-date", "-first_published_at", "-pk")
        )

    def posts_page(self, request, posts: PageQuerySet) -> PaginatorPage:
        """One page of ``posts`` for ``?page=``: past the end reads the last page, a page
        that is not a number the first (Paginator.get_page), never an error."""
        return Paginator(posts, BLOG_POSTS_PER_PAGE).get_page(request.GET.get("page"))

    @path("")
    def post_list(self, request):
        return self.render(
            request, context_overrides={"posts": self.posts_page(request, self.posts())}
        )

    @path("tags/<slug:tag>/", name="tag")
    def post_list_by_tag(self, request, tag: str):
        tag_object = Tag.objects.filter(slug=tag).first()
        posts = self.posts().filter(tags__slug=tag) if tag_object else self.posts().none()
        if not posts.exists():
            # A tag this blog never used (or only in another language): no empty pages.
            raise Http404
        return self.render(
            request,
            context_overrides={"posts": self.posts_page(request, posts), "tag": tag_object},
        )

    @path("feed/", name="feed")
    def feed(self, request):
        return BlogFeed()(request, blog_index=self)

    def feed_posts(self) -> PageQuerySet:
        return self.posts()[:BLOG_FEED_LENGTH]

    def tag_url(self, tag: Tag) -> str:
        return self.url + self.reverse_subpage("tag", kwargs={"tag": tag.slug})

    def feed_url(self) -> str:
        return self.url + self.reverse_subpage("feed")


def _block_text(block) -> str:
    """The words a reader reads in one body block (images count by their caption)."""
    value = block.value
    if block.block_type == "rich_text":
        return strip_tags(value.source)
    if block.block_type == "quote":
        return f"{value['quote']} {value['attribution']}"
    if block.block_type == "code":
        return value["code"]
    if block.block_type == "image":
        return value["caption"]
    return ""


def reading_minutes(text: str) -> int:
    """Minutes to read ``text`` at READING_WORDS_PER_MINUTE, rounded up: at least 1."""
    return max(1, math.ceil(len(text.split()) / READING_WORDS_PER_MINUTE))


class BlogPage(Page):
    """A post: dated, by an author, tagged, with an optional cover image and a body of the
    content blocks plus embeds."""

    date = models.DateField(_("post date"), default=datetime.date.today)
    author = models.ForeignKey(
        Author,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    intro = models.TextField(
        _("introduction"), help_text=_("One or two sentences, shown in lists and the feed.")
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_alt_text = models.CharField(
        _("cover image alternative text"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it (and search engines)."),
    )
    body = StreamField(BlogStreamBlock(), verbose_name=_("body"), blank=True)
    tags = ClusterTaggableManager(through=BlogPageTag, verbose_name=_("tags"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("date"), FieldPanel("author")], heading=_("Byline")),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("cover_image"), FieldPanel("cover_alt_text")], heading=_("Cover image")
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.BlogIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("blog post")
        verbose_name_plural = _("blog posts")

    def clean(self):
        super().clean()
        if self.cover_image_id and not self.cover_alt_text.strip():
            raise ValidationError({"cover_alt_text": _("Describe the cover image, or remove it.")})

    @property
    def reading_time(self) -> int:
        """Minutes to read the intro and body."""
        words = " ".join([self.intro, *(_block_text(block) for block in self.body)])
        return reading_minutes(words)

    def structured_data(self) -> dict:
        """schema.org BlogPosting (https://schema.org/BlogPosting) for the page's head."""
        data = {
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": self.title,
            "description": self.intro,
            "datePublished": self.date.isoformat(),
            "inLanguage": self.locale.language_code,
            "keywords": [item.tag.name for item in self.tagged_items.all()],
        }
        if self.last_published_at:
            data["dateModified"] = self.last_published_at.isoformat()
        if self.author:
            data["author"] = {"@type": "Person", "name": self.author.name}
        return data

    def blog_index(self) -> BlogIndexPage | None:
        return BlogIndexPage.objects.ancestor_of(self).first()

    def related_posts(self) -> PageQuerySet:
        """Up to RELATED_POSTS published posts in the same language sharing a tag with this
        one: most shared tags first, then newest."""
        tag_ids = [item.tag_id for item in self.tagged_items.all()]
        return (
            BlogPage.objects.live()
            .public()
            .filter(locale_id=self.locale_id, tagged_items__tag_id__in=tag_ids)
            .exclude(pk=self.pk)
            .annotate(shared_tags=Count("tagged_items"))
            .select_related("cover_image")
            .order_by("-shared_tags", "-date", "-pk")[:RELATED_POSTS]
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["blog_index"] = self.blog_index()
        context["related_posts"] = self.related_posts()
        return context
