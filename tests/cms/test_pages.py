"""Each page type renders its blocks, through real requests on pages in the site's tree."""

import json
import re
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Locale

from billing.models import PlanLimits
from billing.services import complimentary_plan_grant
from cms.blocks import ImageBlock
from cms.models import PricingPage, StandardPage

from .conftest import QUESTIONS, publish

pytestmark = pytest.mark.django_db

FREE_AUDIT_FOR_VISITORS = f"/en/accounts/signup/?next={quote('/en/app/websites/add/', safe='')}"


def get_html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_home_page_renders_its_sections_below_the_hero(client, home_with_sections):
    html = get_html(client, "/en/")
    # The page's own hero and body stay first (bootstrap_site's fields).
    hero = html.index("Find what keeps your website out of search results")
    assert hero < html.index("Five free audits, no credit card.")
    assert hero < html.index("Audits that tell you what to fix first")
    for text in (
        "Everything a search engine sees",
        "Crawls like a search engine",
        "Reports in two languages",
        "We fixed forty broken links in an afternoon.",
        "Marketing lead, Bakkerij Zon",
        "Do I need a credit card to start?",
        "Ready to see what search engines see?",
    ):
        assert text in html, text
    assert html.count('class="feature-card"') == 3
    assert html.count('class="testimonial"') == 2
    assert html.count("<details") == 2


def test_calls_to_action_lead_visitors_to_sign_up(client, home_with_sections):
    html = get_html(client, "/en/")
    free_audit = FREE_AUDIT_FOR_VISITORS.replace("&", "&amp;")
    assert f'<a class="button button-large" href="{free_audit}">Run a free audit</a>' in html
    assert '<a class="button button-large" href="/en/accounts/signup/">Sign up free</a>' in html


def test_calls_to_action_take_a_customer_straight_to_the_product(
    client, home_with_sections, make_user
):
    client.force_login(make_user())
    html = get_html(client, "/en/")
    assert 'href="/en/app/websites/add/">Run a free audit</a>' in html
    assert 'href="/en/app/">Sign up free</a>' in html


def test_a_home_page_without_sections_looks_as_before(client, site_tree):
    html = get_html(client, "/en/")
    assert "page-sections" not in html
    assert "Find what keeps your website out of search results" in html


def test_standard_page_renders_its_body_blocks_and_seo_fields(client, about_page, picture):
    html = get_html(client, "/en/about/")
    assert "<title>About VivaSEO · VivaSEO</title>" in html
    assert '<meta name="description" content="Who builds VivaSEO and why.">' in html
    assert "<h1>About us</h1>" in html
    assert "Two people who like fast, findable websites." in html
    assert "<h2>Our story</h2>" in html
    assert re.search(r'<img src="[^"]+\.png" width="\d+" height="\d+" alt="A VivaSEO report"', html)
    assert "<blockquote><p>Be found.</p></blockquote>" in html
    assert "<figcaption>Our motto</figcaption>" in html
    code = '<pre class="code-block" data-language="robots"><code>User-agent: *\nDisallow: /app/'
    assert code in html


def test_image_blocks_require_alternative_text(picture):
    block = ImageBlock()
    with pytest.raises(ValidationError) as refused:
        block.clean(block.to_python({"image": picture.pk, "alt_text": "", "caption": ""}))
    assert set(refused.value.block_errors) == {"alt_text"}
    described = block.clean(block.to_python({"image": picture.pk, "alt_text": "A chart"}))
    assert described["alt_text"] == "A chart"


def test_standard_pages_nest(client, about_page):
    team = StandardPage(title="Our team", slug="team", intro="Who we are.")
    about_page.add_child(instance=team)
    team.save_revision().publish()
    assert "<h1>Our team</h1>" in get_html(client, "/en/about/team/")


def test_features_page_renders_its_sections(client, features_page):
    html = get_html(client, "/en/features/")
    assert "<h1>Features</h1>" in html
    assert "What VivaSEO checks, and how it tells you." in html
    assert "Scores per category" in html
    assert "Ready to see what search engines see?" in html


def _structured_data(html: str) -> dict:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def test_faq_page_renders_its_questions_and_faqpage_json_ld(client, faq_page):
    html = get_html(client, "/en/faq/")
    assert "<h1>Frequently asked questions</h1>" in html
    assert html.count('<details class="faq-item">') == len(QUESTIONS)
    assert "<summary>Do I need a credit card to start?</summary>" in html
    data = _structured_data(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"] == [
        {
            "@type": "Question",
            "name": "Do I need a credit card to start?",
            "acceptedAnswer": {
                "@type": "Answer",
                "text": "No. The free plan needs only an email address.",
            },
        },
        {
            "@type": "Question",
            "name": "Which languages do the reports speak?",
            "acceptedAnswer": {"@type": "Answer", "text": "English and Dutch, & more to come."},
        },
    ]


