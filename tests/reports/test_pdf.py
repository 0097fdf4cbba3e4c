"""The PDF report: rendered by WeasyPrint in the customer's language, stored, cached."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile

from audits.models import SEOReport
from audits.services import pdf
from audits.tasks import render_report_pdf
from tests.conftest import ARTIFACTS_DIR

from .conftest import SITE

pytestmark = pytest.mark.django_db
SCREENSHOTS = ARTIFACTS_DIR / "screenshots"


def pdf_text(content: bytes, *, first: int = 1, last: int | None = None) -> str:
    command = ["pdftotext", "-layout", "-f", str(first)]
    if last:
        command += ["-l", str(last)]
    return subprocess.run(
        [*command, "-", "-"], input=content, capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")


def save_pages(content: bytes, name: str, *, pages: int) -> None:
    """PNGs of the first pages, for people to look at (test-artifacts/screenshots/)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    source = SCREENSHOTS / f"{name}.pdf"
    source.write_bytes(content)
    for page in range(1, pages + 1):
        target = SCREENSHOTS / (f"{name}-page{page}" if page > 1 else f"{name}-page1")
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile"]
            + [str(source), str(target)],
            check=True,
            timeout=60,
        )
    source.unlink()


@pytest.fixture(autouse=True)
def _poppler():
    if not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        pytest.fail("poppler-utils is missing: run scripts/test.sh, which installs it.")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_report_pdf_in_english_shows_the_site_the_score_and_the_findings(full_audit):
    content = pdf.report_pdf_render(scan=full_audit, language="en")

    assert content.startswith(b"%PDF")
    save_pages(content, "report-pdf", pages=3)
    assert (SCREENSHOTS / "report-pdf-page1.png").stat().st_size > 5000
    cover = pdf_text(content, first=1, last=1)
    assert "Example Shop" in cover
    assert SITE + "/" in cover
    assert "72" in cover and "Overall SEO score" in cover
    assert "Olivia Jansen" in cover
    text = pdf_text(content)
    for heading in ("Score summary", "Top recommendations", "Findings by category", "Appendix"):
        assert heading in text
    assert "Page has no H1 heading" in text  # a check title from the registry
    assert SITE + "/blog/garden-care" in text  # a sample URL
    assert "Page 2 of" in text


def test_report_pdf_in_dutch(full_audit, dutch_strings):
    content = pdf.report_pdf_render(scan=full_audit, language="nl")

    save_pages(content, "report-pdf-nl", pages=1)
    text = pdf_text(content)
    for heading in (
        "Totale SEO-score",
        "Samenvatting van de scores",
        "Belangrijkste aanbevelingen",
        "Bevindingen per categorie",
        "Bijlage: gecrawlde pagina's",
        "Pagina 2 van",
    ):
        assert heading in text
    assert "Pagina heeft geen H1-kop" in text  # Dutch from the check registry
    assert "Score summary" not in text


def test_hostile_site_text_is_printed_not_run(make_scan, website):
    website.name = '<img src="http://169.254.169.254/x"> Shop </style>'
    website.save()
    scan = make_scan(pages=["/"], findings=[("missing-h1", "/")], score=40)
    scan.pages.update(title='<script>alert("x")</script> & co')

    text = pdf_text(pdf.report_pdf_render(scan=scan, language="en"))

    assert '<img src="http://169.254.169.254/x"> Shop' in text
    assert '<script>alert("x")</script> & co' in text


def test_the_appendix_stops_at_its_limit_and_says_so(make_scan, monkeypatch):
    monkeypatch.setattr(pdf, "APPENDIX_LIMIT", 3)
    scan = make_scan(pages=[f"/p{i}" for i in range(5)], score=80, summary={"pages": 5})

    text = pdf_text(pdf.report_pdf_render(scan=scan, language="en"))

    assert "first 3 of 5 pages" in text
    assert f"{SITE}/p2" in text and f"{SITE}/p4" not in text


def test_report_pdf_store_saves_through_the_default_storage(full_audit):
    report = pdf.report_pdf_store(scan=full_audit, language="en")

    assert report.pdf_file.name.startswith("reports/")
    assert report.pdf_file.name.endswith(f"/{full_audit.pk}-en.pdf")
    with report.pdf_file.open("rb") as stored:
        assert stored.read(4) == b"%PDF"
    assert pdf.report_pdf_is_fresh(report=report, language="en")
    assert not pdf.report_pdf_is_fresh(report=report, language="nl")

    # Storing again replaces the file instead of piling up suffixed copies.
    old_name = report.pdf_file.name
    report = pdf.report_pdf_store(scan=full_audit, language="en")
    assert report.pdf_file.name == old_name


