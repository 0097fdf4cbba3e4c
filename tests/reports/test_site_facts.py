"""Site-level facts say what they are about: counted over the indexable pages, not read from
the home page alone (the PDF once said "Structured data: None found" while 6 pages had it)."""

import pytest
from django.utils import translation

from audits.models import PageResult, SEOReport
from audits.selectors.reports import site_page_facts
from audits.services import pdf

from .conftest import SITE

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop_with_structured_data(make_scan):
    """The home page has no JSON-LD; two of the three other indexable pages do; /gone is a 404
    with JSON-LD and an image without alt text (an error page is not the site's content)."""
    scan = make_scan(pages=["/", "/tables", "/chairs", "/about", "/gone"], score=70)
    pages = PageResult.objects.filter(scan=scan)
    pages.filter(url=f"{SITE}/tables").update(jsonld_types=["Product", "BreadcrumbList"])
    pages.filter(url=f"{SITE}/chairs").update(
        jsonld_types=["Product"], images_total=4, images_without_alt=1
    )
    pages.filter(url=f"{SITE}/gone").update(
        indexable=False, jsonld_types=["WebPage"], images_total=9, images_without_alt=9
    )
    return scan


def facts_by_key(scan) -> dict:
    return {fact.key: fact for fact in site_page_facts(scan=scan)}


def test_site_facts_count_the_indexable_pages_not_the_home_page(shop_with_structured_data):
    facts = facts_by_key(shop_with_structured_data)

    structured = facts["structured_data"]
    assert (structured.count, structured.of, structured.tone) == (2, 4, "partly")
    assert structured.text == "On 2 of 4 indexable pages"
    assert structured.detail == "Product, BreadcrumbList"
    https = facts["https"]
    assert (https.count, https.of, https.tone, https.text) == (
        4,
        4,
        "yes",
        "On all 4 indexable pages",
    )
    alt = facts["images_without_alt"]
    assert (alt.count, alt.tone, alt.detail) == (1, "no", "1 of 4 images")


def test_a_site_without_structured_data_says_on_how_many_pages_it_looked(make_scan):
    facts = facts_by_key(make_scan(pages=["/", "/a", "/b"], score=50))

    assert facts["structured_data"].text == "None found on the 3 indexable pages"
    assert facts["structured_data"].tone == "no"
    assert facts["images_without_alt"].tone == "yes"


def test_the_pdf_and_the_overview_say_what_the_facts_are_about(
    shop_with_structured_data, client, customer
):
    scan = shop_with_structured_data
    SEOReport.objects.filter(scan=scan).update(site={"urls_not_crawled": 7})
    html = pdf.report_pdf_html(scan=scan, language="en")
    assert 'data-fact="urls_not_crawled">7<' in html  # found, beyond the page limit
    assert "Structured data (JSON-LD)" in html
    assert "On 2 of 4 indexable pages</span> (Product, BreadcrumbList)" in html
    assert "None found" not in html

    dutch = pdf.report_pdf_html(scan=scan, language="nl")
    assert "Op 2 van de 4 indexeerbare pagina" in dutch

    client.force_login(customer)
    with translation.override("en"):
        page = client.get(f"/en/app/audits/{scan.pk}/").content.decode()
    assert 'data-fact="structured_data"' in page and "On 2 of 4 indexable pages" in page
    site_tab = client.get(f"/en/app/audits/{scan.pk}/site/").content.decode()
    assert "Across the audited pages" in site_tab
    assert 'data-fact="structured_data"' in site_tab and "On 2 of 4 indexable pages" in site_tab
    dutch_tab = client.get(f"/nl/app/audits/{scan.pk}/site/").content.decode()
    assert "Over de geauditeerde pagina" in dutch_tab
