"""A report read in Dutch is all Dutch, though the audit ran in English.

The shop is audited for an owner who reads English, so the crawl, the checks and the report
are written while English is active. Then the whole report is read in Dutch: the dashboard's
overview, findings tab and page details, the findings CSV, the PDF and the audit email. None
of them may show an English check text or an English finding detail: texts are stored as
check ids, message ids and parameters, and rendered in the reader's language.
"""

from __future__ import annotations

import html
import re
import subprocess

import pytest
from django.core import mail
from django.utils import translation

from audits.checks import all_checks
from audits.checks.registry import TEXT_NAMES
from audits.details import details_render
from audits.models import Finding, PageResult
from audits.services import pdf
from audits.services.announcements import scan_finished_announce

pytestmark = pytest.mark.django_db


def visible(markup: str) -> str:
    """Text as a reader sees it: tags dropped, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def collapsed(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def english_only_texts(scan) -> set[str]:
    """Every check text, and every finding detail of this audit, whose English differs from
    its Dutch: none of these may show up in a Dutch report."""
    texts = {
        check.text(name, "en")
        for check in all_checks()
        for name in TEXT_NAMES
        if check.text(name, "en") != check.text(name, "nl")
    }
    for items in Finding.objects.filter(scan=scan).values_list("detail_items", flat=True):
        for item in items:
            english = details_render([item], language="en")
            if english != details_render([item], language="nl"):
                texts.add(english)
    return {collapsed(text) for text in texts}


def english_in(text: str, english: set[str]) -> list[str]:
    text = collapsed(text)
    return sorted(phrase for phrase in english if phrase in text)


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")


def test_a_report_audited_in_english_reads_all_dutch(customer, customer_client, shop, run_audit):
    customer.preferred_language = "en"
    customer.save(update_fields=["preferred_language"])
    with translation.override("en"):
        scan = run_audit(shop)
    english = english_only_texts(scan)
    details_in_english = {
        details_render([item], language="en")
        for items in Finding.objects.filter(scan=scan).values_list("detail_items", flat=True)
        for item in items
    } & english
    assert details_in_english, "the shop should produce translated finding details"
    base = f"/nl/app/audits/{scan.pk}/"

    # The dashboard: overview, findings (every check with its details), page details.
    seen = {}
    for name, path in (("overview", base), ("findings", base + "findings/")):
        response = customer_client.get(path)
        assert response.status_code == 200
        seen[name] = visible(response.content.decode())
    assert "Wat je het eerst moet verbeteren" in seen["overview"]
    pages = (
        PageResult.objects.filter(scan=scan, findings__isnull=False)
        .distinct()
        .order_by("depth", "id")[:6]
    )
    for page in pages:
        response = customer_client.get(f"{base}pages/{page.pk}/")
        assert response.status_code == 200
        seen[f"page {page.url}"] = visible(response.content.decode())

    # The findings CSV, as downloaded.
    response = customer_client.get(base + "findings.csv")
    assert response.status_code == 200
    csv_text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Hele site" in csv_text or "Probleem" in csv_text
    seen["findings.csv"] = csv_text

    # The PDF: what it prints (its HTML) and the text of the PDF itself.
    seen["pdf html"] = visible(pdf.report_pdf_html(scan=scan, language="nl"))
    seen["pdf"] = pdf_text(pdf.report_pdf_render(scan=scan, language="nl"))

    # The email, once the owner reads Dutch.
    customer.preferred_language = "nl"
    customer.save(update_fields=["preferred_language"])
    scan.refresh_from_db()
    scan_finished_announce(scan_id=scan.pk)
    (message,) = mail.outbox
    seen["email"] = message.body + "\n" + visible(message.alternatives[0][0])

    found = {name: english_in(text, english) for name, text in seen.items()}
    assert not {name: phrases for name, phrases in found.items() if phrases}
    # And the Dutch is there: the findings tab shows every detail the audit found, in Dutch.
    for detail in details_in_english:
        dutch = next(
            details_render([item], language="nl")
            for items in Finding.objects.filter(scan=scan).values_list("detail_items", flat=True)
            for item in items
            if details_render([item], language="en") == detail
        )
        assert collapsed(dutch) in seen["findings"] + seen["findings.csv"], dutch
