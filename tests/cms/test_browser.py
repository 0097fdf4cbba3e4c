"""The marketing pages in Debian's Chromium, at desktop and phone width, with JavaScript off
(nothing on them needs it): screenshots under test-artifacts/screenshots/ to look at."""

import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

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


def serve_media(visitor, settings) -> None:
    """Uploaded images, served the way the media host does in production: the test server
    serves static files only (and the project serves media itself only with DEBUG on)."""
    media_root = Path(settings.MEDIA_ROOT)

    def fulfil(route):
        relative = unquote(urlsplit(route.request.url).path).removeprefix(settings.MEDIA_URL)
        path = (media_root / relative).resolve()
        if path.is_relative_to(media_root.resolve()) and path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404, body="")

    visitor.route(f"**{settings.MEDIA_URL}**", fulfil)


def images_load(visitor) -> None:
    """Scroll every image into view (the cards' covers load lazily) and wait until all have
    loaded: a missing or broken picture fails the test, named."""
    for image in visitor.locator("img").all():
        image.scroll_into_view_if_needed()
    unloaded = "[...document.images].filter(i => !(i.complete && i.naturalWidth)).map(i => i.src)"

    deadline = time.monotonic() + 15
    while visitor.evaluate(unloaded) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert visitor.evaluate(unloaded) == [], "these images did not load"
    visitor.evaluate("window.scrollTo(0, 0)")


def test_blog_index_and_post_look_right(live_server, visitor, site_tree, settings):
    from cms.services import demo_blog_ensure

    demo_blog_ensure()
    serve_media(visitor, settings)
    for size, viewport in VIEWPORTS.items():
        visitor.set_viewport_size(viewport)
        visitor.goto(f"{live_server.url}/en/blog/")
        assert visitor.locator(".blog-card").count() == 6
        images_load(visitor)
        shoot(visitor, f"cms-blog-index-{size}")

        visitor.goto(f"{live_server.url}/en/blog/robots-txt-mistakes/")
        assert visitor.locator(".code-block").is_visible()
        assert visitor.locator(".blog-related .blog-card").count() == 3
        images_load(visitor)
        shoot(visitor, f"cms-blog-post-{size}")

        visitor.goto(f"{live_server.url}/nl/blog/tags/technische-seo/")
        assert "Berichten met tag" in visitor.locator("h1").inner_text()
        shoot(visitor, f"cms-blog-tag-nl-{size}")