def test_a_changed_report_makes_its_pdf_stale(full_audit):
    report = pdf.report_pdf_store(scan=full_audit, language="en")
    SEOReport.objects.filter(pk=report.pk).update(
        modified=report.pdf_generated_at + timedelta(seconds=1)
    )
    report.refresh_from_db()

    assert not pdf.report_pdf_is_fresh(report=report, language="en")


def test_render_task_stores_the_preferred_language_once(full_audit, monkeypatch):
    assert render_report_pdf(full_audit.pk, "en") == "stored"

    renders = []
    monkeypatch.setattr(pdf, "report_pdf_render", lambda **kwargs: renders.append(kwargs))
    assert render_report_pdf(full_audit.pk, "en") == "fresh"
    assert renders == []


def test_render_task_caches_other_languages(full_audit, monkeypatch):
    assert render_report_pdf(full_audit.pk, "nl") == "cached"
    report = SEOReport.objects.get(scan=full_audit)
    assert not report.pdf_file  # the stored PDF is for the owner's language only

    monkeypatch.setattr(pdf, "report_pdf_render", lambda **kwargs: pytest.fail("rendered"))
    assert render_report_pdf(full_audit.pk, "nl") == "fresh"
    assert pdf.report_pdf_bytes(scan=full_audit, language="nl").startswith(b"%PDF")


def test_render_task_without_report_does_nothing(make_scan):
    scan = make_scan(pages=["/"])

    assert render_report_pdf(scan.pk, "en") == "no-report"
    assert render_report_pdf(987654, "en") == "no-report"


def test_an_audit_deleted_while_its_pdf_renders_ends_the_task_quietly(full_audit, monkeypatch):
    """The customer deletes the audit (or the account) while the worker renders its PDF."""
    render = pdf.report_pdf_render

    def render_then_delete(**kwargs):
        content = render(**kwargs)
        full_audit.delete()
        return content

    monkeypatch.setattr(pdf, "report_pdf_render", render_then_delete)
    assert render_report_pdf(full_audit.pk, "en") == "no-report"
    assert not SEOReport.objects.exists()


def test_report_pdf_bytes_serves_the_stored_file(full_audit, monkeypatch):
    pdf.report_pdf_store(scan=full_audit, language="en")
    monkeypatch.setattr(pdf, "report_pdf_render", lambda **kwargs: pytest.fail("rendered"))

    assert pdf.report_pdf_bytes(scan=full_audit, language="en").startswith(b"%PDF")


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("reports/2026/11/12-nl.pdf", "nl"),
        ("reports/2026/11/12-en_Ab3xYz9.pdf", "en"),  # the storage renamed a taken name
        ("reports/2026/11/120-en.pdf", None),
        ("reports/2026/11/other.pdf", None),
    ],
)
def test_the_stored_pdf_language_is_read_from_its_name(name, language):
    report = SEOReport(scan_id=12, pdf_file=name)

    assert pdf._stored_language(report) == language


def test_the_renderer_fetches_nothing_but_data_urls():
    fetcher = pdf._url_fetcher()

    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher("file:///etc/passwd")
    assert fetcher("data:text/plain,ok").read() == b"ok"


@pytest.mark.parametrize("size", [2, 40])
def test_report_html_query_count_does_not_grow_with_the_audit(
    make_scan, size, django_assert_max_num_queries
):
    paths = [f"/p{i}" for i in range(size)]
    findings = [(check, path) for path in paths for check in ("missing-h1", "image-alt")]
    scan = make_scan(pages=paths, findings=findings, score=50, summary={"pages": size})
    scan = type(scan).objects.get(pk=scan.pk)  # nothing cached on the instance

    # One more than before for the site facts counted over the pages (site_page_facts).
    with django_assert_max_num_queries(8):
        html = pdf.report_pdf_html(scan=scan, language="en")

    assert f"{SITE}/p{size - 1}" in html


def test_an_orphaned_file_under_the_audits_name_is_replaced_not_suffixed(full_audit):
    report = SEOReport.objects.get(scan=full_audit)
    orphan = report.pdf_file.field.generate_filename(report, f"{full_audit.pk}-en.pdf")
    report.pdf_file.storage.save(orphan, ContentFile(b"left behind by a restored database"))

    report = pdf.report_pdf_store(scan=full_audit, language="en")

    assert report.pdf_file.name == orphan
    with report.pdf_file.open("rb") as stored:
        assert stored.read(4) == b"%PDF"
