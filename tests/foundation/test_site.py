import pytest
from wagtail.models import Locale

from cms.models import HomePage

pytestmark = pytest.mark.django_db


def test_site_tree_has_en_home_and_its_nl_translation(site_tree):
    assert set(Locale.objects.values_list("language_code", flat=True)) >= {"en", "nl"}
    homes = HomePage.objects.filter(translation_key=site_tree.translation_key)
    assert {home.locale.language_code for home in homes} == {"en", "nl"}


@pytest.mark.parametrize(
    ("accept_language", "expected"), [("nl-NL,nl;q=0.9", "/nl/"), ("en-GB,en;q=0.8", "/en/")]
)
def test_root_redirects_by_browser_language(client, site_tree, accept_language, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize(
    ("prefix", "phrase"),
    [("en", "Find what keeps your website"), ("nl", "Ontdek wat je website")],
)
def test_home_page_renders_in_its_language(client, site_tree, prefix, phrase):
    response = client.get(f"/{prefix}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{prefix}">' in html
    assert phrase in html


def test_language_switcher_keeps_the_visitor_on_the_same_page(client, site_tree):
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/en/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/nl/accounts/login/"


@pytest.mark.parametrize(("prefix", "phrase"), [("en", "couldn't find"), ("nl", "niet vinden")])
def test_unknown_url_gives_a_friendly_404_in_the_visitors_language(
    client, site_tree, prefix, phrase
):
    response = client.get(f"/{prefix}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert phrase in html
    assert f'<html lang="{prefix}">' in html


def test_admin_login_goes_through_allauth(client, site_tree):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] and "next=/admin/" in response["Location"]
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_customers_cannot_enter_the_admin(client, site_tree, make_user):
    user = make_user(email="customer@example.com")
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code in (302, 403)


def test_bot_page_explains_the_crawler_and_how_to_block_it(client, site_tree):
    from audits.crawl_settings import bot_user_agent

    response = client.get("/bot")
    html = response.content.decode()
    assert response.status_code == 200
    assert "User-agent: VivaSEOBot" in html
    assert bot_user_agent() in html and bot_user_agent().endswith("/bot)")


def test_language_switch_is_remembered_for_a_signed_in_user(client, site_tree, make_user):
    user = make_user(email="switcher@example.com")
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/en/app/"})
    assert response["Location"] == "/nl/app/"
    user.refresh_from_db()
    assert user.preferred_language == "nl"
