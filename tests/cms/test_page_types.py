"""Which page type may live where: the tree stays sane, and every type is creatable where it
belongs (in the models' rules and in the Wagtail admin's add-page form)."""

import pytest
from django.urls import reverse
from wagtail.models import Page

from cms.models import (
    BlogIndexPage,
    ContactPage,
    FAQPage,
    FeaturesPage,
    HomePage,
    PricingPage,
    StandardPage,
)

pytestmark = pytest.mark.django_db

MARKETING_TYPES = [StandardPage, FeaturesPage, FAQPage, PricingPage, ContactPage]


def test_parent_page_rules():
    assert set(HomePage.allowed_parent_page_models()) == {Page}
    for page_type in (FeaturesPage, FAQPage, PricingPage, ContactPage):
        assert set(page_type.allowed_parent_page_models()) == {HomePage}
    assert set(StandardPage.allowed_parent_page_models()) == {HomePage, StandardPage}


def test_subpage_rules():
    assert set(HomePage.allowed_subpage_models()) == {*MARKETING_TYPES, BlogIndexPage}
    assert set(StandardPage.allowed_subpage_models()) == {StandardPage}
    for page_type in (FeaturesPage, FAQPage, PricingPage, ContactPage):
        assert page_type.allowed_subpage_models() == []


def test_every_marketing_type_is_creatable_under_the_home_page(site_tree):
    for page_type in MARKETING_TYPES:
        assert page_type.can_create_at(site_tree), page_type


def test_no_marketing_type_is_creatable_at_the_root(site_tree):
    root = Page.get_first_root_node()
    for page_type in MARKETING_TYPES:
        assert not page_type.can_create_at(root), page_type


def test_a_home_page_lives_under_the_root_only(site_tree, about_page):
    assert not HomePage.can_create_at(site_tree)
    assert not HomePage.can_create_at(about_page)


def test_standard_pages_nest_but_nothing_else_goes_under_them(about_page):
    assert StandardPage.can_create_at(about_page)
    for page_type in (FeaturesPage, FAQPage, PricingPage):
        assert not page_type.can_create_at(about_page), page_type


def test_nothing_goes_under_the_features_faq_and_pricing_pages(
    features_page, faq_page, pricing_page
):
    for parent in (features_page, faq_page, pricing_page):
        for page_type in [HomePage, *MARKETING_TYPES]:
            assert not page_type.can_create_at(parent), (page_type, parent)


def test_one_faq_and_one_pricing_page_per_home_page(site_tree, faq_page, pricing_page):
    assert not FAQPage.can_create_at(site_tree)
    assert not PricingPage.can_create_at(site_tree)
    # Standard and features pages are not limited.
    assert StandardPage.can_create_at(site_tree)
    assert FeaturesPage.can_create_at(site_tree)


@pytest.mark.parametrize("page_type", MARKETING_TYPES, ids=lambda model: model.__name__)
def test_the_admin_offers_each_type_under_the_home_page(editor, site_tree, page_type):
    meta = page_type._meta
    url = reverse("wagtailadmin_pages:add", args=[meta.app_label, meta.model_name, site_tree.pk])
    response = editor.get(url)
    assert response.status_code == 200


def test_the_admin_refuses_a_type_where_it_does_not_belong(editor, about_page):
    url = reverse("wagtailadmin_pages:add", args=["cms", "pricingpage", about_page.pk])
    response = editor.get(url)
    # Wagtail's admin answers a PermissionDenied by sending the editor to its dashboard.
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_an_editor_creates_a_standard_page_with_blocks_in_the_admin(editor, site_tree):
    url = reverse("wagtailadmin_pages:add", args=["cms", "standardpage", site_tree.pk])
    response = editor.post(
        url,
        {
            "title": "Privacy",
            "slug": "privacy",
            "intro": "What we keep, and why.",
            "body-count": "1",
            "body-0-type": "quote",
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-value-quote": "We keep as little as we can.",
            "body-0-value-attribution": "",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = StandardPage.objects.get(slug="privacy")
    assert page.live
    assert page.get_parent().specific == site_tree
    assert page.body[0].value["quote"] == "We keep as little as we can."
