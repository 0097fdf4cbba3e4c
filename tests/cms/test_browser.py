"""The marketing pages in Debian's Chromium, at desktop and phone width, with JavaScript off
(nothing on them needs it): screenshots under test-artifacts/screenshots/ to look at."""

import pytest

from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def visitor(browser):
    context = browser.new_context(viewport=VIEWPORTS["desktop"], java_script_enabled=False)
    yield context.new_page()
    context.close()


def shoot(page, name: str) -> None:
    """Screenshot, after checking nothing sticks out sideways."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    screenshot(page, name)


def test_home_pricing_and_faq_pages_look_right(
    live_server, visitor, home_with_sections, pricing_page, faq_page
):
    for size, viewport in VIEWPORTS.items():
        visitor.set_viewport_size(viewport)
        visitor.goto(f"{live_server.url}/en/")
        assert visitor.locator(".feature-card").count() == 3
        shoot(visitor, f"cms-home-{size}")

        visitor.goto(f"{live_server.url}/en/pricing/")
        standard = visitor.locator("[data-plan-card=standard]")
        # Monthly prices show first; the toggle switches to yearly without JavaScript.
        assert standard.locator("[data-price=month]").is_visible()
        assert not standard.locator("[data-price=year]").is_visible()
        shoot(visitor, f"cms-pricing-{size}")
        visitor.click("label[for=interval-year]")
        assert standard.locator("[data-price=year]").is_visible()
        assert not standard.locator("[data-price=month]").is_visible()
        assert "€190" in standard.inner_text()
        shoot(visitor, f"cms-pricing-yearly-{size}")

        visitor.goto(f"{live_server.url}/en/faq/")
        first = visitor.locator(".faq-item").first
        assert not first.locator(".faq-answer").is_visible()
        first.locator("summary").click()
        assert first.locator(".faq-answer").is_visible()
        shoot(visitor, f"cms-faq-{size}")


def test_pricing_page_highlights_the_signed_in_customers_plan(
    live_server, visitor, pricing_page, make_user, settings
):
    from django.test import Client

    from billing.models import PlanLimits
    from billing.services import complimentary_plan_grant

    customer = make_user()
    complimentary_plan_grant(
        user=customer,
        plan=PlanLimits.objects.get(slug="standard"),
        granted_by=None,
        reason="A test.",
    )
    signed_in = Client()
    signed_in.force_login(customer)
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    visitor.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    for size, viewport in VIEWPORTS.items():
        visitor.set_viewport_size(viewport)
        visitor.goto(f"{live_server.url}/en/pricing/")
        current = visitor.locator(".pricing-card.is-current")
        assert current.get_attribute("data-plan-card") == "standard"
        assert "Your current plan" in current.inner_text()
        assert visitor.locator("[data-plan-card=premium] a[data-upgrade]").is_visible()
        shoot(visitor, f"cms-pricing-customer-{size}")
