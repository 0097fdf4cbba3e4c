"""One audit's failing checks read the same everywhere: the findings tab, the overview, the PDF
and the findings CSV list them in the one ranking (audits.selectors.ranking) under the same
names, in English and in Dutch. The rows come from the real engine auditing the shop on
127.0.0.1."""

import csv
import io
import re
from html import unescape

import pytest

from audits.selectors.ranking import scan_failing_checks
from audits.services import pdf
from audits.views.contexts import TOP_RECOMMENDATIONS
from audits.vocabulary import categories_in_order

pytestmark = pytest.mark.django_db


def listed(html: str, marker: str, title: str) -> list[tuple[str, str]]:
    """(check id, title) of each element marked ``data-check`` in ``marker``'s class, in order,
    with the text of the first element of class ``title`` inside it."""
    found = []
    pattern = (
        rf'class="{marker}[^"]*"[^>]*data-check="([a-z0-9-]+)"(.*?)class="{title}"[^>]*>(.*?)<'
    )
    for check_id, _between, name in re.findall(pattern, html, flags=re.S):
        found.append((check_id, unescape(name).strip()))
    return found


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_dashboard_the_pdf_and_the_csv_rank_and_name_failing_checks_alike(
    customer_client, shop, run_audit, language
):
    scan = run_audit(shop)
    ranked = [
        (item.check_id, item.text("failure_title", language))
        for item in scan_failing_checks(scan=scan)
    ]
    # Enough to tell orders apart: several checks of each severity, in several categories.
    assert len(ranked) >= 12
    by_id = {item.check_id: item for item in scan_failing_checks(scan=scan)}
    assert len({item.severity for item in by_id.values()}) == 3
    base = f"/{language}/app/audits/{scan.pk}/"

    findings_tab = customer_client.get(base + "findings/").content.decode()
    assert listed(findings_tab, "issue issue-", "issue-title") == ranked

    overview = customer_client.get(base).content.decode()
    shown = [
        (check_id, unescape(name).strip())
        for check_id, name in re.findall(
            r'class="recommendation-title"><a href="[^"]*\?check=([a-z0-9-]+)">(.*?)</a>', overview
        )
    ]
    assert shown == ranked[:TOP_RECOMMENDATIONS]

    html = pdf.report_pdf_html(scan=scan, language=language)
    assert listed(html, "recommendation", "rec-title") == ranked[:TOP_RECOMMENDATIONS]
    # The PDF groups the findings by category; within each, the same order.
    categories = categories_in_order(item.category for item in by_id.values())
    by_category = sorted(ranked, key=lambda pair: categories.index(by_id[pair[0]].category))
    assert listed(html, "check", "check-title") == by_category

    response = customer_client.get(base + "findings.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert list(dict.fromkeys((row[0], row[1]) for row in rows[1:])) == ranked
