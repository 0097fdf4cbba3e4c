"""The public pages in a real browser (Debian's Chromium through Playwright)."""

import re

import pytest

from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("prefix", "phrase"), [("en", "Find what keeps"), ("nl", "Ontdek wat")])
def test_home_page_in_each_language(live_server, site_tree, page, prefix, phrase):
    page.goto(f"{live_server.url}/{prefix}/")
    assert page.locator("html").get_attribute("lang") == prefix
    assert phrase in page.locator("h1").inner_text()
    screenshot(page, f"home-{prefix}")


def test_language_switcher_moves_to_the_same_page_in_dutch(live_server, site_tree, page):
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.click("button.lang-button[value=nl]")
    page.wait_for_url("**/nl/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "nl"


def test_login_page_and_admin_login(live_server, site_tree, page, make_user):
    make_user(email="staff@example.com", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/en/accounts/login/")
    screenshot(page, "login-en")
    page.goto(f"{live_server.url}/admin/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=login]", "staff@example.com")
    page.fill("input[name=password]", "a-long-passphrase-42")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    screenshot(page, "admin-dashboard")
    assert "Wagtail" in page.title()
