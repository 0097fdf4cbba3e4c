"""The blog: where its page types may live, the index (newest first, ten a page, by tag), the
RSS feed, a post (reading time, related posts, byline) in English and Dutch, and the demo blog."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from wagtail.images.models import Image
from wagtail.models import Locale

from cms.models import (
    Author,
    BlogIndexPage,
    BlogPage,
    FAQPage,
    HomePage,
    StandardPage,
    reading_minutes,
)
from cms.services import demo_blog_ensure

from .conftest import publish, stream

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
START = datetime.date(2026, 1, 1)


@pytest.fixture
def blog_index(site_tree):
    return publish(
        site_tree,
        BlogIndexPage(title="Blog", slug="blog", intro="Practical SEO, one problem at a time."),
    )


@pytest.fixture
def dutch_blog_index(blog_index):
    dutch = blog_index.copy_for_translation(Locale.objects.get(language_code="nl"))
    dutch.intro = "Praktische SEO, één probleem per keer."
    dutch.save_revision().publish()
    return dutch


@pytest.fixture
def author(site_tree):
    return Author.objects.create(name="Sanne Visser", role="SEO consultant")


def make_post(index, number: int, *, tags=(), live=True, **fields) -> BlogPage:
    """A post dated ``number`` days after START, so a higher number is newer."""
    defaults = {
        "title": f"Post number {number}",
        "slug": f"post-{number}",
        "date": START + datetime.timedelta(days=number),
        "intro": f"The intro of post {number}.",
        "body": stream(("rich_text", f"<p>The body of post {number}.</p>")),
    }
    post = BlogPage(live=live, **{**defaults, **fields})
    post.tags.add(*tags)
    index.add_child(instance=post)
    if live:
        post.save_revision().publish()
    return post


def listed_titles(response) -> list[str]:
    return [post.title for post in response.context["posts"]]


# Page type rules


def test_the_blog_lives_under_the_home_page_and_posts_under_the_blog():
    assert set(BlogIndexPage.allowed_parent_page_models()) == {HomePage}
    assert set(BlogIndexPage.allowed_subpage_models()) == {BlogPage}
    assert set(BlogPage.allowed_parent_page_models()) == {BlogIndexPage}
    assert BlogPage.allowed_subpage_models() == []


def test_one_blog_per_home_page_and_posts_only_under_it(site_tree, blog_index, about_page):
    assert not BlogIndexPage.can_create_at(site_tree)
    assert not BlogIndexPage.can_create_at(about_page)
    assert not BlogPage.can_create_at(site_tree)
    assert not BlogPage.can_create_at(about_page)
    assert BlogPage.can_create_at(blog_index)
    post = make_post(blog_index, 1)
    for page_type in (BlogPage, BlogIndexPage, StandardPage, FAQPage):
        assert not page_type.can_create_at(post), page_type


def test_the_admin_offers_a_blog_post_under_the_blog(editor, blog_index):
    url = reverse("wagtailadmin_pages:add", args=["cms", "blogpage", blog_index.pk])
    response = editor.get(url)
    assert response.status_code == 200
    assert 'name="tags"' in response.content.decode()


def test_an_editor_writes_a_tagged_post_in_the_admin(editor, blog_index, author):
    url = reverse("wagtailadmin_pages:add", args=["cms", "blogpage", blog_index.pk])
    response = editor.post(
        url,
        {
            "title": "Hreflang for two languages",
            "slug": "hreflang",
            "date": "2026-10-01",
            "author": author.pk,
            "intro": "Tell search engines which page is for which language.",
            "cover_alt_text": "",
            "body-count": "1",
            "body-0-type": "quote",
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-value-quote": "One page per language.",
            "body-0-value-attribution": "",
            "tags": "Hreflang, Technical SEO",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    post = BlogPage.objects.get(slug="hreflang")
    assert post.live and post.author == author
    assert sorted(post.tags.names()) == ["Hreflang", "Technical SEO"]
    assert "Hreflang for two languages" in listed_titles(editor.get("/en/blog/tags/hreflang/"))


def test_the_admin_lists_the_blog_authors(editor, author):
    response = editor.get(reverse("wagtailsnippets_cms_author:list"))
    assert response.status_code == 200
    assert "Sanne Visser" in response.content.decode()


def test_a_cover_image_needs_its_alternative_text(blog_index, picture):
    with pytest.raises(ValidationError) as error:
        make_post(blog_index, 1, cover_image=picture, cover_alt_text=" ")
    assert "cover_alt_text" in error.value.message_dict
    post = make_post(blog_index, 2, cover_image=picture, cover_alt_text="A VivaSEO report")
    assert post.live


# The index


def test_the_index_lists_published_posts_newest_first_ten_a_page(client, blog_index):
    for number in range(1, 13):
        make_post(blog_index, number)
    make_post(blog_index, 99, title="A draft", live=False)

    first = client.get("/en/blog/")
    assert first.status_code == 200
    assert listed_titles(first) == [f"Post number {number}" for number in range(12, 2, -1)]
    html = first.content.decode()
    assert "A draft" not in html
    assert 'href="?page=2"' in html
    assert "Page 1 of 2" in html

    second = client.get("/en/blog/?page=2")
    assert listed_titles(second) == ["Post number 2", "Post number 1"]
    assert 'rel="prev" href="?page=1"' in second.content.decode()


@pytest.mark.parametrize(("asked", "shown"), [("99", 2), ("0", 2), ("two", 1), ("", 1)])
def test_a_page_number_out_of_range_shows_a_real_page(client, blog_index, asked, shown):
    for number in range(1, 13):
        make_post(blog_index, number)
    response = client.get(f"/en/blog/?page={asked}")
    assert response.status_code == 200
    assert response.context["posts"].number == shown


def test_an_empty_blog_says_so(client, blog_index):
    response = client.get("/en/blog/")
    assert response.status_code == 200
    assert "No posts yet." in response.content.decode()


def test_a_card_shows_the_date_reading_time_and_tags(client, blog_index, picture):
    make_post(
        blog_index,
        1,
        tags=["Technical SEO"],
        cover_image=picture,
        cover_alt_text="A VivaSEO report",
    )
    html = client.get("/en/blog/").content.decode()
    assert '<time datetime="2026-01-02">' in html
    assert "1 min read" in html
    assert 'href="/en/blog/tags/technical-seo/"' in html
    assert 'href="/en/blog/post-1/"' in html
    assert 'type="application/rss+xml"' in html
    assert 'href="/en/blog/feed/"' in html


# Tag pages


def test_a_tag_page_lists_only_the_posts_with_that_tag(client, blog_index):
    make_post(blog_index, 1, tags=["Links"])
    make_post(blog_index, 2, tags=["Links", "Technical SEO"])
    make_post(blog_index, 3, tags=["Technical SEO"])

    response = client.get("/en/blog/tags/links/")
    assert response.status_code == 200
    assert listed_titles(response) == ["Post number 2", "Post number 1"]
    html = response.content.decode()
    assert "Posts tagged “Links”" in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_an_unknown_or_unused_tag_is_not_found(client, blog_index, dutch_blog_index):
    make_post(blog_index, 1, tags=["Links"])
    make_post(dutch_blog_index, 2, tags=["Dubbele inhoud"])
    assert client.get("/en/blog/tags/no-such-tag/").status_code == 404
    # The tag exists, but only on a Dutch post.
    assert client.get("/en/blog/tags/dubbele-inhoud/").status_code == 404
    assert client.get("/nl/blog/tags/dubbele-inhoud/").status_code == 200


# The feed


def parse_feed(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content)


def test_the_feed_lists_the_posts_with_absolute_links(client, blog_index, author):
    make_post(blog_index, 1, tags=["Links"], author=author)
    make_post(blog_index, 2, title="Canonical URLs & you")
    make_post(blog_index, 3, title="Not yet", live=False)

    rss = parse_feed(client.get("/en/blog/feed/"))
    channel = rss.find("channel")
    assert channel.findtext("title") == "Blog · VivaSEO"
    assert channel.findtext("link") == "http://testserver/en/blog/"
    assert channel.findtext("language") == "en"
    assert channel.find(f"{ATOM}link").get("href") == "http://testserver/en/blog/feed/"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Canonical URLs & you", "Post number 1"]
    assert [item.findtext("link") for item in items] == [
        "http://testserver/en/blog/post-2/",
        "http://testserver/en/blog/post-1/",
    ]
    assert items[1].findtext("description") == "The intro of post 1."
    assert items[1].findtext("category") == "Links"
    assert "Sanne Visser" in items[1].findtext("{http://purl.org/dc/elements/1.1/}creator", "")


# A post


def test_a_post_shows_its_byline_cover_body_and_tags(client, blog_index, author, picture):
    author.photo = picture
    author.save()
    make_post(
        blog_index,
        1,
        title="Broken links",
        author=author,
        tags=["Links"],
        cover_image=picture,
        cover_alt_text="Two chain links, one broken",
        body=stream(
            ("rich_text", "<h2>Why they matter</h2><p>Visitors hit a dead end.</p>"),
            ("code", {"language": "html", "code": '<a href="/gone">Gone</a>'}),
            ("quote", {"quote": "Fix the busiest pages first.", "attribution": ""}),
        ),
    )
    response = client.get("/en/blog/post-1/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Broken links</h1>" in html
    assert "Sanne Visser" in html and "SEO consultant" in html
    assert 'alt="Two chain links, one broken"' in html
    assert "Why they matter" in html
    assert "&lt;a href=&quot;/gone&quot;&gt;Gone&lt;/a&gt;" in html
    assert 'href="/en/blog/tags/links/"' in html
    assert 'href="/en/blog/"' in html
    assert '"@type": "BlogPosting"' in html


def test_an_embed_that_cannot_be_fetched_shows_its_link(client, blog_index):
    make_post(
        blog_index,
        1,
        body=stream(("embed", "https://video.example.com/watch/42")),
    )
    html = client.get("/en/blog/post-1/").content.decode()
    assert '<a href="https://video.example.com/watch/42">' in html


def test_reading_time_is_words_over_two_hundred_at_least_a_minute(blog_index):
    assert reading_minutes("") == 1
    assert reading_minutes("word " * 200) == 1
    assert reading_minutes("word " * 201) == 2
    assert reading_minutes("word " * 700) == 4
    words = " ".join(["word"] * 600)
    post = make_post(
        blog_index,
        1,
        intro="word " * 100,
        body=stream(
            ("rich_text", f"<p>{words}</p>"),
            ("quote", {"quote": "word " * 100, "attribution": "word"}),
            ("code", {"language": "text", "code": "word " * 99}),
        ),
    )
    assert post.reading_time == 5  # 900 words, with the quote's attribution and the code


def test_related_posts_share_tags_in_the_same_language(blog_index, dutch_blog_index):
    post = make_post(blog_index, 1, tags=["Links", "Technical SEO"])
    both = make_post(blog_index, 2, tags=["Links", "Technical SEO"])
    newest_one_tag = make_post(blog_index, 6, tags=["Links"])
    older_one_tag = make_post(blog_index, 3, tags=["Technical SEO"])
    make_post(blog_index, 5, tags=["Reports"])
    make_post(blog_index, 7, tags=["Links"], live=False)
    make_post(dutch_blog_index, 8, tags=["Links", "Technical SEO"])

    assert list(post.related_posts()) == [both, newest_one_tag, older_one_tag]
    untagged = make_post(blog_index, 9)
    assert list(untagged.related_posts()) == []


def test_related_posts_are_shown_under_a_post(client, blog_index):
    make_post(blog_index, 1, tags=["Links"])
    make_post(blog_index, 2, title="More on links", tags=["Links"])
    html = client.get("/en/blog/post-1/").content.decode()
    assert "Read next" in html
    assert "More on links" in html


# English and Dutch


def test_dutch_posts_appear_only_in_the_dutch_blog_and_feed(client, blog_index, dutch_blog_index):
    english = make_post(blog_index, 1, title="Canonical URLs in plain words")
    dutch = english.copy_for_translation(Locale.objects.get(language_code="nl"))
    dutch.title = "Canonieke URL's in gewone woorden"
    dutch.save_revision().publish()
    make_post(dutch_blog_index, 2, title="Alleen in het Nederlands", slug="alleen-nl")

    assert listed_titles(client.get("/en/blog/")) == ["Canonical URLs in plain words"]
    dutch_index = client.get("/nl/blog/")
    assert listed_titles(dutch_index) == [
        "Alleen in het Nederlands",
        "Canonieke URL's in gewone woorden",
    ]
    assert "1 min lezen" in dutch_index.content.decode()

    english_feed = parse_feed(client.get("/en/blog/feed/"))
    assert [item.findtext("title") for item in english_feed.iter("item")] == [
        "Canonical URLs in plain words"
    ]
    dutch_feed = parse_feed(client.get("/nl/blog/feed/"))
    assert dutch_feed.find("channel").findtext("language") == "nl"
    assert [item.findtext("link") for item in dutch_feed.iter("item")] == [
        "http://testserver/nl/blog/alleen-nl/",
        "http://testserver/nl/blog/post-1/",
    ]
    assert client.get("/nl/blog/post-1/").status_code == 200
    assert client.get("/en/blog/alleen-nl/").status_code == 404


# The demo blog


def test_the_demo_blog_is_created_once_in_both_languages(site_tree):
    demo_blog_ensure()
    images = Image.objects.count()
    demo_blog_ensure()
    assert Image.objects.count() == images
    assert sorted(index.locale.language_code for index in BlogIndexPage.objects.live()) == [
        "en",
        "nl",
    ]
    for language in ("en", "nl"):
        posts = BlogPage.objects.live().filter(locale__language_code=language)
        assert posts.count() >= 5
        for post in posts:
            assert post.cover_image and post.cover_alt_text and post.author
            assert post.author.locale.language_code == language
            assert post.tagged_items.exists()
            assert "lorem" not in str(post.body).lower()
    assert Author.objects.count() == 2


def test_every_demo_post_renders_in_both_languages(client, site_tree):
    demo_blog_ensure()
    for post in BlogPage.objects.live():
        response = client.get(post.url)
        assert response.status_code == 200, post.url
        assert escape(post.title) in response.content.decode()
    assert "Het VivaSEO-team" in client.get("/nl/blog/robots-txt-mistakes/").content.decode()
    for language in ("en", "nl"):
        assert len(parse_feed(client.get(f"/{language}/blog/feed/")).findall(".//item")) >= 5


def test_the_demo_blog_keeps_an_editors_changes(site_tree):
    demo_blog_ensure()
    post = BlogPage.objects.get(slug="canonical-urls", locale__language_code="en")
    post.title = "Canonical links, explained"
    post.save_revision().publish()
    demo_blog_ensure()
    post.refresh_from_db()
    assert post.title == "Canonical links, explained"
    assert BlogPage.objects.filter(slug="canonical-urls").count() == 2
