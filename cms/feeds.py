"""The blog's RSS feed, one per language: Django's syndication framework, served by the blog
index page's ``feed/`` route (cms.models.BlogIndexPage.feed)."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone


class BlogFeed(Feed):
    """RSS 2.0 of an index page's newest posts. Links are made absolute from the request's
    host, as every feed reader needs them."""

    def get_object(self, request, *args, blog_index, **kwargs):
        self.request = request
        self.language = blog_index.locale.language_code
        return blog_index

    def title(self, blog_index) -> str:
        return f"{blog_index.title} · VivaSEO"

    def link(self, blog_index) -> str:
        return blog_index.get_url(self.request)

    def feed_url(self, blog_index) -> str:
        return blog_index.get_url(self.request) + blog_index.reverse_subpage("feed")

    def description(self, blog_index) -> str:
        return blog_index.intro

    def items(self, blog_index):
        return blog_index.feed_posts()

    def item_title(self, post) -> str:
        return post.title

    def item_description(self, post) -> str:
        return post.intro

    def item_link(self, post) -> str:
        return post.get_url(self.request)

    def item_guid(self, post) -> str:
        # Stays when the slug or title changes, so readers do not show a post twice.
        return f"vivaseo-blog-post-{post.translation_key}-{post.locale.language_code}"

    item_guid_is_permalink = False

    def item_pubdate(self, post) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(post.date, datetime.time(9)))

    def item_updateddate(self, post) -> datetime.datetime | None:
        return post.last_published_at

    def item_author_name(self, post) -> str | None:
        return post.author.name if post.author else None

    def item_categories(self, post) -> list[str]:
        return [item.tag.name for item in post.tagged_items.all()]
