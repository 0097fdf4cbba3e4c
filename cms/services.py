"""Set up the Wagtail page tree: locales, the root, the EN home page and its NL translation;
for a laptop's demo, the marketing pages too.

Idempotent: bootstrap_site (every deploy and start) and the test fixtures call the same code;
bootstrap_demo adds the demo's marketing pages and blog.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from .demo_contact import demo_contact_page_ensure
from .demo_content import BLOG_AUTHOR, BLOG_INDEX, BLOG_POSTS, HOME_SECTIONS
from .demo_content import PAGES as DEMO_PAGES
from .demo_images import avatar_image_create, cover_image_create
from .models import Author, BlogIndexPage, BlogPage, HomePage

HOME_CONTENT = {
    "en": {
        "title": "VivaSEO",
        "hero_title": "Find what keeps your website out of search results",
        "hero_text": (
            "VivaSEO crawls your site like a search engine does, checks every page against "
            "the rules that matter, and tells you what to fix first."
        ),
        "hero_cta_label": "Start your free audit",
        "body": "<p>Five free audits, no credit card. Reports in English and Dutch.</p>",
    },
    "nl": {
        "title": "VivaSEO",
        "hero_title": "Ontdek wat je website uit de zoekresultaten houdt",
        "hero_text": (
            "VivaSEO doorzoekt je site zoals een zoekmachine dat doet, controleert elke pagina "
            "op de regels die ertoe doen en vertelt je wat je het eerst moet oplossen."
        ),
        "hero_cta_label": "Start je gratis audit",
        "body": (
            "<p>Vijf gratis audits, geen creditcard. Rapporten in het Nederlands en Engels.</p>"
        ),
    },
}


def locales_ensure() -> dict[str, Locale]:
    return {
        code: Locale.objects.get_or_create(language_code=code)[0]
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES
    }


def _root_page() -> Page:
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root", locale=Locale.get_default())
    return root


@transaction.atomic
def site_tree_ensure(*, hostname: str = "localhost", port: int = 80) -> HomePage:
    """The EN home page as the default site's root, with an NL translation beside it."""
    locales = locales_ensure()
    root = _root_page()
    home = HomePage.objects.filter(locale=locales["en"]).first()
    if home is None:
        # Wagtail's initial migration leaves a placeholder "Welcome" page; replace it.
        for placeholder in root.get_children().exact_type(Page):
            placeholder.delete()
        home = root.add_child(
            instance=HomePage(slug="home", locale=locales["en"], **HOME_CONTENT["en"])
        )
    if not HomePage.objects.filter(locale=locales["nl"], translation_key=home.translation_key):
        dutch = home.copy_for_translation(locales["nl"])
        for field, value in HOME_CONTENT["nl"].items():
            setattr(dutch, field, value)
        dutch.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname=hostname, port=port, root_page=home, is_default_site=True, site_name="VivaSEO"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "VivaSEO"
        site.save()
    return home


@transaction.atomic
def demo_marketing_pages_ensure() -> list[Page]:
    """The demo's marketing pages (cms.demo_content) under the EN home page, each with its NL
    translation, and sections on the home pages that have none. Idempotent: a page that
    exists (by slug, under the EN home page) is left as an editor may have changed it."""
    home = site_tree_ensure()
    locales = locales_ensure()
    for translation in home.get_translations(inclusive=True).specific():
        language = translation.locale.language_code
        if not translation.sections and language in HOME_SECTIONS:
            translation.sections = HOME_SECTIONS[language]
            translation.save_revision().publish()
    pages = []
    for type_name, slug, content in DEMO_PAGES:
        page = home.get_children().filter(slug=slug).specific().first()
        if page is None:
            page_type = apps.get_model("cms", type_name)
            page = page_type(slug=slug, locale=locales["en"], **content["en"])
            home.add_child(instance=page)
            page.save_revision().publish()
        _translation_ensure(page, locale=locales["nl"], fields=content["nl"])
        pages.append(page)
    pages.append(demo_contact_page_ensure(home, locales))
    demo_blog_ensure()
    return pages


def _translation_ensure(page: Page, *, locale: Locale, fields: dict) -> Page:
    """``page``'s published translation into ``locale``, made from ``fields`` (and a "tags"
    list) when it has none yet; an existing translation is left as it is."""
    translation = page.get_translation_or_none(locale)
    if translation is None:
        fields = dict(fields)
        tags = fields.pop("tags", None)
        translation = page.copy_for_translation(locale)
        for field, value in fields.items():
            setattr(translation, field, value)
        if tags is not None:
            translation.tags.set(tags)
        translation.save_revision().publish()
    return translation


def _demo_authors_ensure(locales: dict[str, Locale]) -> dict[str, Author]:
    author = Author.objects.filter(locale=locales["en"], name=BLOG_AUTHOR["en"]["name"]).first()
    if author is None:
        photo = avatar_image_create(
            title=BLOG_AUTHOR["en"]["name"], background="#0f766e", accent="#ffffff"
        )
        author = Author.objects.create(locale=locales["en"], photo=photo, **BLOG_AUTHOR["en"])
    dutch = author.get_translation_or_none(locales["nl"])
    if dutch is None:
        dutch = author.copy_for_translation(locales["nl"])
        for field, value in BLOG_AUTHOR["nl"].items():
            setattr(dutch, field, value)
        dutch.save()
    return {"en": author, "nl": dutch}


@transaction.atomic
def demo_blog_ensure() -> BlogIndexPage:
    """The demo blog (cms.demo_content): an index under the EN home page and its posts, each
    with its drawn cover and its NL translation. Idempotent like the marketing pages: what
    exists (by slug) is left as an editor may have changed it."""
    home = site_tree_ensure()
    locales = locales_ensure()
    index = BlogIndexPage.objects.child_of(home).first()
    if index is None:
        index = BlogIndexPage(slug="blog", locale=locales["en"], **BLOG_INDEX["en"])
        home.add_child(instance=index)
        index.save_revision().publish()
    _translation_ensure(index, locale=locales["nl"], fields=BLOG_INDEX["nl"])
    authors = _demo_authors_ensure(locales)
    for post in BLOG_POSTS:
        page = BlogPage.objects.child_of(index).filter(slug=post["slug"]).first()
        if page is None:
            fields = dict(post["en"])
            tags = fields.pop("tags")
            motif, background, accent = post["cover"]
            page = BlogPage(
                slug=post["slug"],
                locale=locales["en"],
                date=datetime.date.fromisoformat(post["date"]),
                author=authors["en"],
                cover_image=cover_image_create(
                    title=fields["title"], motif=motif, background=background, accent=accent
                ),
                **fields,
            )
            page.tags.add(*tags)
            index.add_child(instance=page)
            page.save_revision().publish()
        _translation_ensure(
            page, locale=locales["nl"], fields={**post["nl"], "author": authors["nl"]}
        )
    return index
