"""Page types and snippets of the public marketing site (EN/NL, translated with wagtail-localize),
one module per part of the site."""

from .blog import (
    BLOG_FEED_LENGTH,
    BLOG_POSTS_PER_PAGE,
    READING_WORDS_PER_MINUTE,
    RELATED_POSTS,
    Author,
    BlogIndexPage,
    BlogPage,
    BlogPageTag,
    reading_minutes,
)
from .contact import ContactFormField, ContactPage
from .pages import FAQPage, FeaturesPage, HomePage, PricingPage, StandardPage

__all__ = [
    "BLOG_FEED_LENGTH",
    "BLOG_POSTS_PER_PAGE",
    "READING_WORDS_PER_MINUTE",
    "RELATED_POSTS",
    "Author",
    "BlogIndexPage",
    "BlogPage",
    "BlogPageTag",
    "ContactFormField",
    "ContactPage",
    "FAQPage",
    "FeaturesPage",
    "HomePage",
    "PricingPage",
    "StandardPage",
    "reading_minutes",
]
