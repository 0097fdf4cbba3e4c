"""A website's history: the score trend, and the comparison of two audits (new, fixed and
unchanged findings, score deltas), from two real audits of a shop that changed in between."""

import re

import pytest
from django.utils.html import escape

from audits.checks.registry import get_check
from audits.models import SEOScan

from .factories import ReportFactory, WebsiteFactory
from .report_site import shop_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_audits(shop, run_audit):
    """The first audit; then the shop adds alt text everywhere and loses /about's title."""
    first = run_audit(shop)
    pages = shop_site(shop.url)
    for path, page in pages.items():
        if path.startswith("/products/"):
            page.body = page.body.replace('.jpg">', '.jpg" alt="A teak table">')
    pages["/about"].body = (
        pages["/about"]
        .body.replace("<title>About Teak &amp; Co and our workshop</title>", "")
        .replace("<title>About Teak & Co and our workshop</title>", "")
    )
    shop.pages.clear()
    shop.pages.update(pages)
    second = run_audit(shop)
    return first, second


def compare_sections(page: str) -> dict[str, set[str]]:
    sections = {}
    for kind in ("new", "fixed", "unchanged"):
        start = page.index(f'data-compare="{kind}"')
        block = page[start : page.index("</section>", start)]
        sections[kind] = set(re.findall(r'data-check="([a-z0-9-]+)"', block))
    return sections


def test_comparison_shows_new_fixed_and_unchanged_findings(customer_client, two_audits):
    first, second = two_audits
    website = first.website
    page = customer_client.get(f"/en/app/websites/{website.pk}/compare/").content.decode()
    sections = compare_sections(page)
    assert "image-alt" in sections["fixed"]
    assert "document-title" in sections["new"]  # /about lost its title
    assert "document-title" in sections["unchanged"]  # /contact still has none
    assert {"missing-h1", "robots-txt", "https-missing"} <= sections["unchanged"]
    assert not sections["new"] & {"image-alt"}
    # The pages of each change are listed under their check.
    new_block = page[page.index('data-compare="new"') : page.index('data-compare="fixed"')]
    assert ">/about<" in new_block
    fixed_block = page[page.index('data-compare="fixed"') : page.index('data-compare="unchanged"')]
    assert ">/products/teak-0<" in fixed_block
    assert escape(get_check("image-alt").text("failure_title", "en")) in fixed_block
    # Score deltas, overall and per category.
    delta = second.report.overall_score - first.report.overall_score
    assert f'data-score-delta="{delta}"' in page
    content_old = first.report.category_scores["content"]
    content_new = second.report.category_scores["content"]
    assert content_new > content_old
    row = page[page.index('data-category="content"') :]
    row = row[: row.index("</tr>")]
    assert f">{content_old}<" in row and f">{content_new}<" in row
    assert f"+{content_new - content_old}" in row


def test_comparison_defaults_to_the_latest_two_and_orders_any_pair(customer_client, two_audits):
    first, second = two_audits
    url = f"/en/app/websites/{first.website_id}/compare/"
    default = customer_client.get(url).content.decode()
    swapped = customer_client.get(url, {"old": second.pk, "new": first.pk}).content.decode()
    for page in (default, swapped):
        assert re.search(rf'<option value="{first.pk}" selected>', page.split('name="new"')[0])
        assert re.search(rf'<option value="{second.pk}" selected>', page.split('name="new"')[1])
        assert "image-alt" in compare_sections(page)["fixed"]


def test_comparison_in_dutch(customer_client, two_audits):
    first, _second = two_audits
    page = customer_client.get(f"/nl/app/websites/{first.website_id}/compare/").content.decode()
    assert "Audits vergelijken" in page and "Nieuwe problemen" in page and "Opgelost" in page
    assert escape(get_check("image-alt").text("failure_title", "nl")) in page


def test_comparison_refuses_audits_of_another_website_or_user(
    customer_client, customer, intruder, two_audits
):
    first, second = two_audits
    url = f"/en/app/websites/{first.website_id}/compare/"
    elsewhere = ReportFactory(scan__website=WebsiteFactory(user=customer)).scan
    theirs = ReportFactory(scan__website=WebsiteFactory(user=intruder)).scan
    running = SEOScan.objects.create(
        website=first.website, user=customer, url=first.url, status=SEOScan.Status.PROCESSING
    )
    for old in (elsewhere.pk, theirs.pk, running.pk, 999999):
        assert customer_client.get(url, {"old": old, "new": second.pk}).status_code == 404
    assert customer_client.get(url, {"old": "x", "new": ""}).status_code == 200


def test_another_user_cannot_compare_with_their_own_website(client, intruder, two_audits):
    first, second = two_audits
    own = WebsiteFactory(user=intruder)
    client.force_login(intruder)
    for url in (
        f"/en/app/websites/{first.website_id}/compare/",
        f"/en/app/websites/{own.pk}/compare/?old={first.pk}&new={second.pk}",
    ):
        assert client.get(url).status_code == 404


def test_comparison_needs_two_completed_audits(customer_client, customer):
    report = ReportFactory(scan__website__user=customer)
    page = customer_client.get(f"/en/app/websites/{report.scan.website_id}/compare/")
    assert page.status_code == 200
    assert "Two audits are needed" in page.content.decode()


def test_compare_with_previous_links_and_the_score_trend(customer_client, two_audits):
    first, second = two_audits
    newer = customer_client.get(f"/en/app/audits/{second.pk}/").content.decode()
    link = f"/en/app/websites/{first.website_id}/compare/?old={first.pk}&amp;new={second.pk}"
    assert f'href="{link}"' in newer and "Compare with previous" in newer
    delta = second.report.overall_score - first.report.overall_score
    assert "since the last audit" in newer and (f"+{delta}" if delta > 0 else "") in newer
    older = customer_client.get(f"/en/app/audits/{first.pk}/").content.decode()
    assert "Compare with previous" not in older

    website = customer_client.get(f"/en/app/websites/{first.website_id}/").content.decode()
    assert "Score history" in website
    chart = website[website.index("trend-chart-wide") :]
    chart = chart[: chart.index("</svg>")]
    scores = [int(score) for score in re.findall(r'class="point" data-score="(\d+)"', chart)]
    assert scores == [first.report.overall_score, second.report.overall_score]
    assert f'href="{link}"' in website  # the newer audit's row
    assert "Compare the last two audits" in website
