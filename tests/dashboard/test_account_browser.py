"""The notification address and account deletion in a real browser (Debian's Chromium)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from vivaseo_site.accounts.models import ScanConfiguration, User

from .test_browser import PHONE, log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_notification_address_is_pending_until_its_link_is_followed(
    live_server, site_tree, browser, page, make_user, eager_tasks
):
    user = make_user(email="sam@example.com", first_name="Sam")
    base = live_server.url
    log_in(page, base, user.email, user.raw_password)
    page.goto(f"{base}/en/app/account/schedule/")
    page.fill("input[name=notification_email]", "a-rather-long-team-address@example.com")
    page.click("text=Save schedule")
    pending = page.locator("[data-pending-email]")
    assert "a-rather-long-team-address@example.com is pending verification." in (
        pending.inner_text()
    )
    assert "Until then, audit emails go to sam@example.com." in pending.inner_text()
    for width, suffix in [(1280, "desktop"), (PHONE["width"], "phone")]:
        page.set_viewport_size({"width": width, "height": 860})
        shoot(page, f"account-notification-email-pending-{suffix}")

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/confirm/\S+/", message.body).group(0)
    path = re.sub(r"^https?://[^/]+", "", link)
    visitor = browser.new_context(viewport=PHONE).new_page()  # signed out, on a phone
    visitor.goto(base + path)
    shoot(visitor, "account-notification-email-confirm-phone")
    visitor.click("text=Confirm this address")
    assert "is confirmed." in visitor.locator("[data-confirmed]").inner_text()
    visitor.context.close()
    assert ScanConfiguration.objects.get(user=user).notification_email_confirmed

    page.goto(f"{base}/en/app/account/schedule/")
    assert page.locator("[data-pending-email]").count() == 0
    assert "Audit emails go to a-rather-long-team-address@example.com." in (
        page.locator("[data-audit-emails-to]").inner_text()
    )


def test_deleting_the_account_asks_for_the_password(live_server, site_tree, page, make_user):
    user = make_user(email="leaving@example.com")
    base = live_server.url
    log_in(page, base, user.email, user.raw_password)
    page.goto(f"{base}/en/app/account/delete/")
    page.fill("input[name=password]", "not-it")
    page.click("text=Delete my account and data")
    assert "That is not your current password" in page.locator(".field-errors").inner_text()
    shoot(page, "account-delete-wrong-password")
    assert User.objects.filter(pk=user.pk).exists()

    page.fill("input[name=password]", user.raw_password)
    page.click("text=Delete my account and data")
    page.wait_for_url(re.compile(r"/en/$"))
    assert not User.objects.filter(pk=user.pk).exists()


def _background(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).backgroundColor")


def _colour(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).color")


DANGER = "rgb(180, 35, 24)"  # --danger in static/css/site.css


def test_account_pages_keep_the_dashboard_and_destructive_buttons_look_it(
    live_server, site_tree, page, make_user
):
    user = make_user(email="kim@example.com")
    EmailAddress.objects.create(user=user, email="kim.old@example.com", verified=True)
    base = live_server.url
    log_in(page, base, user.email, user.raw_password)
    for language in ("en", "nl"):
        page.goto(f"{base}/{language}/accounts/email/")
        assert page.locator(".dash-nav").is_visible()
        assert page.locator(".tabs .tab.is-current").inner_text() in (
            "Email address",
            "E-mailadres",
        )
        remove = page.locator("button[name=action_remove]")
        assert _colour(page, "button[name=action_remove]") == DANGER
        assert _background(page, "button[name=action_primary]") != _background(
            page, "button[name=action_remove]"
        )
        assert remove.is_visible()
        shoot(page, f"account-email-{language}")
    page.goto(f"{base}/en/accounts/password/change/")
    assert page.locator(".dash-nav").is_visible()
    shoot(page, "account-password-change")
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/en/accounts/email/")
    shoot(page, "account-email-phone")
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(f"{base}/en/app/account/delete/")
    assert _background(page, "button.button-danger") == DANGER
    shoot(page, "account-delete")
