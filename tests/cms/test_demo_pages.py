"""bootstrap_demo's marketing pages: created once in English and Dutch, and every one renders."""

import pytest
from django.core.management import call_command
from wagtail.models import Page

from cms.models import FAQPage, FeaturesPage, HomePage, PricingPage, StandardPage
from cms.services import demo_marketing_pages_ensure

pytestmark = pytest.mark.django_db


def test_demo_pages_are_created_once_in_both_languages(site_tree, plans):
    demo_marketing_pages_ensure()
    demo_marketing_pages_ensure()
    for page_type in (FeaturesPage, PricingPage, FAQPage, StandardPage):
        pages = page_type.objects.live()
        assert sorted(page.locale.language_code for page in pages) == ["en", "nl"], page_type
    assert all(home.sections for home in HomePage.objects.all())


@pytest.mark.parametrize(
    ("url", "phrase"),
    [
        ("/en/", "Everything a search engine sees"),
        ("/nl/", "Alles wat een zoekmachine ziet"),
        ("/en/features/", "From crawl to report"),
        ("/nl/features/", "Van crawl tot rapport"),
        ("/en/pricing/", "Start free"),
        ("/nl/pricing/", "Gratis beginnen"),
        ("/en/faq/", "Does the crawler respect my robots.txt?"),
        ("/nl/faq/", "Respecteert de crawler mijn robots.txt?"),
        ("/en/about/", "About VivaSEO"),
        ("/nl/about/", "Over VivaSEO"),
    ],
)
def test_every_demo_page_renders(client, site_tree, plans, url, phrase):
    demo_marketing_pages_ensure()
    response = client.get(url)
    assert response.status_code == 200
    assert phrase in response.content.decode()


def test_bootstrap_demo_adds_the_pages_and_keeps_an_editors_changes(site_tree, plans, capsys):
    call_command("bootstrap_demo")
    assert "Demo accounts are ready." in capsys.readouterr().out
    faq = FAQPage.objects.get(locale__language_code="en")
    faq.title = "Questions, answered"
    faq.save_revision().publish()
    call_command("bootstrap_demo")
    assert FAQPage.objects.get(locale__language_code="en").title == "Questions, answered"
    assert Page.objects.filter(slug="faq").count() == 2