def test_faq_json_ld_cannot_close_its_script_element(client, faq_page):
    faq_page.questions = [
        {
            "type": "question",
            "value": {"question": "What about </script><script>alert(1)</script>?", "answer": ""},
        }
    ]
    faq_page.save_revision().publish()
    html = get_html(client, "/en/faq/")
    data = _structured_data(html)
    assert data["mainEntity"][0]["name"] == "What about </script><script>alert(1)</script>?"
    assert "<script>alert(1)" not in html


def _plan_card(html: str, slug: str) -> str:
    match = re.search(rf'<article [^>]*data-plan-card="{slug}">(.*?)</article>', html, re.S)
    assert match, slug
    return match.group(0)


def test_pricing_page_shows_the_plans_without_stripe_keys(client, pricing_page):
    html = get_html(client, "/en/pricing/")
    assert "<h1>Pricing</h1>" in html
    free, standard, premium = (_plan_card(html, slug) for slug in ("free", "standard", "premium"))
    assert "<h2>Free</h2>" in free and "€0" in free and "free forever" in free
    assert "1 website</li>" in free and "5 audits per month" in free
    assert "100 pages per audit" in free
    assert 'class="is-excluded"' in free  # no JavaScript rendering, no schedules
    assert "€19" in standard and "€190" in standard
    assert "Billed yearly: you save €38." in standard
    assert "5 websites" in standard and "1,000 pages per audit" in standard
    assert 'Scheduled audits <span class="muted">(weekly)</span>' in standard
    assert "€49" in premium and "€490" in premium and "(daily)" in premium
    # The recommended plan is marked; nobody's plan is "current" for a visitor.
    assert "is-recommended" in standard and "Recommended" in standard
    assert "is-recommended" not in premium
    assert "pricing-card is-current" not in html and "Your current plan" not in html
    # Both intervals are in the page; two radio buttons and CSS choose which one shows.
    assert 'id="interval-month" value="month" checked' in html
    assert 'id="interval-year" value="year"' in html
    assert 'data-price="month"' in standard and 'data-price="year"' in standard
    # Visitors start by signing up.
    assert 'href="/en/accounts/signup/">Start free</a>' in free
    assert 'href="/en/accounts/signup/?next=/en/app/account/subscription/">Choose Standard' in (
        standard
    )
    # Below the plans: the page's own blocks.
    assert "About paying" in html


def test_pricing_page_highlights_a_customers_current_plan(client, pricing_page, make_user):
    customer = make_user()
    complimentary_plan_grant(
        user=customer,
        plan=PlanLimits.objects.get(slug="standard"),
        granted_by=None,
        reason="A test.",
    )
    client.force_login(customer)
    html = get_html(client, "/en/pricing/")
    free, standard, premium = (_plan_card(html, slug) for slug in ("free", "standard", "premium"))
    assert "is-current" in standard and "Your current plan" in standard
    assert 'href="/en/app/account/subscription/">Manage your plan</a>' in standard
    assert "is-current" not in free and "is-current" not in premium
    assert 'href="/en/app/account/subscription/" data-upgrade>Upgrade</a>' in premium
    assert 'href="/en/app/account/subscription/">Change plan</a>' in free
    assert "Your current plan" not in free + premium


def test_pricing_page_shows_a_free_customer_the_free_plan_as_theirs(
    client, pricing_page, make_user
):
    client.force_login(make_user())
    html = get_html(client, "/en/pricing/")
    assert "Your current plan" in _plan_card(html, "free")
    assert "data-upgrade" in _plan_card(html, "standard")
    assert "data-upgrade" in _plan_card(html, "premium")


def test_pricing_page_renders_in_dutch(client, pricing_page):
    dutch = pricing_page.copy_for_translation(Locale.objects.get(language_code="nl"))
    dutch.title = "Prijzen"
    dutch.intro = "Begin gratis."
    dutch.save_revision().publish()
    html = get_html(client, f"/nl/{dutch.slug}/")
    assert '<html lang="nl">' in html
    assert "<h1>Prijzen</h1>" in html
    standard = _plan_card(html, "standard")
    assert "per maand" in standard and "per jaar" in standard
    assert "Aanbevolen" in standard
    assert "5 websites" in standard and "1.000 pagina's per audit" in standard
    assert "Gratis beginnen" in _plan_card(html, "free")
    assert "Maandelijks" in html and "Jaarlijks" in html


def test_pricing_page_before_the_plans_are_set_up_says_so(client, site_tree, no_stripe_keys):
    publish(site_tree, PricingPage(title="Pricing", slug="pricing"))
    html = get_html(client, "/en/pricing/")
    assert "The plans are not set up yet." in html
    assert "data-plan-card" not in html
