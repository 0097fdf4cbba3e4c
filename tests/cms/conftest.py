"""The marketing pages in the tree under the existing home page, with every block in use."""

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PillowImage

from cms.models import FAQPage, FeaturesPage, PricingPage, StandardPage

HERO = {
    "title": "Audits that tell you what to fix first",
    "text": "Every page checked against the rules search engines follow.",
    "cta_label": "Run a free audit",
    "cta_target": "free_audit",
}
FEATURE_GRID = {
    "heading": "Everything a search engine sees",
    "intro": "One crawl, seventy checks, one ranked list of fixes.",
    "features": [
        {"title": "Crawls like a search engine", "text": "Robots.txt, sitemaps and redirects."},
        {"title": "Scores per category", "text": "Content, links, speed and structure."},
        {"title": "Reports in two languages", "text": "English and Dutch, as PDF and CSV."},
    ],
}
SOCIAL_PROOF = {
    "heading": "Teams that ship with VivaSEO",
    "testimonials": [
        {
            "quote": "We fixed forty broken links in an afternoon.",
            "name": "Anna de Vries",
            "role": "Marketing lead, Bakkerij Zon",
        },
        {"quote": "The weekly audit is our safety net.", "name": "Tom Jansen", "role": ""},
    ],
}
QUESTIONS = [
    {
        "question": "Do I need a credit card to start?",
        "answer": "<p>No. The <b>free plan</b> needs only an email address.</p>",
    },
    {
        "question": "Which languages do the reports speak?",
        "answer": "<p>English and Dutch, & more to come.</p>",
    },
]
CTA_BAND = {
    "title": "Ready to see what search engines see?",
    "text": "Your first audit takes a few minutes.",
    "cta_label": "Sign up free",
    "cta_target": "signup",
}


def stream(*blocks: tuple[str, object]) -> list[dict]:
    """Raw StreamField data from (block type, value) pairs."""
    return [{"type": block_type, "value": value} for block_type, value in blocks]


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def picture(db, settings, tmp_path):
    from wagtail.images.models import Image
    from wagtail.models import Collection

    settings.MEDIA_ROOT = tmp_path
    if Collection.get_first_root_node() is None:  # the tests run without migrations
        Collection.add_root(name="Root")
    data = io.BytesIO()
    PillowImage.new("RGB", (640, 320), "#0f766e").save(data, format="PNG")
    return Image.objects.create(title="A report", file=ImageFile(data, name="report.png"))


@pytest.fixture
def home_with_sections(site_tree):
    site_tree.sections = stream(
        ("hero", HERO),
        ("feature_grid", FEATURE_GRID),
        ("social_proof", SOCIAL_PROOF),
        ("faq", {"heading": "Questions", "items": QUESTIONS}),
        ("cta_band", CTA_BAND),
    )
    site_tree.save_revision().publish()
    return site_tree


@pytest.fixture
def about_page(site_tree, picture):
    return publish(
        site_tree,
        StandardPage(
            title="About us",
            slug="about",
            intro="Two people who like fast, findable websites.",
            search_description="Who builds VivaSEO and why.",
            seo_title="About VivaSEO",
            body=stream(
                ("rich_text", "<h2>Our story</h2><p>We started in Utrecht in 2026.</p>"),
                ("image", {"image": picture.pk, "alt_text": "A VivaSEO report", "caption": ""}),
                ("quote", {"quote": "Be found.", "attribution": "Our motto"}),
                ("code", {"language": "robots", "code": "User-agent: *\nDisallow: /app/"}),
            ),
        ),
    )


@pytest.fixture
def features_page(site_tree):
    return publish(
        site_tree,
        FeaturesPage(
            title="Features",
            slug="features",
            intro="What VivaSEO checks, and how it tells you.",
            sections=stream(("feature_grid", FEATURE_GRID), ("cta_band", CTA_BAND)),
        ),
    )


@pytest.fixture
def faq_page(site_tree):
    return publish(
        site_tree,
        FAQPage(
            title="Frequently asked questions",
            slug="faq",
            intro="Short answers to what people ask us most.",
            questions=stream(*(("question", item) for item in QUESTIONS)),
        ),
    )


@pytest.fixture
def plans(db, no_stripe_keys):
    from billing.services import billing_bootstrap

    billing_bootstrap()


@pytest.fixture
def pricing_page(site_tree, plans):
    return publish(
        site_tree,
        PricingPage(
            title="Pricing",
            slug="pricing",
            intro="Start free. Upgrade when your site grows.",
            body=stream(("faq", {"heading": "About paying", "items": QUESTIONS[:1]})),
        ),
    )


@pytest.fixture
def editor(client, make_user):
    """The test client, signed in as a superuser of the Wagtail admin."""
    user = make_user(email="editor@example.com")
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def rendition_cache_purged(request):
    """Wagtail caches renditions outside the database, by image id: after a test's rows are
    rolled back, a later test's new image with the same id would be handed the old rendition
    (a file in another test's MEDIA_ROOT). Purge what each test made while its rows exist."""
    yield
    uses_database = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if uses_database:
        from wagtail.images.models import Rendition

        for rendition in Rendition.objects.select_related("image"):
            rendition.purge_from_cache()
