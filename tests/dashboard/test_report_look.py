"""The report as a customer sees it: the charts and the icons are drawn in Chromium and in the
PDF, and both leave screenshots (test-artifacts/screenshots/look-*) for people to look at."""

import re
import subprocess
from collections import Counter

import pytest
from PIL import Image

from audits.charts import BAND_COLOURS, SEVERITY_COLOURS, score_band
from audits.services import pdf
from tests.conftest import ARTIFACTS_DIR, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = ARTIFACTS_DIR / "screenshots"


def colours(png) -> Counter:
    """How many pixels of each colour ("#rrggbb") an image has."""
    with Image.open(png) as image:
        pixels = image.convert("RGB").getcolors(maxcolors=1 << 20)
    return Counter({"#{:02x}{:02x}{:02x}".format(*rgb): count for count, rgb in pixels})


def drawn_widths(page, selector: str) -> list[float]:
    """The width of what each matching <svg> actually draws (0 when a reference is broken)."""
    return page.locator(selector).evaluate_all("nodes => nodes.map(node => node.getBBox().width)")


def test_the_overview_draws_every_chart_and_icon(live_server, site_tree, page, customer, shop,
                                                 run_audit):  # fmt: skip
    scan = run_audit(shop)
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill("input[name=login]", customer.email)
    page.fill("input[name=password]", customer.raw_password)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/en/app/$"))

    page.goto(f"{live_server.url}/en/app/audits/{scan.pk}/")
    icons = drawn_widths(page, "main svg.icon, nav svg.icon")
    assert len(icons) >= 10
    assert all(width > 0 for width in icons), icons
    charts = drawn_widths(page, "svg.chart")
    assert len(charts) == 3 and all(width > 50 for width in charts), charts
    screenshot(page, "look-report-overview")

    page.goto(f"{live_server.url}/en/app/audits/{scan.pk}/findings/")
    assert all(width > 0 for width in drawn_widths(page, "main svg.icon"))
    screenshot(page, "look-report-findings")


def test_the_pdf_draws_its_charts(shop, run_audit):
    scan = run_audit(shop)
    content = pdf.report_pdf_render(scan=scan, language="en")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    source = SCREENSHOTS / "look-report.pdf"
    source.write_bytes(content)
    try:
        for number in (1, 2, 3):
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-f", str(number), "-l", str(number),
                 "-singlefile", str(source), str(SCREENSHOTS / f"look-report-pdf-page{number}")],
                check=True, timeout=60,
            )  # fmt: skip
    finally:
        source.unlink()
    # The cover has the gauge; the summary page the bars and the donut, in their colours.
    cover = colours(SCREENSHOTS / "look-report-pdf-page1.png")
    assert cover[BAND_COLOURS[score_band(scan.report.overall_score)][0]] > 500
    summary = colours(SCREENSHOTS / "look-report-pdf-page2.png")
    for severity, count in scan.report.summary["by_severity"].items():
        if count:
            assert summary[SEVERITY_COLOURS[severity]] > 100, severity
